package io.basalt.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.AttributeType;
import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.Projection;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import io.basalt.partition.apply.ApplyOutcome;
import io.basalt.partition.apply.GroupStateMachine;
import io.basalt.partition.log.LogEntryCodec;
import io.basalt.partition.log.MetaEntry;
import io.basalt.storage.StorageIterator;
import io.basalt.storage.WriteBatch;
import io.basalt.storage.memory.InMemoryStorageEngine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The metadata state machine (docs/design/cluster.md §11): each command's delta (the exact operations its entry
 * logs, or none when it is refused or changes nothing), the catalog cache following what the local group applies,
 * and replay determinism (the recorded entries, encoded and decoded, rebuild the same store and catalog).
 */
class TestMetaStateMachine {
    private static final KeyAttribute PK = new KeyAttribute("pk", AttributeType.S);
    private static final KeyAttribute GROUP = new KeyAttribute("group", AttributeType.S);
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    private final InMemoryStorageEngine storage = new InMemoryStorageEngine();
    private final GroupStateMachine group = new GroupStateMachine(storage, GroupStateMachine.LOCAL_GROUP_ID);
    private final List<byte[]> logged = new ArrayList<>();
    private Catalog catalog = new Catalog(storage);
    private MetaStateMachine meta = newMeta();

    @AfterEach
    void close() {
        storage.close();
    }

    /** A metadata state machine whose log is the local group, as on one node; every entry is recorded, encoded. */
    private MetaStateMachine newMeta() {
        group.addMetaListener(catalog::apply);
        return new MetaStateMachine(catalog, new Object(), entry -> {
            logged.add(LogEntryCodec.encode(entry));
            List<ApplyOutcome> outcomes = group.applyNext(List.of(entry), true);
            assertThat(outcomes).containsExactly(ApplyOutcome.APPLIED);
            return CompletableFuture.completedFuture(null);
        });
    }

    @Test
    void createTableLogsItsRecordAndMovesTheIdCounterPastIt() {
        TableMetadata table = table("T", meta.allocateTableId());
        assertThat(table.id()).isEqualTo(1);
        MetaStateMachine.Evaluated evaluated = meta.evaluate(new MetaCommand.CreateTable(table));
        assertThat(operations(evaluated)).containsExactlyElementsOf(describeAll(
                new WriteBatch.Put(KeyLayout.catalogKey("T"), TableMetadataCodec.encode(table)),
                new WriteBatch.Put(Catalog.NEXT_TABLE_ID_KEY, Catalog.encodeCounter(2)),
                new WriteBatch.Put(Catalog.NEXT_PARTITION_ID_KEY, Catalog.encodeCounter(12))));
        assertThat(catalog.tryGet("T")).as("evaluating changes nothing").isEmpty();

        assertThat(meta.propose(evaluated)).isEqualTo(table);
        assertThat(catalog.tryGet("T")).contains(table);
        assertThat(catalog.nextTableId()).isEqualTo(2);
        assertThat(catalog.nextPartitionId()).as("the table's partition ids are never given again").isEqualTo(12);
        assertThat(TableMetadataCodec.decode(storage.get(KeyLayout.catalogKey("T")))).isEqualTo(table);
        assertThat(group.appliedIndex()).as("catalog change and applied index in one batch").isEqualTo(1);
    }

