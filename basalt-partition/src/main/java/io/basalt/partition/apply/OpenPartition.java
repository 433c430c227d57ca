package io.basalt.partition.apply;

import io.basalt.partition.PartitionDescriptor;
import io.basalt.storage.StorageIterator;
import io.basalt.storage.StorageReader;
import io.basalt.storage.WriteBatch;
import java.util.ArrayList;
import java.util.List;

/**
 * A partition a {@link GroupStateMachine} holds: its sequence as of the last applied entry, where its keys live, and
 * the staged parts of an oversized entry it is receiving (docs/design/cluster.md §5.3). Mutable; owned by its state
 * machine and read and changed only under that machine's lock (as is {@link GroupAdminStaging}'s use of it).
 */
final class OpenPartition {
    final PartitionDescriptor descriptor;
    /** The index ids whose item-space keys the partition writes besides its descriptor's own. */
    final int[] localIndexIds;
    long sequence;
    /** Whether storage holds staged parts of the partition (docs/design/cluster.md §5.3). */
    boolean staged;
    /** The sequence of the staged parts, and their chunks in part order (consecutive from part 1). */
    long stagedSequence;
    List<byte[]> stagedChunks = List.of();

    OpenPartition(PartitionDescriptor descriptor, int[] localIndexIds, long sequence) {
        this.descriptor = descriptor;
        this.localIndexIds = localIndexIds;
        this.sequence = sequence;
    }

    boolean ownsIndex(int indexId) {
        if (indexId == descriptor.indexId()) {
            return true;
        }
        for (int local : localIndexIds) {
            if (local == indexId) {
                return true;
            }
        }
        return false;
    }

    /** Rebuilds what the partition has staged from storage, so that every member knows the same after a restart. */
    void loadStagedParts(StorageReader storage) {
        List<byte[]> chunks = new ArrayList<>();
        try (StorageIterator iterator = storage.iterator(PartStaging.start(descriptor.id()),
                PartStaging.end(descriptor.id()))) {
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                byte[] key = iterator.key();
                if (!staged) {
                    staged = true;
                    stagedSequence = PartStaging.sequenceOf(key);
                }
                // Only a run of consecutive parts of one sequence can be continued; anything else is discarded
                // by the partition's next entry.
                if (PartStaging.sequenceOf(key) == stagedSequence && PartStaging.partOf(key) == chunks.size() + 1) {
                    chunks.add(iterator.value());
                }
            }
        }
        stagedChunks = chunks;
    }

    /** Deletes the staged parts in {@code batch} and forgets them. */
    void discardStagedParts(WriteBatch batch) {
        batch.deleteRange(PartStaging.start(descriptor.id()), PartStaging.end(descriptor.id()));
        staged = false;
        stagedSequence = 0;
        stagedChunks = List.of();
    }
}
