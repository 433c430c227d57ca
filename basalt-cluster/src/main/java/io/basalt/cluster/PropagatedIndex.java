package io.basalt.cluster;

import io.basalt.model.SecondaryIndex;
import io.basalt.partition.GlobalIndexBatch;
import io.basalt.partition.IndexMaintainer;
import io.basalt.partition.IndexPosition;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One global index as one base partition's {@link GlobalIndexPropagator} feeds it: the index's partitions, the
 * position each acknowledged for this source, and where a backfill is. Confined to the propagator's executor.
 */
final class PropagatedIndex {
    final SecondaryIndex index;
    final IndexMaintainer maintainer;
    final List<PartitionDescriptor> partitions;
    /** Per index partition (in the order of {@link #partitions}), the position it acknowledged. */
    final IndexPosition[] positions;
    /** Complete when it started to be followed (not being added). */
    final boolean steady;
    GlobalIndexPropagator.Mode mode;
    byte[] backfillFrom;
    long asOf;
    int nextChunk;
    /** After a backfill, the log index the replay must reach before the backfill is reported; -1 when none. */
    long catchUpTo = -1;

    PropagatedIndex(IndexMaintainer maintainer, List<PartitionDescriptor> partitions, GlobalIndexPropagator.Mode mode,
            boolean steady) {
        this.index = maintainer.index();
        this.maintainer = maintainer;
        this.partitions = List.copyOf(partitions);
        if (this.partitions.isEmpty()) {
            throw new IllegalArgumentException("global index " + index.name() + " has no partitions");
        }
        this.positions = new IndexPosition[this.partitions.size()];
        Arrays.fill(positions, IndexPosition.START);
        this.mode = mode;
        this.steady = steady;
    }

    IndexPosition min() {
        IndexPosition min = positions[0];
        for (IndexPosition position : positions) {
            if (min.isAfter(position)) {
                min = position;
            }
        }
        return min;
    }

    IndexPosition max() {
        IndexPosition max = positions[0];
        for (IndexPosition position : positions) {
            max = IndexPosition.max(max, position);
        }
        return max;
    }

    /** The index partition (its position in {@link #partitions}) that owns an entry key. */
    int partitionOf(byte[] entryKey) {
        long hash = KeyLayout.readLong(entryKey, 11);
        for (int i = 0; i < partitions.size(); i++) {
            if (partitions.get(i).owns(hash)) {
                return i;
            }
        }
        throw new IllegalStateException("no partition of index " + index.name() + " owns hash "
                + Long.toHexString(hash));
    }

    @SuppressWarnings("unchecked")
    List<GlobalIndexBatch.Tagged>[] emptyShares() {
        List<GlobalIndexBatch.Tagged>[] shares = new List[partitions.size()];
        for (int i = 0; i < shares.length; i++) {
            shares[i] = new ArrayList<>();
        }
        return shares;
    }
}
