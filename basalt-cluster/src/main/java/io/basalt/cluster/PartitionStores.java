package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.PartitionId;
import io.basalt.storage.StorageReader;

/**
 * Where a partition this node holds is read from (docs/design/cluster.md §6.4): each replication group keeps its
 * partitions in a storage of its own, so a node with several groups reads each partition from its group's. On one
 * node every partition lives in the node's one storage ({@link #single}).
 */
@FunctionalInterface
public interface PartitionStores {
    /**
     * The storage {@code partition} is read from, or null when this node holds no copy of it (its table or index
     * is gone, or it lives on other nodes): the read then fails as for a deleted table.
     */
    StorageReader storageOf(PartitionId partition);

    /** Every partition in {@code storage}: one node, one group. */
    static PartitionStores single(StorageReader storage) {
        requireNonNull(storage, "storage is null");
        return partition -> storage;
    }
}
