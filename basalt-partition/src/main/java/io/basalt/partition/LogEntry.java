package io.basalt.partition;

import static java.util.Objects.requireNonNull;

import io.basalt.storage.WriteBatch;

/**
 * One entry of a partition's log: the already-evaluated result of a write (new item images and the partition's
 * new metadata) as a storage batch. Replicas apply it as it is and never re-evaluate the request, so they cannot
 * disagree.
 *
 * @param index the entry's position in the partition's log, from 1, without gaps
 */
public record LogEntry(PartitionId partition, long index, WriteBatch batch) {
    public LogEntry {
        requireNonNull(partition, "partition is null");
        requireNonNull(batch, "batch is null");
        if (index < 1) {
            throw new IllegalArgumentException("log index must be positive: " + index);
        }
    }
}
