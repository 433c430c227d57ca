package io.basalt.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.AttributeType;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.partition.PartitionDescriptor;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TestTableMetadata {
    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private static TableMetadata table(TableStatus pending, Instant readyAt) {
        return new TableMetadata("Music", 7, "uuid", KeySchema.of(new KeyAttribute("pk", AttributeType.S)),
                List.of(new KeyAttribute("pk", AttributeType.S)), BillingMode.PROVISIONED,
                ProvisionedThroughput.of(5, 5), T0, null, pending, readyAt, false, null, Map.of("a", "1"),
                PartitionDescriptor.equalRanges(7, 0, 1, 4, 1), List.of(), 1);
    }

    @Test
    void statusIsPendingUntilReadyAtThenActive() {
        TableMetadata table = table(TableStatus.CREATING, T0.plusSeconds(2));
        assertThat(table.status(T0)).isEqualTo(TableStatus.CREATING);
        assertThat(table.status(T0.plusMillis(1999))).isEqualTo(TableStatus.CREATING);
        assertThat(table.status(T0.plusSeconds(2))).isEqualTo(TableStatus.ACTIVE);
        assertThat(table.status(T0.plusSeconds(3600))).isEqualTo(TableStatus.ACTIVE);
    }

    @Test
    void updatedKeepsIdentityAndBecomesUpdating() {
        TableMetadata table = table(TableStatus.CREATING, T0);
        TableMetadata updated = table.updated(BillingMode.PAY_PER_REQUEST, ProvisionedThroughput.NONE,
                T0.plusSeconds(60), true, TableClass.STANDARD, T0.plusSeconds(65));
        assertThat(updated.status(T0.plusSeconds(64))).isEqualTo(TableStatus.UPDATING);
        assertThat(updated.status(T0.plusSeconds(65))).isEqualTo(TableStatus.ACTIVE);
        assertThat(updated.name()).isEqualTo(table.name());
        assertThat(updated.id()).isEqualTo(table.id());
        assertThat(updated.tableId()).isEqualTo(table.tableId());
        assertThat(updated.creationTime()).isEqualTo(table.creationTime());
        assertThat(updated.tags()).isEqualTo(table.tags());
        assertThat(updated.partitionCount()).isEqualTo(4);
        assertThat(updated.billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
        assertThat(updated.deletionProtection()).isTrue();
        assertThat(updated.tableClass()).isEqualTo(TableClass.STANDARD);
        assertThat(updated.lastUpdateToPayPerRequest()).isEqualTo(T0.plusSeconds(60));
    }

    @Test
    void withTagsReplacesOnlyTheTags() {
        TableMetadata table = table(TableStatus.CREATING, T0);
        TableMetadata tagged = table.withTags(Map.of("b", "2"));
        assertThat(tagged.tags()).containsExactly(Map.entry("b", "2"));
        assertThat(tagged.withTags(table.tags())).isEqualTo(table);
    }

    @Test
    void arnNamesRegionAccountAndTable() {
        assertThat(table(TableStatus.CREATING, T0).arn("eu-west-1", "000000000000"))
                .isEqualTo("arn:aws:dynamodb:eu-west-1:000000000000:table/Music");
    }

    @Test
    void invalidMetadataIsRejected() {
        assertThatThrownBy(() -> new TableMetadata("t", 1, "u", KeySchema.of(new KeyAttribute("pk",
                AttributeType.S)), List.of(), BillingMode.PROVISIONED, ProvisionedThroughput.NONE, T0, null,
                TableStatus.CREATING, T0, false, null, Map.of(), List.of(), List.of(), 1))
                .isInstanceOf(IllegalArgumentException.class);
        // The partitions must cover the hash space, and be the table's own.
        List<PartitionDescriptor> gap = List.of(PartitionDescriptor.equalRanges(1, 0, 1, 2, 1).get(0));
        assertThatThrownBy(() -> new TableMetadata("t", 1, "u", KeySchema.of(new KeyAttribute("pk",
                AttributeType.S)), List.of(), BillingMode.PROVISIONED, ProvisionedThroughput.NONE, T0, null,
                TableStatus.CREATING, T0, false, null, Map.of(), gap, List.of(), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not covered");
        assertThatThrownBy(() -> new TableMetadata("t", 1, "u", KeySchema.of(new KeyAttribute("pk",
                AttributeType.S)), List.of(), BillingMode.PROVISIONED, ProvisionedThroughput.NONE, T0, null,
                TableStatus.CREATING, T0, false, null, Map.of(), PartitionDescriptor.equalRanges(2, 0, 1, 1, 1),
                List.of(), 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not one of table");
    }

    @Test
    void throughputRecordsIncreasesAndDecreases() {
        ProvisionedThroughput start = ProvisionedThroughput.of(10, 10);
        ProvisionedThroughput up = start.changedTo(20, 10, T0);
        assertThat(up).isEqualTo(new ProvisionedThroughput(20, 10, T0, null, 0));
        Instant later = T0.plus(Duration.ofHours(1));
        ProvisionedThroughput down = up.changedTo(5, 10, later);
        assertThat(down).isEqualTo(new ProvisionedThroughput(5, 10, T0, later, 1));
        // Raising one and lowering the other is both an increase and a decrease.
        ProvisionedThroughput mixed = down.changedTo(6, 9, later.plusSeconds(1));
        assertThat(mixed.lastIncrease()).isEqualTo(later.plusSeconds(1));
        assertThat(mixed.lastDecrease()).isEqualTo(later.plusSeconds(1));
        assertThat(mixed.decreasesToday()).isEqualTo(2);
        assertThat(mixed.changedTo(6, 9, later.plusSeconds(2))).isEqualTo(mixed);
    }

    @Test
    void nodeConfigBoundsPartitionsPerTable() {
        NodeConfig defaults = NodeConfig.defaults();
        assertThat(defaults.syncWrites()).isTrue();
        assertThat(defaults.tableCreationDelay()).isZero();
        assertThat(defaults.loopbackRpc()).isFalse();
        assertThat(defaults.withLoopbackRpc(true).loopbackRpc()).isTrue();
        assertThat(defaults.transactionResolveAfter()).isEqualTo(Duration.ofSeconds(5));
        assertThat(defaults.withTransactionResolveAfter(Duration.ofMillis(50)).transactionResolveAfter())
                .isEqualTo(Duration.ofMillis(50));
        assertThatThrownBy(() -> defaults.withTransactionResolveAfter(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NodeConfig("r", "a", 0, Duration.ZERO, Duration.ZERO, true,
                defaults.clock(), GlobalIndexPropagation.ASYNCHRONOUS, false, Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NodeConfig("r", "a", 1025, Duration.ZERO, Duration.ZERO, true,
                defaults.clock(), GlobalIndexPropagation.ASYNCHRONOUS, false, Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class);
        NodeConfig changed = defaults.withSyncWrites(false).withDelays(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(changed.syncWrites()).isFalse();
        assertThat(changed.tableCreationDelay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(changed.tableUpdateDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(changed.partitionsPerTable()).isEqualTo(defaults.partitionsPerTable());
    }
}
