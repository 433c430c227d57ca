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
 * eu-west-2, August 2026; paritysuite/dynamodb-conformance#69).
 */
final class WriteCapacity {
    private final boolean transactional;
    private double table;
    private final Map<String, Double> localIndexes = new TreeMap<>();
    private final Map<String, Double> globalIndexes = new TreeMap<>();

    /** The capacity of single-item and batch writes. */
    WriteCapacity() {
        this(false);
    }

    private WriteCapacity(boolean transactional) {
        this.transactional = transactional;
    }

    /** The capacity of a TransactWriteItems request's writes in one table. */
    static WriteCapacity transactional() {
        return new WriteCapacity(true);
    }

    /**
     * Adds one completed write; null for a transaction's ConditionCheck of which the engine reports no sizes, which
     * costs the minimum (DynamoDB sizes it on the image checked: 2 units per KB, dynoxide capture F1).
     */
    WriteCapacity add(EvaluatedWrite write) {
        if (write == null) {
            table += Capacity.writeUnits(0, 0) * (transactional ? 2 : 1);
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
            out.writeNumberField("WriteCapacityUnits", total());
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
            out.writeNumberField("WriteCapacityUnits", units);
        }
    }
}
