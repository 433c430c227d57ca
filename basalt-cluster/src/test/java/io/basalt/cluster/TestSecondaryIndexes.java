package io.basalt.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.BasaltException;
import io.basalt.model.Bytes;
import io.basalt.model.Item;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.PrimaryKey;
import io.basalt.model.Projection;
import io.basalt.model.SecondaryIndex;
import io.basalt.partition.DeleteItemOperation;
import io.basalt.partition.EvaluatedWrite;
import io.basalt.partition.IndexEntries;
import io.basalt.partition.IndexWrite;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PutItemOperation;
import io.basalt.partition.encoding.ItemCodec;
import io.basalt.storage.StorageEngine;
import io.basalt.storage.StorageIterator;
import io.basalt.storage.memory.InMemoryStorageEngine;
import io.basalt.storage.rocksdb.RocksDbStorageEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secondary index maintenance on one node: local indexes in the write's own batch, global indexes from change
 * records, online creation with backfill while writes continue, dropping, and restarts. Every check compares the
 * index's stored entries with the entries derived from the table's items.
 */
@Timeout(120)
class TestSecondaryIndexes {
    private static final KeySchema SCHEMA = KeySchema.of(new KeyAttribute("pk", AttributeType.S),
            new KeyAttribute("sk", AttributeType.N));
    private static final KeyAttribute PK = SCHEMA.partitionKey();
    private static final KeyAttribute STATE = new KeyAttribute("state", AttributeType.S);
    private static final KeyAttribute SCORE = new KeyAttribute("score", AttributeType.N);
    private static final KeyAttribute GROUP = new KeyAttribute("group", AttributeType.S);

    @TempDir
    Path directory;

    private StorageEngine storage;

    @Test
    void localIndexEntriesFollowEveryWriteInTheSameBatch() {
        try (BasaltNode node = open(NodeConfig.defaults(), false)) {
            TableMetadata table = node.createTable(definition("T", List.of(new IndexDefinition("ByState", false,
                    List.of(PK), List.of(STATE), Projection.KEYS_ONLY, ProvisionedThroughput.NONE))));
            put(node, table, item("pk", "a", "sk", 1, "state", "open", "note", "x"));
            put(node, table, item("pk", "a", "sk", 2, "state", "closed"));
            put(node, table, item("pk", "a", "sk", 3));
            IndexMetadata index = table.index("ByState").orElseThrow();
            assertConverged(node, table, index);
            assertThat(entries(table, index).values()).containsExactly(
                    item("pk", "a", "sk", 2, "state", "closed"), item("pk", "a", "sk", 1, "state", "open"));

            put(node, table, item("pk", "a", "sk", 1, "state", "zzz"));
            delete(node, table, "a", 2);
            put(node, table, item("pk", "a", "sk", 3, "state", "mid"));
            assertConverged(node, table, index);
            assertThat(node.indexStatistics(table, index).itemCount()).isEqualTo(2);
        }
    }

    @Test
    void globalIndexesFollowTheTableAsynchronouslyAndSparsely() throws Exception {
        try (BasaltNode node = open(NodeConfig.defaults(), false)) {
            TableMetadata table = node.createTable(definition("T", List.of(global("ByGroup", Projection.ALL))));
            IndexMetadata index = table.index("ByGroup").orElseThrow();
            for (int i = 0; i < 200; i++) {
                Item item = i % 3 == 0 ? item("pk", "p" + i, "sk", i) : item("pk", "p" + i, "sk", i, "group",
                        "g" + (i % 7), "score", i);
                put(node, table, item);
            }
            awaitConverged(node, table, index);
            assertThat(node.indexStatistics(table, index).itemCount()).isEqualTo(133);
            assertThat(node.globalIndexLag(table, index).pendingChanges()).isZero();
        }
    }

    @Test
    void synchronousPropagationMakesEntriesVisibleWhenTheWriteReturns() {
        NodeConfig config = NodeConfig.defaults().withGlobalIndexPropagation(GlobalIndexPropagation.SYNCHRONOUS);
        try (BasaltNode node = open(config, false)) {
            TableMetadata table = node.createTable(definition("T", List.of(global("ByGroup", Projection.KEYS_ONLY))));
            IndexMetadata index = table.index("ByGroup").orElseThrow();
            for (int i = 0; i < 50; i++) {
                put(node, table, item("pk", "p" + i, "sk", i, "group", "g" + (i % 3), "score", i, "other", "o"));
                assertConverged(node, table, index);
            }
            delete(node, table, "p7", 7);
            assertConverged(node, table, index);
        }
    }

