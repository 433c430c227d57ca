package io.basalt.server.operations;

import com.fasterxml.jackson.core.JsonGenerator;
import io.basalt.model.Limits;
import java.io.IOException;

/**
 * Capacity units as DynamoDB counts them (Developer Guide, "Read/write capacity mode"): a write costs one unit per
 * 1 KB of the larger of the old and new item, at least one; a strongly consistent read one unit per 4 KB, at
 * least one, and an eventually consistent read half that.
 */
final class Capacity {
    /** What ReturnConsumedCapacity asked for. */
    enum Mode {
        NONE, TOTAL, INDEXES
    }

    private Capacity() {
    }

    static double writeUnits(long oldSize, long newSize) {
        long size = Math.max(oldSize, newSize);
        return Math.max(1, ceilDiv(size, Limits.WRITE_UNIT_BYTES));
    }

    static double readUnits(long size, boolean consistent) {
        double units = Math.max(1, ceilDiv(size, Limits.READ_UNIT_BYTES));
        return consistent ? units : units / 2;
    }

    private static long ceilDiv(long size, long unit) {
        return (size + unit - 1) / unit;
    }

    static Mode mode(String value) {
        return value == null ? Mode.NONE : Mode.valueOf(value);
    }

    /** Writes the {@code ConsumedCapacity} member for one table, if the request asked for it. */
    static void write(JsonGenerator out, Mode mode, String tableName, double units)
            throws IOException {
        if (mode == Mode.NONE) {
            return;
        }
        out.writeFieldName("ConsumedCapacity");
        out.writeStartObject();
        // TOTAL carries only the total; INDEXES adds the per-table (and, with indexes, per-index) breakdown. Only
        // transactions split units into ReadCapacityUnits and WriteCapacityUnits (measured against DynamoDB:
        // paritysuite/dynamodb-conformance#69).
        out.writeNumberField("CapacityUnits", units);
        if (mode == Mode.INDEXES) {
            out.writeFieldName("Table");
            out.writeStartObject();
            out.writeNumberField("CapacityUnits", units);
            out.writeEndObject();
        }
        out.writeStringField("TableName", tableName);
        out.writeEndObject();
    }

    /**
     * Writes the {@code ConsumedCapacity} of a Query or Scan. A read of an index consumes the index's read capacity
     * (and, for a local index that fetched the table's items, the table's too): TOTAL carries the sum; INDEXES also
     * the table's share (zero when only the index was read) and the index's under {@code LocalSecondaryIndexes} or
     * {@code GlobalSecondaryIndexes} (API ConsumedCapacity; Developer Guide, "Provisioned throughput considerations"
     * of global and local secondary indexes). Like every non-transactional operation, only CapacityUnits
     * (docs/design/index-writes.md §2).
     *
     * @param indexName the index read, or null for a table read (whose units are all {@code tableUnits})
     */
    static void writeRead(JsonGenerator out, Mode mode, String tableName, double tableUnits, String indexName,
            boolean global, double indexUnits) throws IOException {
        if (mode == Mode.NONE) {
            return;
        }
        out.writeFieldName("ConsumedCapacity");
        out.writeStartObject();
        out.writeNumberField("CapacityUnits", tableUnits + indexUnits);
        if (mode == Mode.INDEXES) {
            out.writeObjectFieldStart("Table");
            out.writeNumberField("CapacityUnits", tableUnits);
            out.writeEndObject();
            if (indexName != null) {
                out.writeObjectFieldStart(global ? "GlobalSecondaryIndexes" : "LocalSecondaryIndexes");
                out.writeObjectFieldStart(indexName);
                out.writeNumberField("CapacityUnits", indexUnits);
                out.writeEndObject();
                out.writeEndObject();
            }
        }
        out.writeStringField("TableName", tableName);
        out.writeEndObject();
    }
}
