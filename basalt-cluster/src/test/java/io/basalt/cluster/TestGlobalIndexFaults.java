package io.basalt.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.Item;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.PrimaryKey;
import io.basalt.model.Projection;
import io.basalt.partition.DeleteItemOperation;
import io.basalt.partition.EvaluatedWrite;
import io.basalt.partition.GlobalIndexBatch;
import io.basalt.partition.IndexEntries;
import io.basalt.partition.IndexPosition;
import io.basalt.partition.ItemOperation;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionState;
import io.basalt.partition.PrepareOutcome;
import io.basalt.partition.PutItemOperation;
import io.basalt.partition.TransactionWatch;
import io.basalt.partition.encoding.ItemCodec;
import io.basalt.partition.encoding.StoredItem;
import io.basalt.storage.StorageIterator;
import io.basalt.storage.StorageReader;
import io.basalt.storage.memory.InMemoryStorageEngine;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import io.basalt.partition.read.ReadPlan;
import io.basalt.partition.read.ReadResult;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The propagator over a partition client that loses {@code GSI_APPLY} calls (cluster.md §15): some are refused before
 * they reach the index partition, some are applied and their answer lost (an ambiguous failure). Resending is safe
 * (applying is idempotent by position, and a backfill chunk sent again gets a new number), so an index created with
 * its table and one added while writes go on both converge to exactly the table's items, with exact counts.
 */
@Timeout(120)
class TestGlobalIndexFaults {
    private static final KeySchema SCHEMA = KeySchema.of(new KeyAttribute("pk", AttributeType.S));
    private static final KeyAttribute COLOUR = new KeyAttribute("colour", AttributeType.S);
    private static final KeyAttribute SIZE = new KeyAttribute("size", AttributeType.S);

