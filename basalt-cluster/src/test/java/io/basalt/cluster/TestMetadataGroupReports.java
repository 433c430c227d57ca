package io.basalt.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.AttributeType;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.Projection;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.apply.ApplyOutcome;
import io.basalt.partition.apply.GroupStateMachine;
import io.basalt.partition.log.MetaEntry;
import io.basalt.storage.memory.InMemoryStorageEngine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How the metadata group's leader turns the partitions' reports of a cluster into an index's lifecycle steps
 * (docs/design/cluster.md §15, "GSIs on a cluster"): nothing is logged until every partition concerned has reported
 * (each base partition for a backfill, each index partition for a drop), a report sent again counts once, and a
 * report for an index no longer in that phase logs nothing.
 */
class TestMetadataGroupReports {
    private static final KeyAttribute PK = new KeyAttribute("pk", AttributeType.S);
    private static final KeyAttribute COLOR = new KeyAttribute("color", AttributeType.S);
    private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");

    private final InMemoryStorageEngine storage = new InMemoryStorageEngine();
    private final GroupStateMachine group = new GroupStateMachine(storage, GroupStateMachine.LOCAL_GROUP_ID);
    private final List<MetaEntry> logged = Collections.synchronizedList(new ArrayList<>());
    private final MetadataGroup metadata = new MetadataGroup(entry -> {
        logged.add(entry);
        assertThat(group.applyNext(List.of(entry), true)).containsExactly(ApplyOutcome.APPLIED);
        return CompletableFuture.completedFuture(null);
    });

    @AfterEach
    void close() {
        storage.close();
    }

    @Test
    void anIndexIsActiveOnceEveryBasePartitionReportedItsBackfill() {
        metadata.attach(group);
        TableMetadata table = created();
        TableMetadata adding = add(table);
        IndexMetadata index = adding.index("byColor").orElseThrow();
        assertThat(index.phase()).isEqualTo(IndexPhase.BACKFILLING);
        assertThat(index.partitions()).as("placed by the leader").hasSize(3);
        int before = logged.size();

        List<PartitionDescriptor> partitions = adding.partitions();
        report(adding, new TableChange.PartitionBackfilled(adding.id(), index.id(), partitions.get(0).id()));
        report(adding, new TableChange.PartitionBackfilled(adding.id(), index.id(), partitions.get(0).id()));
        report(adding, new TableChange.PartitionBackfilled(adding.id(), index.id(), partitions.get(1).id()));
        assertThat(logged).as("a partition reported twice counts once; one has not reported").hasSize(before);
        assertThat(phase("byColor")).isEqualTo(IndexPhase.BACKFILLING);

        report(adding, new TableChange.PartitionBackfilled(adding.id(), index.id(), partitions.get(2).id()));
        assertThat(logged).hasSize(before + 1);
        assertThat(phase("byColor")).isEqualTo(IndexPhase.STEADY);

        // Sent again after the step (a partition whose report the leader heard before it failed over): nothing.
        report(adding, new TableChange.PartitionBackfilled(adding.id(), index.id(), partitions.get(1).id()));
        assertThat(logged).hasSize(before + 1);
    }

    @Test
    void anIndexLeavesTheTableOnceEveryIndexPartitionReportedItsDrop() {
        metadata.attach(group);
        TableMetadata table = created();
        TableMetadata adding = add(table);
        IndexMetadata index = adding.index("byColor").orElseThrow();
        for (PartitionDescriptor partition : adding.partitions()) {
            report(adding, new TableChange.PartitionBackfilled(adding.id(), index.id(), partition.id()));
        }
        TableMetadata steady = metadata.tryGetTable("T").orElseThrow();
        // A drop report while the index is not being dropped is a stale one: nothing.
        report(steady, new TableChange.IndexPartitionDropped(steady.id(), index.id(), index.partitions().get(0).id()));
        TableMetadata dropping = metadata.execute(new MetaCommand.UpdateTable("T",
                TableChange.StartIndexDrop.of(steady, "byColor")), T0, 3, count -> groups(count)).table();
        assertThat(phase("byColor")).isEqualTo(IndexPhase.DELETING);
        int before = logged.size();
        for (int i = 0; i < index.partitions().size() - 1; i++) {
            report(dropping, new TableChange.IndexPartitionDropped(dropping.id(), index.id(),
                    index.partitions().get(i).id()));
        }
        assertThat(logged).hasSize(before);
        report(dropping, new TableChange.IndexPartitionDropped(dropping.id(), index.id(),
                index.partitions().get(index.partitions().size() - 1).id()));
        assertThat(logged).hasSize(before + 1);
        assertThat(metadata.tryGetTable("T").orElseThrow().index("byColor")).isEmpty();
    }

    @Test
    void aReportIsNeverLoggedAsSuch() {
        metadata.attach(group);
        TableMetadata table = created();
        MetaStateMachine meta = new MetaStateMachine(metadata.catalog(), new Object(),
                entry -> CompletableFuture.completedFuture(null));
        assertThatThrownBy(() -> meta.evaluate(new MetaCommand.UpdateTable("T",
                new TableChange.PartitionBackfilled(table.id(), 1, table.partitions().get(0).id()))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private TableMetadata created() {
        TableDefinition definition = new TableDefinition("T", KeySchema.of(PK), List.of(PK),
                BillingMode.PAY_PER_REQUEST, ProvisionedThroughput.NONE, false, null, Map.of(), List.of());
        return metadata.execute(new MetaCommand.CreateTable(MetadataGroup.draft(definition, T0, Duration.ZERO)), T0,
                3, TestMetadataGroupReports::groups).table();
    }

    private TableMetadata add(TableMetadata table) {
        IndexDefinition index = new IndexDefinition("byColor", true, List.of(COLOR), List.of(), Projection.ALL,
                ProvisionedThroughput.NONE);
        return metadata.execute(new MetaCommand.UpdateTable("T", TableChange.AddGlobalIndex.of(table, index,
                List.of(PK, COLOR), T0)), T0, 3, TestMetadataGroupReports::groups).table();
    }

    private void report(TableMetadata table, TableChange change) {
        assertThat(metadata.execute(new MetaCommand.UpdateTable(table.name(), change), T0, 3,
                TestMetadataGroupReports::groups).tableChanged()).isFalse();
    }

    private IndexPhase phase(String index) {
        return metadata.tryGetTable("T").orElseThrow().index(index).orElseThrow().phase();
    }

    private static List<Long> groups(int count) {
        List<Long> groups = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            groups.add(1L + i % 3);
        }
        return groups;
    }
}
