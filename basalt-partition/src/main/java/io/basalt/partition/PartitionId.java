package io.basalt.partition;

/**
 * A partition's stable 64-bit id (docs/design/cluster.md §4.1): allocated once, never reused, never renumbered.
 * A split gives its children new ids and records the parent in their {@link PartitionDescriptor}s, so keys scoped
 * to a partition (its record, change records, index states, prepare records) never move. Which table and hash
 * range the partition holds is its descriptor's business.
 */
public record PartitionId(long value) {
    public PartitionId {
        if (value < 1) {
            throw new IllegalArgumentException("partition id must be positive: " + value);
        }
    }

    @Override
    public String toString() {
        return Long.toString(value);
    }
}
