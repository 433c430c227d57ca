package io.basalt.partition.log;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Several partitions' entries in one log entry (group commit on a Raft group). Each inner entry applies or is
 * rejected on its own, all in one storage batch (docs/design/cluster.md §6.2).
 */
public record MultiEntry(List<PartitionEntry> entries) implements LogEntry {
    public MultiEntry {
        entries = List.copyOf(requireNonNull(entries, "entries is null"));
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("a multi entry holds at least one entry");
        }
    }
}
