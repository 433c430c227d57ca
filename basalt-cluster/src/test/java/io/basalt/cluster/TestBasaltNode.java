package io.basalt.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.model.Item;
import io.basalt.model.ItemSize;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.DeleteItemOperation;
import io.basalt.partition.EvaluatedWrite;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PutItemOperation;
import io.basalt.storage.StorageEngine;
import io.basalt.storage.StorageIterator;
import io.basalt.storage.memory.InMemoryStorageEngine;
import io.basalt.storage.rocksdb.RocksDbStorageEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class TestBasaltNode {
    private static final KeySchema HASH = KeySchema.of(new KeyAttribute("pk", AttributeType.S));
    private static final KeySchema HASH_AND_RANGE = KeySchema.of(new KeyAttribute("pk", AttributeType.S),
            new KeyAttribute("sk", AttributeType.N));

    @TempDir
    Path directory;

    /** The storage of the node under test (the node owns and closes it). */
    private StorageEngine storage;

    @Test
    void tablesItemsAndStatisticsSurviveARestart() {
        Map<String, TableMetadata> created = new HashMap<>();
        Map<String, TableStatistics> statistics = new HashMap<>();
        try (BasaltNode node = open(NodeConfig.defaults())) {
            created.put("Orders", node.createTable(definition("Orders", HASH_AND_RANGE, BillingMode.PROVISIONED)));
            created.put("Users", node.createTable(definition("Users", HASH, BillingMode.PAY_PER_REQUEST)));
            created.put("Empty", node.createTable(definition("Empty", HASH, BillingMode.PAY_PER_REQUEST)));
            for (int i = 0; i < 40; i++) {
                put(node, "Orders", item("pk", "customer" + (i % 5), "sk", i, "total", i * 10));
            }
            for (int i = 0; i < 25; i++) {
                put(node, "Users", item("pk", "user" + i, "name", "User number " + i));
            }
            delete(node, "Users", key("user3"));
            for (String name : created.keySet()) {
                statistics.put(name, node.statistics(node.describeTable(name)));
            }
        }
        assertThat(statistics.get("Orders").itemCount()).isEqualTo(40);
        assertThat(statistics.get("Users").itemCount()).isEqualTo(24);
        assertThat(statistics.get("Empty")).isEqualTo(new TableStatistics(0, 0));

        try (BasaltNode node = open(NodeConfig.defaults())) {
            assertThat(node.listTableNames(null, 100)).containsExactly("Empty", "Orders", "Users");
            for (String name : created.keySet()) {
                assertThat(node.describeTable(name)).isEqualTo(created.get(name));
                assertThat(node.statistics(node.describeTable(name))).isEqualTo(statistics.get(name));
            }
            TableMetadata orders = node.tableForItems("Orders");
            for (int i = 0; i < 40; i++) {
                assertThat(node.read(orders, new PrimaryKey(AttributeValue.string("customer" + (i % 5)),
                        Optional.of(AttributeValue.number(i))))).isEqualTo(item("pk", "customer" + (i % 5), "sk", i,
                        "total", i * 10));
            }
            TableMetadata users = node.tableForItems("Users");
            assertThat(node.read(users, key("user3"))).isNull();
            assertThat(node.read(users, key("user4"))).isEqualTo(item("pk", "user4", "name", "User number 4"));

            // The partitions' logs continue where they stopped.
            put(node, "Users", item("pk", "user3", "name", "back"));
            assertThat(node.statistics(users).itemCount()).isEqualTo(25);
        }
    }

    @Test
    void deletingATableRemovesItsItemsAndItsIdIsNeverReused() {
        long firstId;
        long secondId;
        try (BasaltNode node = open(NodeConfig.defaults())) {
            TableMetadata first = node.createTable(definition("T1", HASH, BillingMode.PAY_PER_REQUEST));
            firstId = first.id();
            node.createTable(definition("Other", HASH, BillingMode.PAY_PER_REQUEST));
            for (int i = 0; i < 30; i++) {
                put(node, "T1", item("pk", "k" + i, "v", i));
                put(node, "Other", item("pk", "k" + i, "v", i));
            }
            TableMetadata deleted = node.deleteTable(node.describeTable("T1"));
            assertThat(deleted).isEqualTo(first);
            assertThatThrownBy(() -> node.describeTable("T1")).isInstanceOfSatisfying(BasaltException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_NOT_FOUND);
                assertThat(e).hasMessage("Requested resource not found: Table: T1 not found");
            });
            assertResourceNotFound(() -> node.tableForItems("T1"));
            assertResourceNotFound(() -> node.write(first, putOperation(item("pk", "late"))).join());
            assertThat(keysIn(storage, firstId)).isZero();
            assertThat(node.statistics(first)).isEqualTo(new TableStatistics(0, 0));

            TableMetadata again = node.createTable(definition("T1", HASH, BillingMode.PAY_PER_REQUEST));
            secondId = again.id();
            assertThat(secondId).isGreaterThan(firstId).isNotEqualTo(node.describeTable("Other").id());
            assertThat(node.read(again, key("k1"))).isNull();
            assertThat(node.statistics(again)).isEqualTo(new TableStatistics(0, 0));
            // The other table is untouched.
            assertThat(node.statistics(node.describeTable("Other")).itemCount()).isEqualTo(30);
            node.deleteTable(node.describeTable("T1"));
        }
        try (BasaltNode node = open(NodeConfig.defaults())) {
            assertThat(node.listTableNames(null, 10)).containsExactly("Other");
            TableMetadata third = node.createTable(definition("T1", HASH, BillingMode.PAY_PER_REQUEST));
            assertThat(third.id()).as("ids are never reused, even after a restart").isGreaterThan(secondId);
            assertThat(node.statistics(third)).isEqualTo(new TableStatistics(0, 0));
        }
    }

    @Test
    void closingTwiceIsHarmless() {
        BasaltNode node = open(NodeConfig.defaults());
        node.createTable(definition("T", HASH, BillingMode.PAY_PER_REQUEST));
        put(node, "T", item("pk", "a"));
        node.close();
        node.close();
        try (BasaltNode reopened = open(NodeConfig.defaults())) {
            assertThat(reopened.statistics(reopened.describeTable("T")).itemCount()).isEqualTo(1);
        }
    }

    @Test
    void aDeletionOfAnOlderVersionChangesNothing() {
        try (BasaltNode node = BasaltNode.open(new InMemoryStorageEngine(), NodeConfig.defaults())) {
            TableMetadata read = node.createTable(definition("Protected", HASH, BillingMode.PAY_PER_REQUEST));
            put(node, "Protected", item("pk", "a"));
            node.updateTable("Protected", new TableChange.AddTags(Map.of("k", "v")));
            assertThatThrownBy(() -> node.deleteTable(read)).isInstanceOf(TableChangedException.class);
            TableMetadata table = node.tableForItems("Protected");
            assertThat(table.tags()).containsEntry("k", "v");
            assertThat(node.read(table, key("a"))).isNotNull();
            put(node, "Protected", item("pk", "b"));
            assertThat(node.statistics(table).itemCount()).isEqualTo(2);
        }
    }

    /**
     * Table changes computed from a version of the table (as the server computes UpdateTable) are refused when the
     * table moved meanwhile and retried by their caller; changes evaluated at apply (tags) merge. Racing both from
     * many threads loses nothing.
     */
    @Test
    void racingTableChangesLoseNothing() throws Exception {
        try (BasaltNode node = BasaltNode.open(new InMemoryStorageEngine(), NodeConfig.defaults())) {
            node.createTable(definition("Raced", HASH, BillingMode.PAY_PER_REQUEST));
            int threads = 4;
            int rounds = 10;
            java.util.concurrent.atomic.AtomicInteger conflicts = new java.util.concurrent.atomic.AtomicInteger();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                workers.add(new Thread(() -> {
                    for (int round = 0; round < rounds; round++) {
                        node.updateTable("Raced", new TableChange.AddTags(Map.of("t" + thread + "-" + round, "v")));
                        while (true) {
                            TableMetadata current = node.describeTable("Raced");
                            // Each thread flips deletion protection and counts in the provisioned read units.
                            TableMetadata next = current.updated(current.billingMode(), ProvisionedThroughput.of(
                                    current.throughput().readCapacityUnits() + 1, 1),
                                    current.lastUpdateToPayPerRequest(), !current.deletionProtection(),
                                    current.tableClass(), current.readyAt());
                            try {
                                node.updateTable("Raced", new TableChange.Replace(current, next));
                                break;
                            } catch (TableChangedException changed) {
                                conflicts.incrementAndGet();
                            }
                        }
                    }
                }));
            }
            workers.forEach(Thread::start);
            for (Thread worker : workers) {
                worker.join(TimeUnit.SECONDS.toMillis(60));
            }
            TableMetadata table = node.describeTable("Raced");
            assertThat(table.tags().keySet().stream().filter(key -> key.matches("t\\d+-\\d+")))
                    .as("tags merged at apply").hasSize(threads * rounds);
            assertThat(table.throughput().readCapacityUnits()).as("every read-modify-write applied once, %d retried",
                    conflicts.get()).isEqualTo(threads * rounds);
            assertThat(table.deletionProtection()).as("an even number of flips").isFalse();
        }
    }

    @Test
    void deleteTableWaitsForAcceptedWritesSoNoneSurvivesIt() throws Exception {
        storage = new InMemoryStorageEngine();
        try (BasaltNode node = BasaltNode.open(storage, NodeConfig.defaults())) {
            TableMetadata table = node.createTable(definition("Busy", HASH, BillingMode.PAY_PER_REQUEST));
            List<CompletableFuture<EvaluatedWrite>> writes = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                writes.add(node.write(table, putOperation(item("pk", "k" + i))));
            }
            node.deleteTable(node.describeTable("Busy"));
            for (CompletableFuture<EvaluatedWrite> write : writes) {
                try {
                    write.get(10, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOfSatisfying(BasaltException.class,
                            cause -> assertThat(cause.code()).isEqualTo(ErrorCode.RESOURCE_NOT_FOUND));
                }
            }
            assertThat(keysIn(storage, table.id())).isZero();
        }
    }

    @Test
    void listTableNamesPagesInNameOrder() {
        try (BasaltNode node = BasaltNode.open(new InMemoryStorageEngine(), NodeConfig.defaults())) {
            List<String> names = List.of("delta", "Alpha", "charlie", "bravo", "echo", "a.b", "a-b", "a_b", "zulu");
            for (String name : names) {
                node.createTable(definition(name, HASH, BillingMode.PAY_PER_REQUEST));
            }
            List<String> sorted = names.stream().sorted().toList();
            assertThat(node.listTableNames(null, 100)).isEqualTo(sorted);

            List<String> paged = new ArrayList<>();
            String last = null;
            while (true) {
                List<String> page = node.listTableNames(last, 4);
                assertThat(page.size()).isLessThanOrEqualTo(4);
                if (page.isEmpty()) {
                    break;
                }
                paged.addAll(page);
                last = page.get(page.size() - 1);
            }
            assertThat(paged).isEqualTo(sorted);
            assertThat(node.listTableNames("c", 2)).containsExactly("charlie", "delta");
            assertThat(node.listTableNames("zulu", 10)).isEmpty();
            assertThat(node.listTableNames(null, 0)).isEmpty();
        }
    }

    @Test
    void creatingAnExistingTableIsRejected() {
        try (BasaltNode node = BasaltNode.open(new InMemoryStorageEngine(), NodeConfig.defaults())) {
            TableMetadata original = node.createTable(definition("Dup", HASH, BillingMode.PAY_PER_REQUEST));
            put(node, "Dup", item("pk", "a"));
            assertThatThrownBy(() -> node.createTable(definition("Dup", HASH_AND_RANGE, BillingMode.PROVISIONED)))
                    .isInstanceOfSatisfying(BasaltException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_IN_USE);
                        assertThat(e).hasMessage("Table already exists: Dup");
                    });
            assertThat(node.describeTable("Dup")).isEqualTo(original);
            assertThat(node.read(original, key("a"))).isNotNull();
        }
    }

    @Test
    void statusFollowsTheClockThroughCreationAndUpdate() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00.000Z"));
        NodeConfig config = NodeConfig.defaults().withClock(clock)
                .withDelays(Duration.ofSeconds(5), Duration.ofSeconds(3));
        try (BasaltNode node = BasaltNode.open(new InMemoryStorageEngine(), config)) {
            TableMetadata table = node.createTable(definition("Slow", HASH, BillingMode.PAY_PER_REQUEST));
            assertThat(table.creationTime()).isEqualTo(clock.instant());
            assertThat(table.lastUpdateToPayPerRequest()).isEqualTo(clock.instant());
            assertThat(table.status(node.now())).isEqualTo(TableStatus.CREATING);
            assertResourceNotFound(() -> node.tableForItems("Slow"));

            clock.advance(Duration.ofMillis(4999));
            assertThat(node.describeTable("Slow").status(node.now())).isEqualTo(TableStatus.CREATING);
            assertResourceNotFound(() -> node.tableForItems("Slow"));

            clock.advance(Duration.ofMillis(1));
            assertThat(node.describeTable("Slow").status(node.now())).isEqualTo(TableStatus.ACTIVE);
            put(node, "Slow", item("pk", "a"));

            TableMetadata current = node.describeTable("Slow");
            TableMetadata updated = node.updateTable("Slow", new TableChange.Replace(current,
                    current.updated(BillingMode.PROVISIONED, ProvisionedThroughput.of(5, 5),
                            current.lastUpdateToPayPerRequest(), true, TableClass.STANDARD,
                            node.now().plus(node.config().tableUpdateDelay()))));
            assertThat(node.describeTable("Slow")).isEqualTo(updated);
            assertThat(updated.status(node.now())).isEqualTo(TableStatus.UPDATING);
            // An updating table still takes item writes.
            put(node, "Slow", item("pk", "b"));
            clock.advance(Duration.ofSeconds(3));
            assertThat(node.describeTable("Slow").status(node.now())).isEqualTo(TableStatus.ACTIVE);

            TableMetadata unchanged = node.updateTable("Slow",
                    new TableChange.Replace(node.describeTable("Slow"), node.describeTable("Slow")));
            assertThat(unchanged).isSameAs(node.describeTable("Slow"));
        }
    }

    @Test
    void provisionedTablesHaveNoPayPerRequestSwitch() {
        try (BasaltNode node = BasaltNode.open(new InMemoryStorageEngine(), NodeConfig.defaults())) {
            TableMetadata table = node.createTable(definition("P", HASH, BillingMode.PROVISIONED));
            assertThat(table.lastUpdateToPayPerRequest()).isNull();
            assertThat(table.partitionCount()).isEqualTo(NodeConfig.defaults().partitionsPerTable());
            assertThat(table.pendingStatus()).isEqualTo(TableStatus.CREATING);
        }
    }

    @Test
    void statisticsFollowPutsOverwritesAndDeletes() {
        try (BasaltNode node = BasaltNode.open(new InMemoryStorageEngine(), NodeConfig.defaults())) {
            node.createTable(definition("Stats", HASH, BillingMode.PAY_PER_REQUEST));
            TableMetadata table = node.tableForItems("Stats");
            Map<String, Item> expected = new LinkedHashMap<>();
            java.util.Random random = new java.util.Random(42);
            for (int step = 0; step < 600; step++) {
                String pk = "k" + random.nextInt(80);
                if (random.nextInt(4) == 0) {
                    delete(node, "Stats", key(pk));
                    expected.remove(pk);
                } else {
                    Item item = item("pk", pk, "payload", "x".repeat(random.nextInt(3000)));
                    put(node, "Stats", item);
                    expected.put(pk, item);
                }
                if (step % 50 == 0) {
                    assertStatistics(node, table, expected);
                }
            }
            assertStatistics(node, table, expected);
        }
    }

    private static void assertStatistics(BasaltNode node, TableMetadata table, Map<String, Item> expected) {
        long size = expected.values().stream().mapToLong(ItemSize::of).sum();
        assertThat(node.statistics(table)).isEqualTo(new TableStatistics(expected.size(), size));
    }

    private BasaltNode open(NodeConfig config) {
        storage = RocksDbStorageEngine.open(directory.resolve("db"));
        return BasaltNode.open(storage, config);
    }

    private static long keysIn(StorageEngine storage, long tableId) {
        long count = countKeys(storage, KeyLayout.tableStart(tableId), KeyLayout.tableEnd(tableId));
        for (byte keySpace : new byte[] {KeyLayout.PARTITIONS, KeyLayout.CHANGES, KeyLayout.INDEX_STATE,
                KeyLayout.PREPARED, KeyLayout.COLLECTIONS}) {
            count += countKeys(storage, KeyLayout.tableStart(keySpace, tableId), KeyLayout.tableEnd(keySpace, tableId));
        }
        return count;
    }

    private static long countKeys(StorageEngine storage, byte[] start, byte[] end) {
        long count = 0;
        try (StorageIterator iterator = storage.iterator(start, end)) {
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                count++;
            }
        }
        return count;
    }

    private static void assertResourceNotFound(Runnable action) {
        assertThatThrownBy(action::run).satisfies(e -> {
            Throwable cause = e instanceof CompletionException ? e.getCause() : e;
            assertThat(cause).isInstanceOf(BasaltException.class).hasMessage("Requested resource not found");
            assertThat(((BasaltException) cause).code()).isEqualTo(ErrorCode.RESOURCE_NOT_FOUND);
        });
    }

    private static void put(BasaltNode node, String table, Item item) {
        node.write(node.tableForItems(table), putOperation(item)).join();
    }

    private static void delete(BasaltNode node, String table, PrimaryKey key) {
        node.write(node.tableForItems(table), new DeleteItemOperation(key)).join();
    }

    private static PutItemOperation putOperation(Item item) {
        AttributeValue sortValue = item.get("sk");
        return new PutItemOperation(new PrimaryKey(item.get("pk"), Optional.ofNullable(sortValue)), item);
    }

    private static PrimaryKey key(String pk) {
        return new PrimaryKey(AttributeValue.string(pk), Optional.empty());
    }

    /** An item from names and values: strings become S, numbers N. */
    static Item item(Object... namesAndValues) {
        Map<String, AttributeValue> attributes = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            Object value = namesAndValues[i + 1];
            attributes.put((String) namesAndValues[i], value instanceof String text ? AttributeValue.string(text)
                    : AttributeValue.number(((Number) value).longValue()));
        }
        return new Item(attributes);
    }

    private static TableDefinition definition(String name, KeySchema schema, BillingMode billingMode) {
        List<KeyAttribute> definitions = new ArrayList<>();
        definitions.add(schema.partitionKey());
        schema.sortKey().ifPresent(definitions::add);
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("owner", "tests");
        return new TableDefinition(name, schema, definitions, billingMode,
                billingMode == BillingMode.PROVISIONED ? ProvisionedThroughput.of(10, 5) : ProvisionedThroughput.NONE,
                false, billingMode == BillingMode.PROVISIONED ? TableClass.STANDARD : null, tags,
                List.of());
    }
}
