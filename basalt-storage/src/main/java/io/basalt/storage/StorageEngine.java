package io.basalt.storage;

import java.nio.file.Path;

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

    /**
     * Writes a consistent copy of the current state into {@code directory}, which must not exist yet, and makes it
     * durable before returning. The same engine kind opens the copy ({@code RocksDbStorageEngine.open} on the
     * directory, {@code InMemoryStorageEngine.restore} for the in-memory dump). A Raft group's snapshot is such a
     * checkpoint (docs/design/cluster.md §6.5).
     *
     * @throws StorageException when the copy cannot be written (nothing usable is left in {@code directory})
     */
    default void checkpoint(Path directory) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot write checkpoints");
    }

    /** Whether writes survive a restart of the process (false for the in-memory engine). */
    boolean isPersistent();

    /** Flushes and releases everything; the engine cannot be used afterwards. */
    @Override
    void close();
}