    @Test
    void lostAndRefusedBatchesAreSentAgainUntilTheIndexesConverge() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger lost = new AtomicInteger();
        InMemoryStorageEngine engine = new InMemoryStorageEngine();
        try (BasaltNode node = BasaltNode.open(engine, NodeConfig.defaults(),
                local -> new LossyGlobalIndexCalls(local, calls, lost))) {
            TableMetadata table = node.createTable(new TableDefinition("T", SCHEMA,
                    List.of(SCHEMA.partitionKey(), COLOUR, SIZE), BillingMode.PAY_PER_REQUEST,
                    ProvisionedThroughput.NONE, false, null, Map.of(), List.of(index("ByColour", COLOUR))));
            Random random = new Random(7);
            for (int i = 0; i < 600; i++) {
                write(node, table, random);
            }
            TableMetadata added = node.updateTable("T", TableChange.AddGlobalIndex.of(node.describeTable("T"),
                    index("BySize", SIZE), List.of(SCHEMA.partitionKey(), COLOUR, SIZE), node.now()));
            for (int i = 0; i < 600; i++) {
                write(node, added, random);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline && node.describeTable("T").index("BySize").orElseThrow()
                    .status(node.now()) != TableStatus.ACTIVE) {
                Thread.sleep(10);
            }
            TableMetadata current = node.describeTable("T");
            for (IndexMetadata index : current.globalIndexes()) {
                awaitConverged(node, current, index);
            }
        }
        assertThat(lost.get()).as("calls lost on the way (of %s)", calls.get()).isPositive();
    }

    private static void write(BasaltNode node, TableMetadata table, Random random) throws Exception {
        String pk = "p" + random.nextInt(200);
        PrimaryKey key = new PrimaryKey(AttributeValue.string(pk), Optional.empty());
        ItemOperation operation;
        if (random.nextInt(6) == 0) {
            operation = new DeleteItemOperation(key, null);
        } else {
            Map<String, AttributeValue> attributes = new LinkedHashMap<>();
            attributes.put("pk", AttributeValue.string(pk));
            if (random.nextInt(5) != 0) {
                attributes.put("colour", AttributeValue.string("c" + random.nextInt(30)));
            }
            if (random.nextInt(4) != 0) {
                attributes.put("size", AttributeValue.string("s" + random.nextInt(30)));
            }
            operation = new PutItemOperation(key, new Item(attributes));
        }
        node.write(table, operation).get(10, TimeUnit.SECONDS);
    }

    private static void awaitConverged(BasaltNode node, TableMetadata table, IndexMetadata index)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && !expected(node.storage(), table, index)
                .equals(entries(node.storage(), table, index))) {
            Thread.sleep(10);
        }
        Map<String, Item> expected = expected(node.storage(), table, index);
        assertThat(entries(node.storage(), table, index)).as(index.name()).isEqualTo(expected);
        long size = expected.values().stream().mapToLong(IndexEntries::size).sum();
        while (System.nanoTime() < deadline
                && !node.indexStatistics(table, index).equals(new TableStatistics(expected.size(), size))) {
            Thread.sleep(10);
        }
        assertThat(node.indexStatistics(table, index)).as(index.name())
                .isEqualTo(new TableStatistics(expected.size(), size));
    }

    private static Map<String, Item> entries(StorageReader storage, TableMetadata table, IndexMetadata index) {
        Map<String, Item> entries = new HashMap<>();
        try (StorageIterator it = storage.iterator(KeyLayout.indexStart(table.id(), index.id()),
                KeyLayout.indexEnd(table.id(), index.id()))) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                entries.put(HexFormat.of().formatHex(it.key()), ItemCodec.decode(it.value()));
            }
        }
        return entries;
    }

    private static Map<String, Item> expected(StorageReader storage, TableMetadata table, IndexMetadata index) {
        Map<String, Item> expected = new HashMap<>();
        try (StorageIterator items = storage.iterator(KeyLayout.indexStart(table.id(), KeyLayout.BASE_TABLE_INDEX),
                KeyLayout.indexEnd(table.id(), KeyLayout.BASE_TABLE_INDEX))) {
            for (items.seekToFirst(); items.isValid(); items.next()) {
                Item item = ItemCodec.decode(items.value());
                byte[] key = KeyLayout.indexEntryKey(table.id(), SCHEMA, index.index(), item);
                if (key != null) {
                    expected.put(HexFormat.of().formatHex(key), IndexEntries.project(SCHEMA, index.index(), item));
                }
            }
        }
        return expected;
    }

    private static IndexDefinition index(String name, KeyAttribute key) {
        return new IndexDefinition(name, true, List.of(key), List.of(), Projection.ALL, ProvisionedThroughput.NONE);
    }

    /**
     * The node's own client, except that a {@code GSI_APPLY} call is refused before it is applied one time in five,
     * and applied but answered with a failure one time in five (at random: a fixed pattern could hit the same
     * partition of every round).
     */
    private static final class LossyGlobalIndexCalls implements PartitionClient {
        private final PartitionClient local;
        private final AtomicInteger calls;
        private final AtomicInteger lost;
        private final Random random = new Random(11);

        LossyGlobalIndexCalls(PartitionClient local, AtomicInteger calls, AtomicInteger lost) {
            this.local = local;
            this.calls = calls;
            this.lost = lost;
        }

        @Override
        public CompletableFuture<IndexPosition> applyGlobalIndex(PartitionId indexPartition, GlobalIndexBatch batch) {
            calls.incrementAndGet();
            int fate;
            synchronized (random) {
                fate = random.nextInt(5);
            }
            if (fate == 0) {
                lost.incrementAndGet();
                return CompletableFuture.failedFuture(new IllegalStateException("refused on the way"));
            }
            CompletableFuture<IndexPosition> applied = local.applyGlobalIndex(indexPartition, batch);
            if (fate == 1) {
                lost.incrementAndGet();
                return applied.thenCompose(position -> CompletableFuture.failedFuture(
                        new IllegalStateException("answer lost")));
            }
            return applied;
        }

        @Override
        public CompletableFuture<EvaluatedWrite> write(PartitionId partition, byte[] itemKey,
                ItemOperation operation) {
            return local.write(partition, itemKey, operation);
        }

        @Override
        public List<CompletableFuture<EvaluatedWrite>> writeBatch(List<ItemWrite> writes) {
            return local.writeBatch(writes);
        }

        @Override
        public StoredItem get(PartitionId partition, byte[] itemKey, boolean consistent) {
            return local.get(partition, itemKey, consistent);
        }

        @Override
        public List<List<StoredItem>> getBatch(List<KeyGroup> groups) {
            return local.getBatch(groups);
        }

        @Override
        public CompletableFuture<ReadResult> readPage(PartitionId partition, ReadPlan plan) {
            return local.readPage(partition, plan);
        }

        @Override
        public CompletableFuture<List<PrepareOutcome>> prepare(PartitionId partition, long transaction,
                long timestamp, String ledgerKey, List<byte[]> itemKeys, List<ItemOperation> operations) {
            return local.prepare(partition, transaction, timestamp, ledgerKey, itemKeys, operations);
        }

        @Override
        public CompletableFuture<List<EvaluatedWrite>> commit(PartitionId partition, long transaction,
                long timestamp) {
            return local.commit(partition, transaction, timestamp);
        }

        @Override
        public CompletableFuture<Void> release(PartitionId partition, long transaction, List<byte[]> itemKeys) {
            return local.release(partition, transaction, itemKeys);
        }

        @Override
        public CompletableFuture<PartitionState.ReadRound> readForTransaction(PartitionId partition,
                List<byte[]> itemKeys) {
            return local.readForTransaction(partition, itemKeys);
        }

        @Override
        public CompletableFuture<boolean[]> validate(PartitionId partition, TransactionWatch watch) {
            return local.validate(partition, watch);
        }
    }
}
