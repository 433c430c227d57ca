package io.basalt.storage;

/**
 * An ordered key-value store. All methods are thread-safe.
 *
 * <p>Reads see every batch whose {@link #write} has returned. A batch is applied atomically: readers and
 * snapshots see all of it or none of it, and after a crash it is either wholly present or wholly absent.
 */
public interface StorageEngine extends AutoCloseable {
    /** The value stored under {@code key}, or null. */
    byte[] get(byte[] key);

    /**
     * Applies {@code batch} atomically. When {@code sync} is true, the batch (and every batch written before
     * it) is durable when this returns: it survives a process kill and a machine crash.
     */
    void write(WriteBatch batch, boolean sync);

    /** Makes every batch written so far durable. */
    void sync();

    /**
     * An iterator over the keys in {@code [lowerInclusive, upperExclusive)} of the current state. A null bound
     * means unbounded. The iterator starts unpositioned: call a seek method first.
     */
    StorageIterator iterator(byte[] lowerInclusive, byte[] upperExclusive);

    /** A consistent, read-only view of the current state; close it to release what it pins. */
    StorageSnapshot snapshot();

    /** Whether writes survive a restart of the process (false for the in-memory engine). */
    boolean isPersistent();

    /** Flushes and releases everything; the engine cannot be used afterwards. */
    @Override
    void close();
}
