/**
 * The storage engine interface: an ordered byte-key/byte-value store with atomic write batches, point reads,
 * bounded iterators, consistent snapshots and durable (synced) writes. It cannot see any backend; the
 * implementations are {@link io.basalt.storage.memory.InMemoryStorageEngine} and
 * {@link io.basalt.storage.rocksdb.RocksDbStorageEngine} (the only code that imports RocksDB).
 *
 * <p>Keys compare as unsigned byte strings. Higher layers own what the bytes mean (see the partition module's
 * key layout).
 */
package io.basalt.storage;
