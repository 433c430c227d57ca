package io.basalt.storage;

import java.nio.file.Path;

/**
 * A storage engine implementation, readable and writable: what a node opens and hands to the owner of its
 * replication group's state machine ({@code io.basalt.partition.apply.GroupStore}), which writes it and gives
 * everyone else its {@link StorageReader} view. All methods are thread-safe.
 */
public interface StorageEngine extends WritableStorage {
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
}
