package io.basalt.storage.rocksdb;

import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

/**
 * What the RocksDB instances of one node share when the node hosts one database per replication group
 * (docs/design/cluster.md §6.4): one block cache and one write-buffer manager, which bounds every group's memtables
 * together (charged to the cache, so the two budgets are one), and the default environment's background threads.
 * Close it after every engine opened with it.
 *
 * @see RocksDbStorageEngine#open(java.nio.file.Path, RocksDbResources)
 */
public final class RocksDbResources implements AutoCloseable {
    /** The whole node's memtable budget by default. */
    public static final long DEFAULT_WRITE_BUFFER_BYTES = 64L * 1024 * 1024;

    static {
        RocksDB.loadLibrary();
    }

    private final LRUCache blockCache;
    private final WriteBufferManager writeBufferManager;
    private final long writeBufferBytes;

    private RocksDbResources(long blockCacheBytes, long writeBufferBytes) {
        this.blockCache = new LRUCache(blockCacheBytes);
        this.writeBufferManager = new WriteBufferManager(writeBufferBytes, blockCache);
        this.writeBufferBytes = writeBufferBytes;
    }

    /** The node's defaults: the single-node engine's block cache size and {@link #DEFAULT_WRITE_BUFFER_BYTES}. */
    public static RocksDbResources createDefault() {
        return create(RocksDbStorageEngine.blockCacheBytes(), DEFAULT_WRITE_BUFFER_BYTES);
    }

    public static RocksDbResources create(long blockCacheBytes, long writeBufferBytes) {
        if (blockCacheBytes <= 0 || writeBufferBytes <= 0) {
            throw new IllegalArgumentException("sizes must be positive: " + blockCacheBytes + ", "
                    + writeBufferBytes);
        }
        return new RocksDbResources(blockCacheBytes, writeBufferBytes);
    }

    Cache blockCache() {
        return blockCache;
    }

    WriteBufferManager writeBufferManager() {
        return writeBufferManager;
    }

    public long writeBufferBytes() {
        return writeBufferBytes;
    }

    @Override
    public void close() {
        writeBufferManager.close();
        blockCache.close();
    }
}
