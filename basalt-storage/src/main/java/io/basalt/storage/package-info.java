/**
 * The storage engine interface: an ordered byte-key/byte-value store with atomic write batches, point reads,
 * bounded iterators, consistent snapshots and durable (synced) writes, split into a read view
 * ({@link io.basalt.storage.StorageReader}, for everyone) and a writer ({@link io.basalt.storage.WritableStorage},
 * for a replication group's state machine only: docs/design/cluster.md §16). It cannot see any backend; the
 * implementations are {@link io.basalt.storage.memory.InMemoryStorageEngine} and
 * {@link io.basalt.storage.rocksdb.RocksDbStorageEngine} (the only code that imports RocksDB).
 *
 * <p>Keys compare as unsigned byte strings. Higher layers own what the bytes mean (see the partition module's
 * key layout).
 */
package io.basalt.storage;
