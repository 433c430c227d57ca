package io.basalt.partition;

import java.util.List;

/**
 * The partitions of one table (or one global index), in hash order, covering the whole hash space without gap or
 * overlap: the slice of the {@link PartitionMap} a request routes through. Immutable; a lookup is a binary search
 * over the ranges' first hashes and allocates nothing.
 */
public final class PartitionRanges {
    private final List<PartitionDescriptor> descriptors;
    private final long[] firstHashes;

    PartitionRanges(List<PartitionDescriptor> descriptors) {
        this.descriptors = List.copyOf(descriptors);
        PartitionMap.checkCoverage(this.descriptors);
        this.firstHashes = new long[this.descriptors.size()];
        for (int i = 0; i < firstHashes.length; i++) {
            // Flipping the sign bit turns unsigned order into signed order, so the search compares plain longs.
            firstHashes[i] = this.descriptors.get(i).hashFirst() ^ Long.MIN_VALUE;
        }
    }

    /** The position (in hash order) of the partition that owns {@code hash}: the last one starting at or before it. */
    public int positionOf(long hash) {
        long key = hash ^ Long.MIN_VALUE;
        int low = 1;
        int high = firstHashes.length - 1;
        // firstHashes[0] is the smallest hash, so the answer is at least 0: find the last start <= key.
        int found = 0;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            if (firstHashes[middle] <= key) {
                found = middle;
                low = middle + 1;
            } else {
                high = middle - 1;
            }
        }
        return found;
    }

    /** The partition that owns {@code hash}. */
    public PartitionDescriptor locate(long hash) {
        return descriptors.get(positionOf(hash));
    }

    public PartitionDescriptor get(int position) {
        return descriptors.get(position);
    }

    public int size() {
        return descriptors.size();
    }

    /** The descriptors in hash order. */
    public List<PartitionDescriptor> descriptors() {
        return descriptors;
    }
}
