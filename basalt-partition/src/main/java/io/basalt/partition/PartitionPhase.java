package io.basalt.partition;

/**
 * Where a partition is in its life (docs/design/cluster.md §4.1). Part of the on-disk format (stored by tag in
 * {@link PartitionDescriptor}'s codec): tags are never reordered or reused.
 */
public enum PartitionPhase {
    /** Serving its hash range. */
    OPEN(1),
    /** Its table or index is being dropped; its data goes with the drop. */
    DROPPING(2);

    private final int tag;

    PartitionPhase(int tag) {
        this.tag = tag;
    }

    int tag() {
        return tag;
    }

    static PartitionPhase ofTag(int tag) {
        for (PartitionPhase phase : values()) {
            if (phase.tag == tag) {
                return phase;
            }
        }
        throw new IllegalStateException("unknown partition phase tag " + tag);
    }
}
