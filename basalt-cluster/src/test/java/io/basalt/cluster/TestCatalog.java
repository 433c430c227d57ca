package io.basalt.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.AttributeType;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import io.basalt.storage.WriteBatch;
import io.basalt.storage.memory.InMemoryStorageEngine;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TestCatalog {
    private final InMemoryStorageEngine storage = new InMemoryStorageEngine();

    @Test
    void tableIdsIncreaseFromOneAndSurviveANewCatalog() {
        Catalog catalog = new Catalog(storage);
        assertThat(catalog.allocateTableId()).isEqualTo(1);
        assertThat(catalog.allocateTableId()).isEqualTo(2);
        assertThat(new Catalog(storage).allocateTableId()).isEqualTo(3);
    }

    @Test
    void tablesArePersistedAndRemovedWithTheirData() {
        Catalog catalog = new Catalog(storage);
        TableMetadata kept = table("kept", catalog.allocateTableId());
        TableMetadata dropped = table("dropped", catalog.allocateTableId());
        catalog.put(kept);
        catalog.put(dropped);
        byte[] droppedItem = KeyLayout.partitionStart(dropped.id(), 0, 42);
        byte[] keptItem = KeyLayout.partitionStart(kept.id(), 0, 42);
        storage.write(new WriteBatch().put(droppedItem, new byte[] {1}).put(keptItem, new byte[] {1})
                .put(KeyLayout.partitionRecordKey(dropped.id(), dropped.partitions().get(0).id()), new byte[] {1})
                .put(KeyLayout.changeKey(dropped.id(), dropped.partitions().get(0).id(), 1), new byte[] {1})
                .put(KeyLayout.indexStateKey(dropped.id(), dropped.partitions().get(0).id(), 1), new byte[] {1})
                .put(KeyLayout.preparedKey(dropped.id(), dropped.partitions().get(0).id(), 1), new byte[] {1})
                .put(KeyLayout.partitionRecordKey(kept.id(), kept.partitions().get(0).id()), new byte[] {1}),
                false);

        Catalog reloaded = new Catalog(storage);
        assertThat(reloaded.all()).containsExactly(dropped, kept);
        assertThat(reloaded.tryGet("kept")).contains(kept);

        reloaded.remove(dropped);
        assertThat(reloaded.tryGet("dropped")).isEmpty();
        assertThat(storage.get(droppedItem)).isNull();
        PartitionId droppedPartition = dropped.partitions().get(0).id();
        assertThat(storage.get(KeyLayout.partitionRecordKey(dropped.id(), droppedPartition))).isNull();
        assertThat(storage.get(KeyLayout.changeKey(dropped.id(), droppedPartition, 1))).isNull();
        assertThat(storage.get(KeyLayout.indexStateKey(dropped.id(), droppedPartition, 1))).isNull();
        assertThat(storage.get(KeyLayout.preparedKey(dropped.id(), droppedPartition, 1))).isNull();
        assertThat(storage.get(KeyLayout.partitionRecordKey(kept.id(), kept.partitions().get(0).id()))).isNotNull();
        assertThat(storage.get(keptItem)).isNotNull();
        assertThat(new Catalog(storage).all()).containsExactly(kept);
    }

    @Test
    void namesAfterPages() {
        Catalog catalog = new Catalog(storage);
        for (String name : List.of("c", "a", "b", "d")) {
            catalog.put(table(name, catalog.allocateTableId()));
        }
        assertThat(catalog.namesAfter(null, 2)).containsExactly("a", "b");
        assertThat(catalog.namesAfter("b", 2)).containsExactly("c", "d");
        assertThat(catalog.namesAfter("bb", 5)).containsExactly("c", "d");
        assertThat(catalog.namesAfter("d", 5)).isEmpty();
    }

    private static TableMetadata table(String name, long id) {
        return new TableMetadata(name, id, "uuid-" + id, KeySchema.of(new KeyAttribute("pk", AttributeType.S)),
                List.of(new KeyAttribute("pk", AttributeType.S)), BillingMode.PAY_PER_REQUEST,
                ProvisionedThroughput.NONE, Instant.EPOCH, Instant.EPOCH, TableStatus.CREATING, Instant.EPOCH, false,
                null, Map.of(), PartitionDescriptor.equalRanges(id, 0, 10 * id, 2, 1), List.of(), 1);
    }
}
