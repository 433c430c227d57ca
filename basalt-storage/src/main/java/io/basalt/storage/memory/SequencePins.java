package io.basalt.storage.memory;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The sequences that open snapshots and iterators read at, with a count per sequence. Pinning and computing the
 * pruning horizon share one monitor, so a reader can never pin a sequence older than a horizon already handed to
 * the pruner: whatever pins after the horizon was computed pins the published sequence, which only grows.
 */
final class SequencePins {
    private final TreeMap<Long, Integer> countBySequence = new TreeMap<>();
    private final LongSupplier publishedSequence;

    SequencePins(LongSupplier publishedSequence) {
        this.publishedSequence = publishedSequence;
    }

    /** Pins the latest published sequence and returns it. */
    synchronized long pinLatest() {
        long sequence = publishedSequence.getAsLong();
        countBySequence.merge(sequence, 1, Integer::sum);
        return sequence;
    }

    /** Adds one more pin on a sequence the caller already holds pinned. */
    synchronized void pinAgain(long sequence) {
        if (!countBySequence.containsKey(sequence)) {
            throw new IllegalStateException("sequence " + sequence + " is not pinned");
        }
        countBySequence.merge(sequence, 1, Integer::sum);
    }

    synchronized void unpin(long sequence) {
        countBySequence.computeIfPresent(sequence, (pinned, count) -> count == 1 ? null : count - 1);
    }

    /**
     * Runs {@code change} if no reader is pinned, while none can pin (a reader that pins afterwards pins what
     * {@code change} published); returns whether it ran.
     */
    synchronized boolean whileUnpinned(Runnable change) {
        if (!countBySequence.isEmpty()) {
            return false;
        }
        change.run();
        return true;
    }

    /** The oldest sequence any current or future reader can read at. */
    synchronized long horizon() {
        long published = publishedSequence.getAsLong();
        Map.Entry<Long, Integer> oldest = countBySequence.firstEntry();
        return oldest == null ? published : Math.min(oldest.getKey(), published);
    }
}
