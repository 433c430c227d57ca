package io.basalt.partition.log;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.PartitionId;

/**
 * One part of a partition entry whose encoded form exceeds the largest Raft entry (docs/design/cluster.md §5.3):
 * the encoded {@link PartitionEntry} is cut into {@code parts} chunks, proposed in order. Parts 1 to
 * {@code parts - 1} are staged in storage by the group state machine; the last one applies the reassembled entry
 * atomically and drops the staged parts.
 *
 * @param sequence the sequence of the entry it is part of (only that sequence may be staged for the partition)
 * @param part 1-based
 * @param chunk the part's bytes of the encoded entry; kept as given (large), never modified
 */
public record PartEntry(PartitionId partition, long sequence, int part, int parts, byte[] chunk) implements LogEntry {
    public PartEntry {
        requireNonNull(partition, "partition is null");
        requireNonNull(chunk, "chunk is null");
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence must be positive: " + sequence);
        }
        if (parts < 2 || part < 1 || part > parts) {
            throw new IllegalArgumentException("part " + part + " of " + parts + " is out of range");
        }
    }

    public boolean isLast() {
        return part == parts;
    }
}
