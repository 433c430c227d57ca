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
 * <p>The service framework's own errors ({@code com.amazon.coral.service#...}) spell the member {@code Message};
 * DynamoDB's errors spell it {@code message}. Clients read both, but tests compare bodies.
 */
final class ErrorFormatter {
    private ErrorFormatter() {
    }

    static ResponseBody body(BasaltException error) {
        return out -> write(out, error);
    }

    private static void write(JsonGenerator out, BasaltException error) throws IOException {
        ErrorCode code = error.code();
        out.writeStartObject();
        out.writeStringField("__type", code.wireType());
        if (error.getMessage() != null) {
            out.writeStringField(code.wireType().startsWith("com.amazon.coral.service#") ? "Message" : "message",
                    error.getMessage());
        }
        if (error instanceof ConditionalCheckFailedException failed && failed.returnItem()
                && failed.currentItem() != null) {
            out.writeFieldName("Item");
            AttributeValueJson.writeItem(out, failed.currentItem().attributes());
        }
        out.writeEndObject();
    }
}
