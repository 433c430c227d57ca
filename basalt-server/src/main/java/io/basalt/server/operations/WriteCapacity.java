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
 * writes changed (an index the writes left alone is not listed). Single-item and batch writes report
 * {@code CapacityUnits} only.
 *
 * <p>A transaction's writes cost the table twice the units, while each index arm costs what the same write costs
 * outside a transaction; and a transaction reports {@code WriteCapacityUnits} beside every {@code CapacityUnits}
 * (both measured against DynamoDB: nubo-db/dynoxide {@code tests/transactional_index_consumed_capacity.rs},
 * eu-west-2, August 2026; paritysuite/dynamodb-conformance#69). A ConditionCheck costs the same as a write of
 * the item it checked. A retry answered from its ClientRequestToken writes nothing and is charged as reads: two
 * units per 4 KB of each item, reported as {@code ReadCapacityUnits} (paritysuite/dynamodb-conformance#74).
 */
final class WriteCapacity {
    private final boolean transactional;
    private final boolean retried;
    private double table;
    private final Map<String, Double> localIndexes = new TreeMap<>();
    private final Map<String, Double> globalIndexes = new TreeMap<>();

    /** The capacity of single-item and batch writes. */
    WriteCapacity() {
        this(false, false);
    }

    private WriteCapacity(boolean transactional, boolean retried) {
        this.transactional = transactional;
        this.retried = retried;
    }

    /**
     * The capacity of a TransactWriteItems request's writes in one table.
     *
     * @param retried whether the request was a retry answered from its ClientRequestToken
     */
    static WriteCapacity transactional(boolean retried) {
        return new WriteCapacity(true, retried);
    }

    /** Adds one completed write (a ConditionCheck's carries the checked item's size). */
    WriteCapacity add(EvaluatedWrite write) {
        if (retried) {
            table += 2 * Capacity.readUnits(Math.max(write.oldSize(), write.newSize()), true);
            return this;
        }
        table += Capacity.writeUnits(write.oldSize(), write.newSize()) * (transactional ? 2 : 1);
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

    /** Writes the {@code ConsumedCapacity} list of a multi-table write, one entry per table, if asked for. */
    static void writeList(JsonGenerator out, Capacity.Mode mode, Map<String, WriteCapacity> tables)
            throws IOException {
        if (mode == Capacity.Mode.NONE) {
            return;
        }
        out.writeArrayFieldStart("ConsumedCapacity");
        for (Map.Entry<String, WriteCapacity> table : tables.entrySet()) {
            table.getValue().writeObject(out, mode, table.getKey());
        }
        out.writeEndArray();
    }

    /** Writes this table's ConsumedCapacity object (members in DynamoDB's alphabetical order). */
    void writeObject(JsonGenerator out, Capacity.Mode mode, String tableName) throws IOException {
        out.writeStartObject();
        out.writeNumberField("CapacityUnits", total());
        if (mode == Capacity.Mode.INDEXES) {
            writeIndexes(out, "GlobalSecondaryIndexes", globalIndexes);
            writeIndexes(out, "LocalSecondaryIndexes", localIndexes);
            out.writeObjectFieldStart("Table");
            writeUnits(out, table);
            out.writeEndObject();
        }
        out.writeStringField("TableName", tableName);
        if (transactional) {
            out.writeNumberField(retried ? "ReadCapacityUnits" : "WriteCapacityUnits", total());
        }
        out.writeEndObject();
    }

    private void writeIndexes(JsonGenerator out, String member, Map<String, Double> indexes) throws IOException {
        if (indexes.isEmpty()) {
            return;
        }
        out.writeObjectFieldStart(member);
        for (Map.Entry<String, Double> index : indexes.entrySet()) {
            out.writeObjectFieldStart(index.getKey());
            writeUnits(out, index.getValue());
            out.writeEndObject();
        }
        out.writeEndObject();
    }

    /** The members of one {@code Capacity} object: the units, and for a transaction the same as write units. */
    private void writeUnits(JsonGenerator out, double units) throws IOException {
        out.writeNumberField("CapacityUnits", units);
        if (transactional) {
            out.writeNumberField(retried ? "ReadCapacityUnits" : "WriteCapacityUnits", units);
        }
    }
}
