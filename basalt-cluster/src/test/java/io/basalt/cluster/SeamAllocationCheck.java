package io.basalt.cluster;

import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.Item;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PutItemOperation;
import io.basalt.partition.encoding.StoredItem;
import io.basalt.storage.memory.InMemoryStorageEngine;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A hand-run check (not part of the test suite; no JMH) that the partition client seam adds no allocation to a
 * GetItem on one node: bytes allocated per {@code BasaltNode.getItem} against the same read done the way it was
 * before the seam ({@code storage.get} of the item key, wrapped as a {@link StoredItem}). The {@code PartitionId}
 * built per call must be scalar-replaced once the call is compiled. Run with
 * {@code java -cp ... io.basalt.cluster.SeamAllocationCheck}.
 */
final class SeamAllocationCheck {
    private static final int ROUNDS = 2_000_000;

    private SeamAllocationCheck() {
    }

    public static void main(String[] args) {
        KeySchema schema = KeySchema.of(new KeyAttribute("pk", AttributeType.S));
        try (BasaltNode node = BasaltNode.open(new InMemoryStorageEngine(), NodeConfig.defaults())) {
            node.createTable(new TableDefinition("T", schema, List.of(schema.partitionKey()),
                    BillingMode.PAY_PER_REQUEST, ProvisionedThroughput.NONE, false, null, Map.of(), List.of()));
            TableMetadata table = node.tableForItems("T");
            PrimaryKey[] keys = new PrimaryKey[64];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = new PrimaryKey(AttributeValue.string("k" + i), Optional.empty());
                node.write(table, new PutItemOperation(keys[i], new Item(Map.of("pk", AttributeValue.string("k" + i),
                        "v", AttributeValue.string("x".repeat(100)))))).join();
            }
            for (int round = 0; round < 5; round++) {
                System.out.printf("round %d: seam %.1f bytes/read, before the seam %.1f bytes/read%n", round,
                        perRead(() -> viaSeam(node, table, keys)), perRead(() -> direct(node, table, keys)));
            }
        }
    }

    private static long viaSeam(BasaltNode node, TableMetadata table, PrimaryKey[] keys) {
        long sizes = 0;
        for (int i = 0; i < ROUNDS; i++) {
            sizes += node.getItem(table, keys[i & 63], false).encoded().length;
        }
        return sizes;
    }

    private static long direct(BasaltNode node, TableMetadata table, PrimaryKey[] keys) {
        long sizes = 0;
        for (int i = 0; i < ROUNDS; i++) {
            byte[] stored = node.storage().get(KeyLayout.itemKey(table.id(), KeyLayout.BASE_TABLE_INDEX,
                    table.keySchema(), keys[i & 63]));
            sizes += StoredItem.of(stored).encoded().length;
        }
        return sizes;
    }

    private static double perRead(java.util.function.LongSupplier reads) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
                .getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        long sink = reads.getAsLong();
        long after = threads.getCurrentThreadAllocatedBytes();
        if (sink == 42) {
            System.out.println();
        }
        return (after - before) / (double) ROUNDS;
    }
}
