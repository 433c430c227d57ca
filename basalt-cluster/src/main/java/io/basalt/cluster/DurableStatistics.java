package io.basalt.cluster;

import io.basalt.partition.IndexPartitionState;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionMetadata;
import io.basalt.partition.PartitionRecord;
import java.util.function.BiFunction;

/**
 * Table and index statistics summed from the partitions' durable records: a table's (and a global index's) partition
 * records, a local index's states beside its table's partitions. Where a record is read from is the caller's: the
 * node's storage on one node, a replica of the partition's group on a cluster node.
 */
final class DurableStatistics {
    private DurableStatistics() {
    }

    /**
     * The item count and size of a table.
     *
     * @param durable the stored value of a statistics key of a partition (null: none, counted as empty)
     */
    static TableStatistics table(TableMetadata table, BiFunction<PartitionDescriptor, byte[], byte[]> durable) {
        long items = 0;
        long bytes = 0;
        for (PartitionDescriptor partition : table.partitions()) {
            PartitionMetadata metadata = PartitionRecord.metadataOf(
                    durable.apply(partition, KeyLayout.partitionRecordKey(table.id(), partition.id())));
            items += metadata.itemCount();
            bytes += metadata.sizeBytes();
        }
        return new TableStatistics(items, bytes);
    }

    /**
     * The item count and size of one secondary index, from what is durable (a global index's lag aside).
     *
     * @param durable as for {@link #table}
     */
    static TableStatistics index(TableMetadata table, IndexMetadata index,
            BiFunction<PartitionDescriptor, byte[], byte[]> durable) {
        long items = 0;
        long bytes = 0;
        if (index.global()) {
            for (PartitionDescriptor partition : index.partitions()) {
                PartitionMetadata metadata = PartitionRecord.metadataOf(
                        durable.apply(partition, KeyLayout.partitionRecordKey(table.id(), partition.id())));
                items += metadata.itemCount();
                bytes += metadata.sizeBytes();
            }
            return new TableStatistics(items, bytes);
        }
        for (PartitionDescriptor partition : table.partitions()) {
            IndexPartitionState state = IndexPartitionState.decode(
                    durable.apply(partition, KeyLayout.indexStateKey(table.id(), partition.id(), index.id())));
            items += state.itemCount();
            bytes += state.sizeBytes();
        }
        return new TableStatistics(items, bytes);
    }
}
