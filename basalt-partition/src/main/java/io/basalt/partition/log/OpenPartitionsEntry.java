package io.basalt.partition.log;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.GroupPartition;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Opens partitions in the group (§6.2 step 4, {@code OPEN_PARTITION} for several at once): each gets its
 * {@link GroupPartition} stored in the group and an empty partition record (sequence 0) unless it has one. A
 * partition the group holds already is left as it is, so proposing the same open twice is harmless.
 */
public record OpenPartitionsEntry(List<GroupPartition> partitions) implements GroupAdminEntry {
    public OpenPartitionsEntry {
        partitions = List.copyOf(requireNonNull(partitions, "partitions is null"));
        if (partitions.isEmpty()) {
            throw new IllegalArgumentException("an open entry names at least one partition");
        }
        Set<Object> ids = new HashSet<>();
        for (GroupPartition partition : partitions) {
            if (!ids.add(partition.descriptor().id())) {
                throw new IllegalArgumentException("partition opened twice: " + partition.descriptor().id());
            }
        }
    }
}
