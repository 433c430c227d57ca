package io.basalt.cluster;

/**
 * How far a global secondary index is behind its table (on one partition, or summed over all).
 *
 * @param pendingChanges the table writes not yet applied to the index
 * @param ageMillis how long ago the oldest of them was written (0 when none)
 * @param backfilled whether the table's items that predate the index are all in it
 */
public record IndexLag(long pendingChanges, long ageMillis, boolean backfilled) {
    public static final IndexLag NONE = new IndexLag(0, 0, true);

    /** The lag of the whole index from the lags of two of its parts. */
    public IndexLag plus(IndexLag other) {
        return new IndexLag(pendingChanges + other.pendingChanges, Math.max(ageMillis, other.ageMillis),
                backfilled && other.backfilled);
    }
}
