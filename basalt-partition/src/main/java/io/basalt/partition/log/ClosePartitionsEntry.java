package io.basalt.partition.log;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.PartitionId;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Closes some partitions of a live table in the group (docs/design/cluster.md, "s18 statistics and index settings"):
 * a dropped global index's partitions, once the index has left the catalog. Their data is already gone (each index
 * partition's leader logged its drop before the index could leave); closing forgets the partitions' stored
 * {@code GroupPartition}s and staging, so later entries of them are rejected and a restart does not open them. A
 * partition the group does not hold is skipped, so proposing the same close twice is harmless.
 */
public record ClosePartitionsEntry(long tableId, List<PartitionId> partitions) implements GroupAdminEntry {
    public ClosePartitionsEntry {
        if (tableId < 1) {
            throw new IllegalArgumentException("table id out of range: " + tableId);
        }
        partitions = List.copyOf(requireNonNull(partitions, "partitions is null"));
        if (partitions.isEmpty()) {
            throw new IllegalArgumentException("a close entry names at least one partition");
        }
        Set<PartitionId> ids = new HashSet<>();
        for (PartitionId partition : partitions) {
            if (!ids.add(partition)) {
                throw new IllegalArgumentException("partition closed twice: " + partition);
            }
        }
    }
}
