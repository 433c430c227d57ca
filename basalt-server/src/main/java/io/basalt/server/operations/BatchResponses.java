package io.basalt.server.operations;

import com.fasterxml.jackson.core.JsonGenerator;
import io.basalt.server.json.JsonObject;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** Response parts both batch operations write. */
final class BatchResponses {
    private BatchResponses() {
    }

    /** {@code ConsumedCapacity} as a list with one entry per table, when asked for. */
    static void writeCapacity(JsonGenerator out, Capacity.Mode mode, Map<String, Double> units)
            throws IOException {
        if (mode == Capacity.Mode.NONE) {
            return;
        }
        out.writeArrayFieldStart("ConsumedCapacity");
        for (Map.Entry<String, Double> table : units.entrySet()) {
            out.writeStartObject();
            out.writeNumberField("CapacityUnits", table.getValue());
            if (mode == Capacity.Mode.INDEXES) {
                out.writeObjectFieldStart("Table");
                out.writeNumberField("CapacityUnits", table.getValue());
                out.writeEndObject();
            }
            out.writeStringField("TableName", table.getKey());
            out.writeEndObject();
        }
        out.writeEndArray();
    }

    /** Copies members of a request part into an unprocessed entry, as DynamoDB echoes them. */
    static void echo(JsonGenerator out, JsonObject source, List<String> members) throws IOException {
        for (String member : members) {
            Object value = source.get(member);
            if (value != null) {
                out.writeFieldName(member);
                JsonObject.writeValue(out, value);
            }
        }
    }
}