    @Test
    void createTableOfANameInUseIsRefusedWithDynamoDbsTextAndLogsNothing() {
        meta.submit(new MetaCommand.CreateTable(table("T", meta.allocateTableId())));
        TableMetadata again = table("T", meta.allocateTableId());
        assertThatThrownBy(() -> meta.submit(new MetaCommand.CreateTable(again)))
                .isInstanceOfSatisfying(BasaltException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_IN_USE);
                    assertThat(e).hasMessage("Table already exists: T");
                });
        assertThat(logged).hasSize(1);
        assertThat(group.appliedIndex()).isEqualTo(1);
    }

    @Test
    void tableIdsAreNeverGivenTwiceEvenAfterARestart() {
        long first = meta.allocateTableId();
        long unused = meta.allocateTableId();
        assertThat(unused).as("an allocation not yet logged is not given again").isEqualTo(first + 1);
        meta.submit(new MetaCommand.CreateTable(table("T", unused)));
        assertThat(meta.allocateTableId()).isEqualTo(unused + 1);
        assertThatThrownBy(() -> meta.evaluate(new MetaCommand.CreateTable(table("Old", first))))
                .isInstanceOf(IllegalArgumentException.class);

        catalog = new Catalog(storage);
        assertThat(catalog.nextTableId()).isEqualTo(unused + 1);
        assertThat(new MetaStateMachine(catalog, new Object(), entry -> CompletableFuture.completedFuture(null))
                .allocateTableId()).isEqualTo(unused + 1);
    }

    @Test
    void replaceAppliesOnlyToTheVersionItWasComputedFrom() {
        TableMetadata table = created("T");
        TableMetadata protectedTable = table.updated(table.billingMode(), table.throughput(),
                table.lastUpdateToPayPerRequest(), true, table.tableClass(), table.readyAt());
        TableChange replace = new TableChange.Replace(table, protectedTable);
        assertThat(operations(meta.evaluate(new MetaCommand.UpdateTable("T", replace)))).containsExactlyElementsOf(
                describeAll(new WriteBatch.Put(KeyLayout.catalogKey("T"), TableMetadataCodec.encode(protectedTable))));
        assertThat(meta.submit(new MetaCommand.UpdateTable("T", replace))).isEqualTo(protectedTable);
        assertThat(catalog.tryGet("T")).contains(protectedTable);

        int before = logged.size();
        assertThatThrownBy(() -> meta.submit(new MetaCommand.UpdateTable("T", replace)))
                .as("computed from a version that is gone").isInstanceOf(TableChangedException.class);
        assertThat(meta.evaluate(new MetaCommand.UpdateTable("T",
                new TableChange.Replace(protectedTable, protectedTable))).entry()).as("no change, no entry").isNull();
        assertThatThrownBy(() -> meta.submit(new MetaCommand.UpdateTable("Gone", new TableChange.Replace(
                table("Gone", 99), table("Gone", 99))))).isInstanceOf(TableChangedException.class);
        assertThat(logged).hasSize(before);
    }

    @Test
    void tagsMergeAndRemoveAndRefuseMoreThanFifty() {
        created("T");
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("a", "1");
        tags.put("b", "2");
        TableMetadata tagged = meta.submit(new MetaCommand.UpdateTable("T", new TableChange.AddTags(tags)));
        assertThat(tagged.tags()).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
        tagged = meta.submit(new MetaCommand.UpdateTable("T", new TableChange.AddTags(Map.of("a", "3"))));
        assertThat(tagged.tags()).containsExactly(Map.entry("a", "3"), Map.entry("b", "2"));

        int before = logged.size();
        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i < 49; i++) {
            many.put("k" + i, "v");
        }
        assertThatThrownBy(() -> meta.submit(new MetaCommand.UpdateTable("T", new TableChange.AddTags(many))))
                .isInstanceOfSatisfying(BasaltException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION);
                    assertThat(e).hasMessage("Number of Tags exceed the current limit for the provided ResourceArn");
                });
        assertThat(meta.evaluate(new MetaCommand.UpdateTable("T", new TableChange.RemoveTags(List.of("zz"))))
                .entry()).as("removing absent keys changes nothing").isNull();
        assertThat(logged).hasSize(before);
        assertThat(meta.submit(new MetaCommand.UpdateTable("T", new TableChange.RemoveTags(List.of("a", "zz"))))
                .tags()).containsExactly(Map.entry("b", "2"));
        assertThatThrownBy(() -> meta.submit(new MetaCommand.UpdateTable("Nope", new TableChange.AddTags(tags))))
                .hasMessage("Requested resource not found: Table: Nope not found");
    }

    @Test
    void aGlobalIndexIsAddedBackfilledStartedDroppingAndDropped() {
        TableMetadata table = created("T");
        IndexDefinition index = new IndexDefinition("ByGroup", true, List.of(GROUP), List.of(), Projection.ALL,
                ProvisionedThroughput.NONE);
        TableChange.AddGlobalIndex withoutPartitions = TableChange.AddGlobalIndex.of(table, index, List.of(PK, GROUP),
                T0);
        assertThatThrownBy(() -> meta.submit(new MetaCommand.UpdateTable("T", withoutPartitions)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("global index ByGroup of table T has no partitions");
        TableChange.AddGlobalIndex add = withIndexPartitions(withoutPartitions);
        TableMetadata added = meta.submit(new MetaCommand.UpdateTable("T", add));
        IndexMetadata backfilling = added.index("ByGroup").orElseThrow();
        assertThat(backfilling.partitions()).isEqualTo(add.indexPartitions()).hasSize(2)
                .allSatisfy(partition -> assertThat(partition.indexId()).isEqualTo(add.indexId()));
        assertThat(catalog.nextPartitionId()).as("the counter moves past the index's partitions")
                .isEqualTo(add.indexPartitions().get(1).id().value() + 1);
        assertThatThrownBy(() -> meta.submit(new MetaCommand.UpdateTable("T",
                TableChange.AddGlobalIndex.of(added, new IndexDefinition("Again", true, List.of(GROUP), List.of(),
                        Projection.ALL, ProvisionedThroughput.NONE), List.of(PK, GROUP), T0)
                        .withIndexPartitions(PartitionDescriptor.equalRanges(table.id(), added.nextIndexId(),
                                add.indexPartitions().get(0).id().value(), 2, 1)))))
                .as("partition ids are never given twice").isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was given before");
        assertThat(backfilling.id()).isEqualTo(add.indexId()).isEqualTo(table.nextIndexId());
        assertThat(backfilling.phase()).isEqualTo(IndexPhase.BACKFILLING);
        assertThat(added.attributeDefinitions()).containsExactly(PK, GROUP);
        assertThat(added.nextIndexId()).isEqualTo(table.nextIndexId() + 1);

        int before = logged.size();
        assertThat(meta.submit(new MetaCommand.UpdateTable("T",
                new TableChange.IndexBackfilled(table.id() + 1, add.indexId(), T0)))).isEqualTo(added);
        assertThat(logged).as("another table id changes nothing").hasSize(before);
        Instant readyAt = T0.plusSeconds(5);
        TableMetadata steady = meta.submit(new MetaCommand.UpdateTable("T",
                new TableChange.IndexBackfilled(table.id(), add.indexId(), readyAt)));
        assertThat(steady.index("ByGroup").orElseThrow()).isEqualTo(new IndexMetadata(backfilling.index(),
                backfilling.throughput(), IndexPhase.STEADY, TableStatus.CREATING, readyAt,
                backfilling.partitions()));
        assertThat(meta.evaluate(new MetaCommand.UpdateTable("T",
                new TableChange.IndexBackfilled(table.id(), add.indexId(), readyAt))).entry())
                .as("only a backfilling index finishes its backfill").isNull();

        TableMetadata dropping = meta.submit(new MetaCommand.UpdateTable("T",
                TableChange.StartIndexDrop.of(steady, "ByGroup")));
        assertThat(dropping.index("ByGroup").orElseThrow().phase()).isEqualTo(IndexPhase.DELETING);
        TableMetadata dropped = meta.submit(new MetaCommand.UpdateTable("T",
                new TableChange.IndexDropped(table.id(), add.indexId())));
        assertThat(dropped.indexes()).isEmpty();
        assertThat(dropped.attributeDefinitions()).as("definitions no key uses are forgotten").containsExactly(PK);
        assertThat(dropped.nextIndexId()).as("index ids are never reused").isEqualTo(table.nextIndexId() + 1);
        assertThat(catalog.tryGet("T")).contains(dropped);
    }

    @Test
    void deleteTableDropsTheRecordAndAllTheTablesDataAndClosesItsPartitions() {
        TableMetadata doomed = created("Doomed");
        TableMetadata kept = created("Kept");
        PartitionId partition = doomed.partitions().get(0).id();
        PartitionId keptPartition = kept.partitions().get(0).id();
        group.openPartition(doomed.partitions().get(0), List.of());
        group.openPartition(kept.partitions().get(0), List.of());
        byte[] doomedItem = KeyLayout.partitionStart(doomed.id(), 0, 42);
        byte[] keptItem = KeyLayout.partitionStart(kept.id(), 0, 42);
        storage.write(new WriteBatch().put(doomedItem, new byte[] {1}).put(keptItem, new byte[] {1})
                .put(KeyLayout.partitionRecordKey(doomed.id(), partition), new byte[] {1})
                .put(KeyLayout.changeKey(doomed.id(), partition, 1), new byte[] {1})
                .put(KeyLayout.indexStateKey(doomed.id(), partition, 1), new byte[] {1})
                .put(KeyLayout.preparedKey(doomed.id(), partition, 1), new byte[] {1})
                .put(KeyLayout.globalIndexPositionKey(doomed.id(), 1, new PartitionId(90), partition), new byte[] {1})
                .put(KeyLayout.partitionRecordKey(kept.id(), keptPartition), new byte[] {1}), false);

        TableMetadata stale = doomed;
        meta.submit(new MetaCommand.UpdateTable("Doomed", new TableChange.AddTags(Map.of("k", "v"))));
        assertThatThrownBy(() -> meta.submit(new MetaCommand.DeleteTable(stale)))
                .isInstanceOf(TableChangedException.class);
        TableMetadata current = catalog.tryGet("Doomed").orElseThrow();

        MetaStateMachine.Evaluated evaluated = meta.evaluate(new MetaCommand.DeleteTable(current));
        List<WriteBatch.Operation> expected = new ArrayList<>();
        expected.add(new WriteBatch.Delete(KeyLayout.catalogKey("Doomed")));
        for (byte space : new byte[] {KeyLayout.ITEMS, KeyLayout.PARTITIONS, KeyLayout.CHANGES,
                KeyLayout.INDEX_STATE, KeyLayout.COLLECTIONS, KeyLayout.PREPARED, KeyLayout.GSI_POSITIONS}) {
            expected.add(new WriteBatch.DeleteRange(KeyLayout.tableStart(space, doomed.id()),
                    KeyLayout.tableEnd(space, doomed.id())));
        }
        assertThat(operations(evaluated)).containsExactlyElementsOf(
                describeAll(expected.toArray(WriteBatch.Operation[]::new)));
        assertThat(meta.propose(evaluated)).isEqualTo(current);

        assertThat(catalog.tryGet("Doomed")).isEmpty();
        assertThat(storage.get(KeyLayout.catalogKey("Doomed"))).isNull();
        assertThat(storage.get(doomedItem)).isNull();
        assertThat(storage.get(KeyLayout.partitionRecordKey(doomed.id(), partition))).isNull();
        assertThat(storage.get(KeyLayout.changeKey(doomed.id(), partition, 1))).isNull();
        assertThat(storage.get(KeyLayout.indexStateKey(doomed.id(), partition, 1))).isNull();
        assertThat(storage.get(KeyLayout.preparedKey(doomed.id(), partition, 1))).isNull();
        assertThat(storage.get(KeyLayout.globalIndexPositionKey(doomed.id(), 1, new PartitionId(90), partition)))
                .as("a global index partition's positions go with the table").isNull();
        assertThat(storage.get(KeyLayout.partitionRecordKey(kept.id(), keptPartition))).isNotNull();
        assertThat(storage.get(keptItem)).isNotNull();
        assertThat(group.sequence(partition)).as("the entry closed the partition").isEqualTo(-1);
        assertThat(group.sequence(keptPartition)).isZero();
        assertThat(new Catalog(storage).all()).containsExactly(kept);
        assertThatThrownBy(() -> meta.submit(new MetaCommand.DeleteTable(current)))
                .hasMessage("Requested resource not found: Table: Doomed not found");
    }

    @Test
    void namesAfterPagesInNameOrder() {
        for (String name : List.of("c", "a", "b", "d")) {
            created(name);
        }
        assertThat(catalog.namesAfter(null, 2)).containsExactly("a", "b");
        assertThat(catalog.namesAfter("b", 2)).containsExactly("c", "d");
        assertThat(catalog.namesAfter("bb", 5)).containsExactly("c", "d");
        assertThat(catalog.namesAfter("d", 5)).isEmpty();
    }

    @Test
    void aMetadataEntryWritingOutsideTheMetadataSpacesIsRejectedWhole() {
        byte[] item = KeyLayout.partitionStart(7, 0, 42);
        MetaEntry bad = new MetaEntry(List.of(new WriteBatch.Put(KeyLayout.catalogKey("X"), new byte[] {1}),
                new WriteBatch.Put(item, new byte[] {1})));
        assertThat(group.applyNext(List.of(bad), false)).containsExactly(ApplyOutcome.REJECTED);
        assertThat(storage.get(KeyLayout.catalogKey("X"))).isNull();
        assertThat(storage.get(item)).isNull();
        MetaEntry partialRange = new MetaEntry(List.of(new WriteBatch.DeleteRange(KeyLayout.tableStart(
                KeyLayout.ITEMS, 7), KeyLayout.partitionStart(7, 0, 42))));
        assertThat(group.applyNext(List.of(partialRange), false)).containsExactly(ApplyOutcome.REJECTED);
        assertThat(catalog.all()).isEmpty();
    }

    @Test
    void replayingTheRecordedMetadataEntriesRebuildsTheSameStoreAndCatalog() {
        TableMetadata a = created("A");
        created("B");
        meta.submit(new MetaCommand.UpdateTable("A", new TableChange.AddTags(Map.of("team", "x"))));
        meta.submit(new MetaCommand.UpdateTable("A", withIndexPartitions(TableChange.AddGlobalIndex.of(
                catalog.tryGet("A").orElseThrow(), new IndexDefinition("ByGroup", true, List.of(GROUP), List.of(),
                        Projection.KEYS_ONLY, ProvisionedThroughput.NONE), List.of(PK, GROUP), T0))));
        meta.submit(new MetaCommand.DeleteTable(catalog.tryGet("B").orElseThrow()));
        created("C");

        InMemoryStorageEngine replayed = new InMemoryStorageEngine();
        try {
            GroupStateMachine machine = new GroupStateMachine(replayed, GroupStateMachine.LOCAL_GROUP_ID);
            for (int i = 0; i < logged.size(); i++) {
                assertThat(machine.apply(0, i + 1, LogEntryCodec.decode(logged.get(i))))
                        .containsExactly(ApplyOutcome.APPLIED);
            }
            assertThat(dump(replayed)).isEqualTo(dump(storage));
            Catalog rebuilt = new Catalog(replayed);
            assertThat(rebuilt.all()).isEqualTo(catalog.all()).extracting(TableMetadata::name)
                    .containsExactly("A", "C");
            assertThat(rebuilt.nextTableId()).isEqualTo(catalog.nextTableId()).isGreaterThan(a.id() + 2);
        } finally {
            replayed.close();
        }
    }

    @Test
    void everyCommandSurvivesItsCodec() {
        TableMetadata table = table("T", 3);
        TableMetadata updated = table.withTags(Map.of("k", "v"));
        IndexDefinition index = new IndexDefinition("ByGroup", true, List.of(GROUP), List.of(), Projection.ALL,
                ProvisionedThroughput.of(5, 5));
        List<MetaCommand> commands = List.of(new MetaCommand.CreateTable(table), new MetaCommand.DeleteTable(table),
                new MetaCommand.UpdateTable("T", new TableChange.Replace(table, updated)),
                new MetaCommand.UpdateTable("T", new TableChange.AddTags(Map.of("a", "1", "b", "2"))),
                new MetaCommand.UpdateTable("T", new TableChange.RemoveTags(List.of("a", "ü"))),
                new MetaCommand.UpdateTable("T", TableChange.AddGlobalIndex.of(table, index, List.of(PK, GROUP), T0)),
                new MetaCommand.UpdateTable("T", new TableChange.IndexBackfilled(3, 1, T0)),
                new MetaCommand.UpdateTable("T", new TableChange.IndexDropped(3, 1)),
                new MetaCommand.UpdateTable("T", new TableChange.PartitionBackfilled(3, 1,
                        new io.basalt.partition.PartitionId(7))),
                new MetaCommand.UpdateTable("T", new TableChange.IndexPartitionDropped(3, 1,
                        new io.basalt.partition.PartitionId(300))));
        for (MetaCommand command : commands) {
            byte[] bytes = MetaCommandCodec.encode(command);
            assertThat(MetaCommandCodec.decode(bytes)).isEqualTo(command);
            for (int length = 0; length < bytes.length; length++) {
                byte[] truncated = java.util.Arrays.copyOf(bytes, length);
                assertThatThrownBy(() -> MetaCommandCodec.decode(truncated)).as("%s cut at %d", command, length)
                        .isInstanceOf(IllegalArgumentException.class);
            }
        }
        assertThat(MetaCommandCodec.encode(new MetaCommand.UpdateTable("T", new TableChange.IndexDropped(3, 1))))
                .as("golden bytes").isEqualTo(HexFormat.of().parseHex("01020154070000000000000003" + "01"));
        assertThat(MetaCommandCodec.encode(new MetaCommand.UpdateTable("T", new TableChange.PartitionBackfilled(3, 1,
                new io.basalt.partition.PartitionId(7))))).as("golden bytes of a report")
                .isEqualTo(HexFormat.of().parseHex("01020154080000000000000003" + "01" + "0000000000000007"));
        assertThatThrownBy(() -> MetaCommandCodec.decode(new byte[] {2, 1})).hasMessageContaining("version 2");
        assertThatThrownBy(() -> MetaCommandCodec.decode(new byte[] {1, 9})).hasMessageContaining("command 9");
    }

    private TableMetadata created(String name) {
        return meta.submit(new MetaCommand.CreateTable(table(name, meta.allocateTableId())));
    }

    /** The entry's operations, readable and comparable (the operation records hold arrays). */
    private static List<String> operations(MetaStateMachine.Evaluated evaluated) {
        assertThat(evaluated.entry()).isNotNull();
        return evaluated.entry().operations().stream().map(TestMetaStateMachine::describe).toList();
    }

    private static List<String> describeAll(WriteBatch.Operation... operations) {
        return java.util.Arrays.stream(operations).map(TestMetaStateMachine::describe).toList();
    }

    private static String describe(WriteBatch.Operation operation) {
        HexFormat hex = HexFormat.of();
        if (operation instanceof WriteBatch.Put put) {
            return "put " + hex.formatHex(put.key()) + " = " + hex.formatHex(put.value());
        }
        if (operation instanceof WriteBatch.Delete delete) {
            return "delete " + hex.formatHex(delete.key());
        }
        WriteBatch.DeleteRange range = (WriteBatch.DeleteRange) operation;
        return "delete range " + hex.formatHex(range.fromInclusive()) + " .. " + hex.formatHex(range.toExclusive());
    }

    private static TableMetadata table(String name, long id) {
        return new TableMetadata(name, id, "uuid-" + id, KeySchema.of(PK), List.of(PK), BillingMode.PAY_PER_REQUEST,
                ProvisionedThroughput.NONE, T0, T0, TableStatus.CREATING, T0, false, null, Map.of(),
                PartitionDescriptor.equalRanges(id, 0, 10 * id, 2, 1), List.of(), 1);
    }

    private static Map<String, String> dump(InMemoryStorageEngine engine) {
        HexFormat hex = HexFormat.of();
        Map<String, String> dump = new TreeMap<>();
        try (StorageIterator iterator = engine.iterator(null, null)) {
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                dump.put(hex.formatHex(iterator.key()), hex.formatHex(iterator.value()));
            }
        }
        return dump;
    }

    /** {@code add} with two partitions for its index, allocated as the node allocates them. */
    private TableChange.AddGlobalIndex withIndexPartitions(TableChange.AddGlobalIndex add) {
        return add.withIndexPartitions(PartitionDescriptor.equalRanges(add.expected().id(), add.indexId(),
                meta.allocatePartitionIds(2), 2, GroupStateMachine.LOCAL_GROUP_ID));
    }
}
