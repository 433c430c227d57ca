package io.basalt.storage;

/**
 * A storage engine implementation, readable and writable: what a node opens and hands to the owner of its
 * replication group's state machine ({@code io.basalt.partition.apply.GroupStore}), which writes it and gives
 * everyone else its {@link StorageReader} view. All methods are thread-safe.
 */
public interface StorageEngine extends WritableStorage {
}