    @Test
    void delayedPropagationHoldsChangesBackUntilTheDelayHasPassed() throws Exception {
        // The delay is measured on the node's clock: standing still, it holds the change back however slow the
        // machine; moved past the delay, it lets the change through.
        MutableClock clock = new MutableClock(java.time.Instant.parse("2026-01-01T00:00:00Z"));
        NodeConfig config = NodeConfig.defaults().withClock(clock)
                .withGlobalIndexPropagation(GlobalIndexPropagation.delayed(Duration.ofMillis(400)));
        try (BasaltNode node = open(config, false)) {
            TableMetadata table = node.createTable(definition("T", List.of(global("ByGroup", Projection.ALL))));
            IndexMetadata index = table.index("ByGroup").orElseThrow();
            put(node, table, item("pk", "a", "sk", 1, "group", "g", "score", 1));
            Thread.sleep(300);  // three rounds of the propagator's re-check, which must find the change not yet due
            assertThat(entries(table, index)).isEmpty();
            assertThat(node.globalIndexLag(table, index).pendingChanges()).isEqualTo(1);
            clock.advance(Duration.ofMillis(399));
            Thread.sleep(150);
            assertThat(entries(table, index)).as("one millisecond before the delay has passed").isEmpty();
            clock.advance(Duration.ofMillis(1));
            awaitConverged(node, table, index);
            node.setGlobalIndexPropagation(GlobalIndexPropagation.SYNCHRONOUS);
            put(node, table, item("pk", "b", "sk", 1, "group", "g", "score", 2));
            assertConverged(node, table, index);
        }
    }

