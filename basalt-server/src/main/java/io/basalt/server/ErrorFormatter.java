package io.basalt.server;

import com.fasterxml.jackson.core.JsonGenerator;
import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.partition.CancellationReason;
import io.basalt.partition.ConditionalCheckFailedException;
import io.basalt.partition.TransactionCanceledException;
import io.basalt.server.json.AttributeValueJson;
import java.io.IOException;

/**
 * The one place where an error becomes a response body: {@code {"__type": "...", "message": "..."}}.
 *
 * <p>SerializationException, AccessDeniedException and TransactionCanceledException spell the member
 * {@code Message}; every other error spells it {@code message}. Clients read both, but tests compare bodies.
 * (TransactionCanceledException's capital M: chiefbiiko/dynamodb#31, from a live response.)
 *
 * <p>A TransactionCanceledException also carries {@code CancellationReasons}, one {@code {Code, Message?, Item?}}
 * per action in request order, which the SDKs parse into {@code cancellationReasons()} (API reference,
 * CancellationReason).
 */
final class ErrorFormatter {
    private ErrorFormatter() {
    }

    static ResponseBody body(BasaltException error) {
        return out -> write(out, error);
    }

    private static boolean capitalizedMessage(ErrorCode code) {
        return code == ErrorCode.SERIALIZATION || code == ErrorCode.ACCESS_DENIED
                || code == ErrorCode.TRANSACTION_CANCELED;
    }

    private static void write(JsonGenerator out, BasaltException error) throws IOException {
        ErrorCode code = error.code();
        out.writeStartObject();
        out.writeStringField("__type", code.wireType());
        if (error.getMessage() != null) {
            out.writeStringField(capitalizedMessage(code) ? "Message" : "message", error.getMessage());
        }
        if (error instanceof ConditionalCheckFailedException failed && failed.returnItem()
                && failed.currentItem() != null) {
            out.writeFieldName("Item");
            AttributeValueJson.writeItem(out, failed.currentItem().attributes());
        }
        if (error instanceof TransactionCanceledException cancelled) {
            writeReasons(out, cancelled);
        }
        out.writeEndObject();
    }

    private static void writeReasons(JsonGenerator out, TransactionCanceledException cancelled) throws IOException {
        out.writeArrayFieldStart("CancellationReasons");
        for (CancellationReason reason : cancelled.reasons()) {
            out.writeStartObject();
            out.writeStringField("Code", reason.code());
            if (reason.item() != null) {
                out.writeFieldName("Item");
                AttributeValueJson.writeItem(out, reason.item().attributes());
            }
            if (reason.message() != null) {
                out.writeStringField("Message", reason.message());
            }
            out.writeEndObject();
        }
        out.writeEndArray();
    }
}
