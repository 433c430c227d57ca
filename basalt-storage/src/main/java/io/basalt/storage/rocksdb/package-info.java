/**
 * The RocksDB storage engine: the durable {@link io.basalt.storage.StorageEngine}, and the only code in Basalt that
 * imports {@code org.rocksdb}. Owns the native database, its options, block cache and bloom filter, and every
 * native iterator and snapshot handed out, so that closing the engine can release them in a safe order.
 *
 * <p>Threads: this package starts no Java threads. RocksDB runs its own native flush and compaction threads,
 * which stop when the engine closes.
 */
package io.basalt.storage.rocksdb;
