package io.basalt.storage;

/** A consistent, read-only view of a {@link StorageEngine} at one point in time. Thread-safe. */
public interface StorageSnapshot extends AutoCloseable {
    /** The value stored under {@code key} in this view, or null. */
    byte[] get(byte[] key);

    /** An iterator over {@code [lowerInclusive, upperExclusive)} of this view (null bound: unbounded). */
    StorageIterator iterator(byte[] lowerInclusive, byte[] upperExclusive);

    @Override
    void close();
}
