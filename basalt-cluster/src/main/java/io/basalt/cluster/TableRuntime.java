package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.PartitionHash;
import io.basalt.replication.PartitionLeader;
import java.util.List;

/** A live table: its partitions' leaders, and the router from partition hash to partition. */
final class TableRuntime {
    private final long tableId;
    private final List<PartitionLeader> partitions;

    TableRuntime(long tableId, List<PartitionLeader> partitions) {
        this.tableId = tableId;
        this.partitions = List.copyOf(requireNonNull(partitions, "partitions is null"));
    }

    long tableId() {
        return tableId;
    }

    PartitionLeader partitionFor(long hash) {
        return partitions.get(PartitionHash.partitionIndex(hash, partitions.size()));
    }

    /** Brings the partitions in line with the table's current secondary indexes. */
    void indexesChanged(TableMetadata table) {
        // Filled in by the index engine.
    }

    List<PartitionLeader> partitions() {
        return partitions;
    }
}
