package io.basalt.server.operations;

import com.fasterxml.jackson.core.JsonGenerator;
import io.basalt.partition.EvaluatedWrite;
import io.basalt.partition.IndexWrite;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The write capacity one request consumed in one table: the table's units and each secondary index's, as
 * DynamoDB reports them. TOTAL carries the sum; INDEXES adds the {@code Table} part and one entry per index the
 * writes changed (an index the writes left alone is not listed). Writes report {@code CapacityUnits} only.
 */
final class WriteCapacity {
    private double table;
    private final Map<String, Double> localIndexes = new TreeMap<>();
    private final Map<String, Double> globalIndexes = new TreeMap<>();

    /** Adds one completed write. */
    WriteCapacity add(EvaluatedWrite write) {
        table += Capacity.writeUnits(write.oldSize(), write.newSize());
        for (IndexWrite index : write.indexWrites()) {
            if (index.units() > 0) {
                (index.global() ? globalIndexes : localIndexes).merge(index.indexName(), index.units(), Double::sum);
            }
        }
        return this;
    }

    double total() {
        double total = table;
        for (double units : localIndexes.values()) {
            total += units;
        }
        for (double units : globalIndexes.values()) {
            total += units;
        }
        return total;
    }

    /** Writes the {@code ConsumedCapacity} member of a single-item write, if the request asked for it. */
    void writeMember(JsonGenerator out, Capacity.Mode mode, String tableName) throws IOException {
        if (mode != Capacity.Mode.NONE) {
            out.writeFieldName("ConsumedCapacity");
            writeObject(out, mode, tableName);
        }
    }

    /** Writes this table's ConsumedCapacity object (members in DynamoDB's alphabetical order). */
    void writeObject(JsonGenerator out, Capacity.Mode mode, String tableName) throws IOException {
        out.writeStartObject();
        out.writeNumberField("CapacityUnits", total());
        if (mode == Capacity.Mode.INDEXES) {
            writeIndexes(out, "GlobalSecondaryIndexes", globalIndexes);
            writeIndexes(out, "LocalSecondaryIndexes", localIndexes);
            out.writeObjectFieldStart("Table");
            out.writeNumberField("CapacityUnits", table);
            out.writeEndObject();
        }
        out.writeStringField("TableName", tableName);
        out.writeEndObject();
    }

    private static void writeIndexes(JsonGenerator out, String member, Map<String, Double> indexes)
            throws IOException {
        if (indexes.isEmpty()) {
            return;
        }
        out.writeObjectFieldStart(member);
        for (Map.Entry<String, Double> index : indexes.entrySet()) {
            out.writeObjectFieldStart(index.getKey());
            out.writeNumberField("CapacityUnits", index.getValue());
            out.writeEndObject();
        }
        out.writeEndObject();
    }
}