    @Test
    void changesNotYetAppliedWhenTheNodeStopsAreAppliedAfterARestart() throws Exception {
        NodeConfig delayed = NodeConfig.defaults()
                .withGlobalIndexPropagation(GlobalIndexPropagation.delayed(Duration.ofHours(1)));
        TableMetadata table;
        try (BasaltNode node = open(delayed, true)) {
            table = node.createTable(definition("T", List.of(global("ByGroup", Projection.ALL))));
            for (int i = 0; i < 300; i++) {
                put(node, table, item("pk", "p" + (i % 100), "sk", 1, "group", "g" + (i % 7), "score", i));
            }
            assertThat(node.globalIndexLag(table, table.index("ByGroup").orElseThrow()).pendingChanges())
                    .isEqualTo(300);
        }
        try (BasaltNode node = reopen()) {
            awaitConverged(node, table, node.describeTable("T").index("ByGroup").orElseThrow());
            // The records every index partition has applied are trimmed by entries of their base partitions.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline && countKeys(KeyLayout.tableStart(KeyLayout.CHANGES, table.id()),
                    KeyLayout.tableEnd(KeyLayout.CHANGES, table.id())) > 0) {
                Thread.sleep(10);
            }
            assertThat(countKeys(KeyLayout.tableStart(KeyLayout.CHANGES, table.id()),
                    KeyLayout.tableEnd(KeyLayout.CHANGES, table.id()))).isZero();
        }
    }

    @Test
    void writesCheckIndexKeyTypesAndLeaveNothingBehind() {
        try (BasaltNode node = open(NodeConfig.defaults(), false)) {
            TableMetadata table = node.createTable(definition("T", List.of(global("ByGroup", Projection.ALL))));
            assertThatThrownBy(() -> put(node, table, item("pk", "a", "sk", 1, "group", 5)))
                    .isInstanceOf(BasaltException.class)
                    .hasMessage("One or more parameter values were invalid: Type mismatch for Index Key group "
                            + "Expected: S Actual: N IndexName: ByGroup");
            assertThatThrownBy(() -> put(node, table, item("pk", "a", "sk", 1, "group", "")))
                    .isInstanceOf(BasaltException.class).hasMessageContaining("IndexName: ByGroup, IndexKey: group");
            assertThat(node.read(table, key("a", 1))).isNull();
            EvaluatedWrite write = put(node, table, item("pk", "a", "sk", 1, "group", "g", "score", 3));
            assertThat(write.indexWrites()).containsExactly(new IndexWrite("ByGroup", true, 1));
            EvaluatedWrite unrelated = put(node, table, item("pk", "b", "sk", 1));
            assertThat(unrelated.indexWrites()).containsExactly(new IndexWrite("ByGroup", true, 0));
        }
    }

    @Test
    void anIndexAddedWhileWritesContinueConvergesToTheTable() throws Exception {
        try (BasaltNode node = open(NodeConfig.defaults(), true)) {
            TableMetadata table = node.createTable(definition("T", List.of()));
            for (int i = 0; i < 3000; i++) {
                put(node, table, randomItem(ThreadLocalRandom.current(), i));
            }
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 3; w++) {
                Thread writer = new Thread(() -> {
                    Random random = new Random();
                    while (!stop.get()) {
                        int i = random.nextInt(3500);
                        try {
                            if (random.nextInt(5) == 0) {
                                delete(node, table, "p" + i, i % 10);
                            } else {
                                put(node, table, randomItem(random, i));
                            }
                        } catch (BasaltException e) {
                            // A string score once the index exists: refused, and nothing changes.
                            assertThat(e.getMessage()).contains("Type mismatch for Index Key score");
                        }
                    }
                });
                writer.start();
                writers.add(writer);
            }
            Thread.sleep(50);
            TableMetadata added = node.updateTable("T", TableChange.AddGlobalIndex.of(node.describeTable("T"),
                    global("ByGroup", Projection.include(List.of("note"))),
                    List.of(PK, SCHEMA.sortKey().orElseThrow(), GROUP, SCORE), node.now()));
            assertThat(added.index("ByGroup").orElseThrow().status(node.now())).isEqualTo(TableStatus.CREATING);
            // The added index gets partitions of its own, ids after the table's, open in the local group.
            List<PartitionDescriptor> indexPartitions = added.index("ByGroup").orElseThrow().partitions();
            assertThat(indexPartitions).hasSize(added.partitionCount()).allSatisfy(partition -> {
                assertThat(partition.indexId()).isEqualTo(added.index("ByGroup").orElseThrow().id());
                assertThat(partition.id().value()).isGreaterThan(added.partitions().get(0).id().value());
                // Open (-1 when the group does not hold it); the backfill may have logged its first chunks already.
                assertThat(node.stateMachine().sequence(partition.id())).isNotNegative();
            });
            Thread.sleep(300);
            stop.set(true);
            for (Thread writer : writers) {
                writer.join();
            }
            TableMetadata active = awaitActive(node, "T", "ByGroup");
            awaitConverged(node, active, active.index("ByGroup").orElseThrow());
        }
        // The index, its entries and its place in the log survive a restart.
        try (BasaltNode node = reopen()) {
            TableMetadata table = node.describeTable("T");
            IndexMetadata index = table.index("ByGroup").orElseThrow();
            assertConverged(node, table, index);
            put(node, table, item("pk", "new", "sk", 1, "group", "g", "score", 1));
            awaitConverged(node, table, index);
        }
    }

    @Test
    void droppingAnIndexRemovesItsEntriesThenTheIndex() throws Exception {
        try (BasaltNode node = open(NodeConfig.defaults(), false)) {
            TableMetadata table = node.createTable(definition("T", List.of(global("ByGroup", Projection.ALL))));
            IndexMetadata index = table.index("ByGroup").orElseThrow();
            assertThat(index.partitions()).as("created with the table").hasSize(table.partitionCount());
            for (int i = 0; i < 100; i++) {
                put(node, table, item("pk", "p" + i, "sk", i, "group", "g", "score", i));
            }
            TableMetadata dropping = node.updateTable("T",
                    TableChange.StartIndexDrop.of(node.describeTable("T"), "ByGroup"));
            assertThat(dropping.index("ByGroup").orElseThrow().status(node.now())).isEqualTo(TableStatus.DELETING);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (node.describeTable("T").index("ByGroup").isPresent() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(node.describeTable("T").indexes()).isEmpty();
            assertThat(node.describeTable("T").attributeDefinitions()).containsExactly(PK, SCHEMA.sortKey().get());
            assertThat(entries(table, index)).isEmpty();
            assertThat(index.partitions()).as("the dropped index's partitions are closed")
                    .allSatisfy(partition -> assertThat(node.stateMachine().sequence(partition.id())).isEqualTo(-1));
            // Their entries went through their own logs: positions and records too.
            assertThat(countKeys(KeyLayout.tableStart(KeyLayout.GSI_POSITIONS, table.id()),
                    KeyLayout.tableEnd(KeyLayout.GSI_POSITIONS, table.id()))).isZero();
            assertThat(index.partitions()).allSatisfy(partition -> assertThat(node.storage().get(
                    KeyLayout.partitionRecordKey(table.id(), partition.id()))).isNull());
            // Without global indexes the table writes no change records, and those left were trimmed.
            put(node, table, item("pk", "x", "sk", 1, "group", "g"));
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (countKeys(KeyLayout.tableStart(KeyLayout.CHANGES, table.id()),
                    KeyLayout.tableEnd(KeyLayout.CHANGES, table.id())) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(countKeys(KeyLayout.tableStart(KeyLayout.CHANGES, table.id()),
                    KeyLayout.tableEnd(KeyLayout.CHANGES, table.id()))).isZero();
        }
    }

    @Test
    void deletingATableWithAGlobalIndexLeavesNothingOfEither() throws Exception {
        NodeConfig synchronous = NodeConfig.defaults()
                .withGlobalIndexPropagation(GlobalIndexPropagation.SYNCHRONOUS);
        try (BasaltNode node = open(synchronous, false)) {
            TableMetadata table = node.createTable(definition("T", List.of(global("ByGroup", Projection.ALL))));
            for (int i = 0; i < 50; i++) {
                put(node, table, item("pk", "p" + i, "sk", i, "group", "g" + (i % 5), "score", i));
            }
            assertThat(countKeys(KeyLayout.tableStart(KeyLayout.GSI_POSITIONS, table.id()),
                    KeyLayout.tableEnd(KeyLayout.GSI_POSITIONS, table.id()))).as("positions kept").isPositive();
            node.deleteTable(node.describeTable("T"));
            for (byte keySpace : new byte[] {KeyLayout.ITEMS, KeyLayout.PARTITIONS, KeyLayout.CHANGES,
                    KeyLayout.INDEX_STATE, KeyLayout.GSI_POSITIONS}) {
                assertThat(countKeys(KeyLayout.tableStart(keySpace, table.id()), KeyLayout.tableEnd(keySpace,
                        table.id()))).as("key space %s", keySpace).isZero();
            }
        }
    }

    @Test
    void deletingATableRemovesItsIndexesChangesStatesAndCollections() {
        NodeConfig delayed = NodeConfig.defaults()
                .withGlobalIndexPropagation(GlobalIndexPropagation.delayed(Duration.ofHours(1)));
        try (BasaltNode node = open(delayed, false)) {
            TableMetadata table = node.createTable(definition("T", List.of(global("ByGroup", Projection.ALL),
                    new IndexDefinition("ByState", false, List.of(PK), List.of(STATE), Projection.ALL,
                            ProvisionedThroughput.NONE))));
            for (int i = 0; i < 20; i++) {
                put(node, table, item("pk", "p" + i, "sk", i, "state", "s", "group", "g", "score", i));
            }
            node.deleteTable(node.describeTable("T"));
            for (byte keySpace : new byte[] {KeyLayout.ITEMS, KeyLayout.CHANGES, KeyLayout.INDEX_STATE,
                    KeyLayout.COLLECTIONS}) {
                assertThat(countKeys(KeyLayout.tableStart(keySpace, table.id()),
                        KeyLayout.tableEnd(keySpace, table.id()))).as("key space %d", keySpace).isZero();
            }
        }
    }

    // ---- helpers ----

    private static IndexDefinition global(String name, Projection projection) {
        return new IndexDefinition(name, true, List.of(GROUP), List.of(SCORE), projection, ProvisionedThroughput.NONE);
    }

    private static Item randomItem(Random random, int i) {
        Map<String, AttributeValue> attributes = new LinkedHashMap<>();
        attributes.put("pk", AttributeValue.string("p" + i));
        attributes.put("sk", AttributeValue.number(i % 10));
        if (random.nextInt(4) != 0) {
            attributes.put("group", AttributeValue.string("g" + random.nextInt(20)));
        }
        if (random.nextInt(4) != 0) {
            // Sometimes a string: such items predate the index or fail its type check once it exists.
            attributes.put("score", random.nextInt(10) == 0 ? AttributeValue.string("bad")
                    : AttributeValue.number(random.nextInt(1000)));
        }
        attributes.put("note", AttributeValue.string("n" + random.nextInt(100)));
        return new Item(attributes);
    }

    private BasaltNode open(NodeConfig config, boolean onDisk) {
        storage = onDisk ? RocksDbStorageEngine.open(directory) : new InMemoryStorageEngine();
        return BasaltNode.open(storage, config.withSyncWrites(false));
    }

    private BasaltNode reopen() {
        storage = RocksDbStorageEngine.open(directory);
        return BasaltNode.open(storage, NodeConfig.defaults());
    }

    private static TableDefinition definition(String name, List<IndexDefinition> indexes) {
        List<KeyAttribute> definitions = new ArrayList<>(List.of(PK, SCHEMA.sortKey().orElseThrow()));
        for (IndexDefinition index : indexes) {
            for (KeyAttribute key : index.sortKeys()) {
                definitions.add(key);
            }
            if (index.global()) {
                definitions.addAll(index.partitionKeys());
            }
        }
        return new TableDefinition(name, SCHEMA, definitions, BillingMode.PAY_PER_REQUEST, ProvisionedThroughput.NONE,
                false, null, Map.of(), indexes);
    }

    private static EvaluatedWrite put(BasaltNode node, TableMetadata table, Item item) {
        try {
            return node.write(table, new PutItemOperation(key(item), item)).join();
        } catch (CompletionException e) {
            throw (RuntimeException) e.getCause();
        }
    }

    private static void delete(BasaltNode node, TableMetadata table, String pk, int sk) {
        node.write(table, new DeleteItemOperation(key(pk, sk))).join();
    }

    private static PrimaryKey key(Item item) {
        return new PrimaryKey(item.get("pk"), Optional.of(item.get("sk")));
    }

    private static PrimaryKey key(String pk, int sk) {
        return new PrimaryKey(AttributeValue.string(pk), Optional.of(AttributeValue.number(sk)));
    }

    private static Item item(Object... namesAndValues) {
        return TestBasaltNode.item(namesAndValues);
    }

    private TableMetadata awaitActive(BasaltNode node, String table, String index) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            TableMetadata current = node.describeTable(table);
            if (current.index(index).orElseThrow().status(node.now()) == TableStatus.ACTIVE) {
                return current;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("index " + index + " never became ACTIVE");
    }

    private void awaitConverged(BasaltNode node, TableMetadata table, IndexMetadata index)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        // Until the entries match and every partition's last record is applied (a record may change no entry).
        while (System.nanoTime() < deadline && (!expected(table, index).equals(entries(table, index))
                || node.globalIndexLag(table, index).pendingChanges() > 0)) {
            Thread.sleep(10);
        }
        assertConverged(node, table, index);
    }

    /** The index holds exactly the entries of the table's items, and its statistics count them. */
    private void assertConverged(BasaltNode node, TableMetadata table, IndexMetadata index) {
        Map<Bytes, Item> expected = expected(table, index);
        assertThat(entries(table, index)).isEqualTo(expected);
        long size = expected.values().stream().mapToLong(IndexEntries::size).sum();
        assertThat(node.indexStatistics(table, index)).isEqualTo(new TableStatistics(expected.size(), size));
    }

    private Map<Bytes, Item> expected(TableMetadata table, IndexMetadata index) {
        SecondaryIndex schema = index.index();
        Map<Bytes, Item> expected = new LinkedHashMap<>();
        try (StorageIterator items = storage.iterator(KeyLayout.indexStart(table.id(), KeyLayout.BASE_TABLE_INDEX),
                KeyLayout.indexEnd(table.id(), KeyLayout.BASE_TABLE_INDEX))) {
            for (items.seekToFirst(); items.isValid(); items.next()) {
                Item item = ItemCodec.decode(items.value());
                byte[] key = KeyLayout.indexEntryKey(table.id(), SCHEMA, schema, item);
                if (key != null && IndexEntries.satisfiesKeyRules(schema, item)) {
                    expected.put(Bytes.wrap(key), IndexEntries.project(SCHEMA, schema, item));
                }
            }
        }
        return sorted(expected);
    }

    private Map<Bytes, Item> entries(TableMetadata table, IndexMetadata index) {
        Map<Bytes, Item> entries = new HashMap<>();
        try (StorageIterator iterator = storage.iterator(KeyLayout.indexStart(table.id(), index.id()),
                KeyLayout.indexEnd(table.id(), index.id()))) {
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                entries.put(Bytes.wrap(iterator.key()), ItemCodec.decode(iterator.value()));
            }
        }
        return sorted(entries);
    }

    private static Map<Bytes, Item> sorted(Map<Bytes, Item> map) {
        Map<Bytes, Item> sorted = new java.util.TreeMap<>(map);
        return new LinkedHashMap<>(sorted);
    }

    private int countKeys(byte[] from, byte[] to) {
        int count = 0;
        try (StorageIterator iterator = storage.iterator(from, to)) {
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                count++;
            }
        }
        return count;
    }
}
