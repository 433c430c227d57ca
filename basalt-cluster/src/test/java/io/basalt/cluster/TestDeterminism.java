package io.basalt.cluster;

import static io.basalt.cluster.TestBasaltNode.item;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.Operand;
import io.basalt.expressions.ast.UpdateExpression;
import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.BasaltException;
import io.basalt.model.Item;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.PrimaryKey;
import io.basalt.model.Projection;
import io.basalt.partition.ConditionCheckOperation;
import io.basalt.partition.DeleteItemOperation;
import io.basalt.partition.ExpressionItemUpdate;
import io.basalt.partition.ItemOperation;
import io.basalt.partition.ItemUpdate;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PutItemOperation;
import io.basalt.partition.UpdateItemOperation;
import io.basalt.partition.apply.ApplyOutcome;
import io.basalt.partition.apply.GroupStateMachine;
import io.basalt.partition.log.LogEntryCodec;
import io.basalt.storage.StorageEngine;
import io.basalt.storage.StorageIterator;
import io.basalt.storage.WriteBatch;
import io.basalt.storage.memory.InMemoryStorageEngine;
import io.basalt.storage.rocksdb.RocksDbStorageEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The group state machine is deterministic: a seeded random workload (puts, conditional updates, deletes, local and
 * global secondary indexes, transactions) runs on a node whose local group records every entry it applies; the
 * entries are encoded, decoded and applied to an empty engine, and the two stores must hold byte-identical keys and
 * values (docs/design/cluster.md §21.1). What only the log writes is compared — since step 6 the catalog and the
 * table id counter too, written by metadata entries, including a DeleteTable that drops a table's data; what is
 * still written beside the log until later steps (transaction ledger and tokens, global index entries and states,
 * the global index propagator's trimming of change records) is left out, and change records still present must
 * match.
 */
@Timeout(120)
class TestDeterminism {
    private static final KeySchema SCHEMA = KeySchema.of(new KeyAttribute("pk", AttributeType.S),
            new KeyAttribute("sk", AttributeType.N));
    private static final KeyAttribute PK = SCHEMA.partitionKey();
    private static final KeyAttribute STATE = new KeyAttribute("state", AttributeType.S);
    private static final KeyAttribute GROUP = new KeyAttribute("group", AttributeType.S);
    private static final KeyAttribute SCORE = new KeyAttribute("score", AttributeType.N);
    private static final int OPERATIONS = 1500;

    @TempDir
    Path directory;

    private record Recorded(long index, byte[] entry, List<ApplyOutcome> outcomes) {
    }

    /**
     * @param onDisk false: the in-memory engine, each entry applied on its partition's sequencer; true: RocksDB with
     *     synced writes, entries applied in groups by the log's committer thread
     */
    @ParameterizedTest(name = "on disk with group commit: {0}")
    @ValueSource(booleans = {false, true})
    void replayingTheRecordedLogOnAnEmptyStoreGivesByteIdenticalState(boolean onDisk) {
        // -Dbasalt.seed=<seed> replays a failure.
        long seed = Long.getLong("basalt.seed", System.nanoTime());
        System.out.println("TestDeterminism seed: " + seed + " (on disk: " + onDisk + ")");
        Random random = new Random(seed);
        StorageEngine storage = onDisk ? RocksDbStorageEngine.open(directory) : new InMemoryStorageEngine();
        List<Recorded> log = java.util.Collections.synchronizedList(new ArrayList<>());
        Map<String, String> original;
        Map<String, String> base;
        List<Recorded> recorded;
        List<TableMetadata> tables;
        TableMetadata ledger;
        try (BasaltNode node = BasaltNode.open(storage, NodeConfig.defaults().withSyncWrites(onDisk))) {
            // The node logged its ledger table's creation while opening, before a listener could be added: the
            // replay starts from the store as it was then (a snapshot), and applies everything logged after it.
            synchronized (node.stateMachine()) {
                base = dump(storage);
                node.stateMachine().addListener((term, index, entry, outcomes) ->
                        log.add(new Recorded(index, LogEntryCodec.encode(entry), List.copyOf(outcomes))));
            }
            ledger = node.ledgerTable();
            tables = List.of(
                    node.createTable(definition("Plain", List.of())),
                    node.createTable(definition("Indexed", List.of(
                            new IndexDefinition("ByState", false, List.of(PK), List.of(STATE), Projection.ALL,
                                    ProvisionedThroughput.NONE),
                            new IndexDefinition("ByGroup", true, List.of(GROUP), List.of(SCORE), Projection.ALL,
                                    ProvisionedThroughput.NONE)))));
            runWorkload(node, tables, random);
            // A table created, written and deleted: its metadata entries drop its data and close its partitions.
            TableMetadata doomed = node.createTable(definition("Doomed", List.of()));
            List<TableMetadata> withDoomed = new ArrayList<>(tables);
            withDoomed.add(doomed);
            tables = withDoomed;
            for (int i = 0; i < 20; i++) {
                awaitQuietly(node.write(doomed, randomOperation(random, false)));
            }
            node.deleteTable(node.describeTable("Doomed"));
            // A cancelled transaction's holds are released after it answers, so entries may still be applying: take
            // the store and the log at one point, with the state machine locked (it locks itself on every apply).
            synchronized (node.stateMachine()) {
                original = dump(storage);
                recorded = List.copyOf(log);
            }
        }
        assertThat(recorded).as("seed %d", seed).hasSizeGreaterThan(OPERATIONS / 2);

        StorageEngine replayed = new InMemoryStorageEngine();
        try {
            WriteBatch snapshot = new WriteBatch();
            HexFormat hex = HexFormat.of();
            base.forEach((key, value) -> {
                if (writtenOnlyByTheLog(key, Set.of())) {
                    snapshot.put(hex.parseHex(key), hex.parseHex(value));
                }
            });
            replayed.write(snapshot, false);
            GroupStateMachine machine = new GroupStateMachine(replayed, GroupStateMachine.LOCAL_GROUP_ID);
            List<TableMetadata> withLedger = new ArrayList<>(tables);
            withLedger.add(ledger);
            for (TableMetadata table : withLedger) {
                for (PartitionDescriptor partition : table.partitions()) {
                    machine.openPartition(partition, table.localIndexes().stream().map(IndexMetadata::id).toList());
                }
                // Global index partitions apply their own entries (cluster.md §15): they are replayed too.
                for (PartitionDescriptor partition : table.indexPartitions()) {
                    machine.openPartition(partition, List.of());
                }
            }
            for (Recorded entry : recorded) {
                assertThat(entry.outcomes()).containsOnly(ApplyOutcome.APPLIED);
                assertThat(machine.apply(0, entry.index(), LogEntryCodec.decode(entry.entry())))
                        .isEqualTo(entry.outcomes());
            }
            Map<String, String> replay = dump(replayed);
            Set<String> globalPrefixes = Set.of();
            Map<String, String> expected = new TreeMap<>();
            original.forEach((key, value) -> {
                if (writtenOnlyByTheLog(key, globalPrefixes)) {
                    expected.put(key, value);
                }
            });
            Map<String, String> replayWithoutChanges = new TreeMap<>(replay);
            replayWithoutChanges.keySet().removeIf(TestDeterminism::isChangeRecord);
            assertThat(differences(expected, replayWithoutChanges)).as("seed %d", seed).isEmpty();
            original.forEach((key, value) -> {
                if (isChangeRecord(key)) {
                    assertThat(replay.get(key)).as("change record %s, seed %d", key, seed).isEqualTo(value);
                }
            });
            assertThat(expected.keySet().stream().filter(key -> key.startsWith("02")).count())
                    .as("the workload left items").isPositive();
            Set<String> globalEntries = globalIndexPrefixes(tables);
            assertThat(expected.keySet().stream().filter(key -> globalEntries.stream().anyMatch(key::startsWith))
                    .count()).as("global index entries, from the index partitions' entries").isPositive();
            assertThat(expected.keySet().stream().filter(key -> key.startsWith("13")).count())
                    .as("global index positions").isPositive();
            assertThat(expected.keySet().stream().filter(key -> key.startsWith("01")).count())
                    .as("the catalog came from the log (the ledger table's from the snapshot)").isEqualTo(3);
        } finally {
            replayed.close();
        }
    }

    private static void runWorkload(BasaltNode node, List<TableMetadata> tables, Random random) {
        List<CompletableFuture<?>> burst = new ArrayList<>();
        for (int i = 0; i < OPERATIONS; i++) {
            TableMetadata table = tables.get(random.nextInt(tables.size()));
            int kind = random.nextInt(10);
            if (kind < 2) {
                List<TransactionAction> actions = new ArrayList<>();
                Set<String> used = new java.util.HashSet<>();
                for (int a = random.nextInt(3) + 1; a > 0; a--) {
                    TableMetadata target = tables.get(random.nextInt(tables.size()));
                    ItemOperation operation = randomOperation(random, true);
                    if (used.add(target.id() + "/" + operation.key())) {
                        actions.add(new TransactionAction(target, operation, false));
                    }
                }
                burst.add(node.transactWrite(actions, null, null));
            } else {
                burst.add(node.write(table, randomOperation(random, false)));
            }
            // Some writes wait, others pile up in flight, evaluated on the overlay of those ahead of them.
            if (random.nextInt(8) == 0 || burst.size() > 32) {
                burst.forEach(TestDeterminism::awaitQuietly);
                burst.clear();
            }
        }
        burst.forEach(TestDeterminism::awaitQuietly);
    }

    private static ItemOperation randomOperation(Random random, boolean inTransaction) {
        String pk = "p" + random.nextInt(40);
        int sk = random.nextInt(3);
        PrimaryKey key = new PrimaryKey(AttributeValue.string(pk), Optional.of(AttributeValue.number(sk)));
        switch (random.nextInt(inTransaction ? 4 : 3)) {
            case 0: {
                Item item = randomItem(random, pk, sk);
                Condition condition = random.nextBoolean() ? null
                        : new Condition.AttributeNotExists(DocumentPath.of("pk"));
                return new PutItemOperation(key, item, condition);
            }
            case 1: {
                long amount = random.nextInt(5) + 1;
                // SET n = if_not_exists(n, :zero) + :amount
                ItemUpdate update = ExpressionItemUpdate.sizedByItem(new UpdateExpression(List.of(
                        new UpdateExpression.SetAction(DocumentPath.of("n"), new Operand.Arithmetic(
                                new Operand.IfNotExists(DocumentPath.of("n"),
                                        new Operand.Literal(AttributeValue.number(0), ":zero")),
                                Operand.ArithmeticOperator.PLUS,
                                new Operand.Literal(AttributeValue.number(amount), ":amount")))),
                        List.of(), List.of(), List.of()));
                Condition condition = random.nextBoolean() ? null
                        : new Condition.AttributeExists(DocumentPath.of("pk"));
                return new UpdateItemOperation(key, item("pk", pk, "sk", sk), update, condition);
            }
            case 2:
                return new DeleteItemOperation(key, random.nextBoolean() ? null
                        : new Condition.AttributeExists(DocumentPath.of("state")));
            default:
                return new ConditionCheckOperation(key, new Condition.AttributeNotExists(DocumentPath.of("n")));
        }
    }

    private static Item randomItem(Random random, String pk, int sk) {
        List<Object> attributes = new ArrayList<>(List.of("pk", pk, "sk", sk, "n", random.nextInt(100)));
        if (random.nextBoolean()) {
            attributes.addAll(List.of("state", "s" + random.nextInt(5)));
        }
        if (random.nextInt(3) != 0) {
            attributes.addAll(List.of("group", "g" + random.nextInt(6), "score", random.nextInt(50)));
        }
        if (random.nextInt(4) == 0) {
            attributes.addAll(List.of("note", "x".repeat(random.nextInt(2000))));
        }
        return item(attributes.toArray());
    }

    private static void awaitQuietly(CompletableFuture<?> future) {
        try {
            future.join();
        } catch (CompletionException e) {
            // Failed conditions, cancelled transactions and conflicts are part of the workload.
            if (!(e.getCause() instanceof BasaltException)) {
                throw e;
            }
        }
    }

    /** The hex prefixes of global index entries ({@code 0x02}) of every table. */
    private static Set<String> globalIndexPrefixes(List<TableMetadata> tables) {
        HexFormat hex = HexFormat.of();
        return tables.stream().flatMap(table -> table.indexes().stream().filter(IndexMetadata::global)
                .map(index -> hex.formatHex(KeyLayout.indexStart(table.id(), index.id()))))
                .collect(Collectors.toSet());
    }

    /** Whether only partition entries write {@code key} (hex) today. */
    private static boolean writtenOnlyByTheLog(String key, Set<String> globalPrefixes) {
        if (globalPrefixes.stream().anyMatch(key::startsWith)) {
            return false;
        }
        int space = Integer.parseInt(key.substring(0, 2), 16);
        return space == KeyLayout.ITEMS || space == KeyLayout.PARTITIONS || space == KeyLayout.INDEX_STATE
                || space == KeyLayout.COLLECTIONS || space == KeyLayout.PREPARED || space == KeyLayout.GROUP_STATE
                || space == KeyLayout.GSI_POSITIONS
                || space == KeyLayout.CATALOG || key.equals(HexFormat.of().formatHex(Catalog.NEXT_TABLE_ID_KEY))
                || key.equals(HexFormat.of().formatHex(Catalog.NEXT_PARTITION_ID_KEY));
    }

    /** Keys whose values differ or that only one side has, with short descriptions (readable on failure). */
    private static Map<String, String> differences(Map<String, String> expected, Map<String, String> actual) {
        Map<String, String> differences = new TreeMap<>();
        Set<String> keys = new java.util.TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        for (String key : keys) {
            String want = expected.get(key);
            String got = actual.get(key);
            if (want == null || !want.equals(got)) {
                differences.put(key, "expected " + shorten(want) + ", replayed " + shorten(got));
            }
        }
        return differences;
    }

    private static String shorten(String hex) {
        return hex == null || hex.length() <= 80 ? String.valueOf(hex) : hex.substring(0, 80) + "...";
    }

    private static boolean isChangeRecord(String key) {
        return Integer.parseInt(key.substring(0, 2), 16) == KeyLayout.CHANGES;
    }

    private static Map<String, String> dump(StorageEngine storage) {
        HexFormat hex = HexFormat.of();
        Map<String, String> dump = new TreeMap<>();
        try (StorageIterator iterator = storage.iterator(new byte[] {0}, new byte[] {(byte) 0xFF})) {
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                dump.put(hex.formatHex(iterator.key()), hex.formatHex(iterator.value()));
            }
        }
        return dump;
    }

    private static TableDefinition definition(String name, List<IndexDefinition> indexes) {
        List<KeyAttribute> definitions = new ArrayList<>(List.of(PK, SCHEMA.sortKey().orElseThrow()));
        for (IndexDefinition index : indexes) {
            definitions.addAll(index.sortKeys());
            if (index.global()) {
                definitions.addAll(index.partitionKeys());
            }
        }
        return new TableDefinition(name, SCHEMA, definitions, BillingMode.PAY_PER_REQUEST, ProvisionedThroughput.NONE,
                false, null, Map.of(), indexes);
    }
}
