package io.basalt.server;

import com.fasterxml.jackson.core.JsonGenerator;
import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.partition.ConditionalCheckFailedException;
import io.basalt.server.json.AttributeValueJson;
import java.io.IOException;

/**
 * The one place where an error becomes a response body: {@code {"__type": "...", "message": "..."}}.
 *
 * <p>SerializationException and AccessDeniedException spell the member {@code Message}; every other error spells
 * it {@code message}. Clients read both, but tests compare bodies.
 */
final class ErrorFormatter {
    private ErrorFormatter() {
    }

    static ResponseBody body(BasaltException error) {
        return out -> write(out, error);
    }

    private static boolean capitalizedMessage(ErrorCode code) {
        return code == ErrorCode.SERIALIZATION || code == ErrorCode.ACCESS_DENIED;
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
        out.writeEndObject();
    }
}
