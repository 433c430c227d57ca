package io.basalt.partition;

/**
 * How far a global index has applied one source (base) partition's changes (cluster.md §15): the source's
 * sequence, and within it a sub-position. Positions compare as (sequence, sub). A change record's operations are
 * all tagged {@code (sequence, 0)}: a record is applied whole, in one batch, so a transaction's changes on one
 * partition reach the index together. A backfill that copies the partition as of sequence {@code s} tags its chunks
 * {@code (s, chunk number)} from 1: every chunk sorts after the records it already reflects and before the change
 * records after {@code s}, so a chunk that arrives after any of them is stale and skipped.
 */
public record IndexPosition(long sequence, int sub) implements Comparable<IndexPosition> {
    /** Nothing applied. */
    public static final IndexPosition START = new IndexPosition(0, 0);

    public IndexPosition {
        if (sequence < 0 || sub < 0) {
            throw new IllegalArgumentException("negative index position: " + sequence + "/" + sub);
        }
    }

    @Override
    public int compareTo(IndexPosition other) {
        int bySequence = Long.compare(sequence, other.sequence);
        return bySequence != 0 ? bySequence : Integer.compare(sub, other.sub);
    }

    public boolean isAfter(IndexPosition other) {
        return compareTo(other) > 0;
    }

    public static IndexPosition max(IndexPosition a, IndexPosition b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
