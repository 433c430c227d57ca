package io.basalt.server.operations;

import com.fasterxml.jackson.core.JsonGenerator;
import io.basalt.cluster.TableMetadata;
import io.basalt.model.AttributeValue;
import io.basalt.partition.EvaluatedWrite;
import io.basalt.server.json.AttributeValueJson;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * DynamoDB's {@code ItemCollectionMetrics}: for tables with local secondary indexes, when the request asks with
 * {@code ReturnItemCollectionMetrics=SIZE}, the written item's partition key and its collection's size as a range
 * of whole gigabytes ({@code [0, 1]} for anything under a gigabyte).
 */
final class ItemCollectionMetrics {
    private static final double GIGABYTE = 1024.0 * 1024 * 1024;

    private ItemCollectionMetrics() {
    }

    /** Whether a write's response carries metrics: asked for, and the table has local indexes. */
    static boolean applies(String returnItemCollectionMetrics, EvaluatedWrite write) {
        return "SIZE".equals(returnItemCollectionMetrics) && write.itemCollectionSize() >= 0;
    }

    /** Writes one metrics object for {@code write} (of an item whose partition key is {@code partitionValue}). */
    static void writeObject(JsonGenerator out, TableMetadata table, AttributeValue partitionValue,
            EvaluatedWrite write) throws IOException {
        out.writeStartObject();
        out.writeObjectFieldStart("ItemCollectionKey");
        out.writeFieldName(table.keySchema().partitionKey().name());
        AttributeValueJson.write(out, partitionValue);
        out.writeEndObject();
        double low = Math.floor(write.itemCollectionSize() / GIGABYTE);
        out.writeArrayFieldStart("SizeEstimateRangeGB");
        out.writeNumber(low);
        out.writeNumber(low + 1);
        out.writeEndArray();
        out.writeEndObject();
    }

    /**
     * Writes the {@code ItemCollectionMetrics} member of a multi-item write (BatchWriteItem, TransactWriteItems):
     * per table, one object for each of the writes numbered in {@code collections}; nothing when there are none.
     */
    static void writeMember(JsonGenerator out, Map<String, List<Integer>> collections,
            IntFunction<TableMetadata> table, IntFunction<AttributeValue> partitionValue,
            IntFunction<EvaluatedWrite> write) throws IOException {
        if (collections.isEmpty()) {
            return;
        }
        out.writeObjectFieldStart("ItemCollectionMetrics");
        for (Map.Entry<String, List<Integer>> entry : collections.entrySet()) {
            out.writeArrayFieldStart(entry.getKey());
            for (int i : entry.getValue()) {
                writeObject(out, table.apply(i), partitionValue.apply(i), write.apply(i));
            }
            out.writeEndArray();
        }
        out.writeEndObject();
    }
}
