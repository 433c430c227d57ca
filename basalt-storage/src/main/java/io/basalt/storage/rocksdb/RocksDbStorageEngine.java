package io.basalt.storage.rocksdb;

import static java.util.Objects.requireNonNull;

import io.basalt.storage.StorageEngine;
import io.basalt.storage.StorageException;
import io.basalt.storage.StorageInUseException;
import io.basalt.storage.StorageIterator;
import io.basalt.storage.StorageSnapshot;
import io.basalt.storage.WriteBatch;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.StampedLock;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.Checkpoint;
import org.rocksdb.CompressionType;
import org.rocksdb.FlushOptions;
import org.rocksdb.IndexType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;
import org.rocksdb.Status;
import org.rocksdb.WriteOptions;

/**
 * A durable {@link StorageEngine} on one RocksDB database (default column family, bytewise comparator, which is
 * the unsigned byte order the interface promises).
 *
 * <p>Native safety: every call into RocksDB, including the engine's iterators and snapshots, holds the read side
 * of {@code lifecycle}; {@link #close()} takes the write side, so it waits for calls in flight and then frees
 * iterators and snapshots the callers forgot, before the database itself. Nothing can reach a freed native
 * object afterwards: every later call fails with {@link IllegalStateException}.
 */
public final class RocksDbStorageEngine implements StorageEngine {
    private static final long MIN_BLOCK_CACHE_BYTES = 64L * 1024 * 1024;
    private static final long MAX_BLOCK_CACHE_BYTES = 1024L * 1024 * 1024;
    private static final double BLOOM_BITS_PER_KEY = 10;

    static {
        RocksDB.loadLibrary();
    }

    private final Path directory;
    private final RocksDB db;
    private final Options options;
    /** The block cache this engine owns and closes; null when it uses a node's shared one. */
    private final LRUCache blockCache;
    private final BloomFilter bloomFilter;
    private final WriteOptions syncedWrite;
    private final WriteOptions bufferedWrite;
    /** False for a replication group's store, whose log is Ratis' (docs/design/cluster.md §6.3). */
    private final boolean writeAheadLog;
    private final StampedLock lifecycle = new StampedLock();
    private final Set<RocksDbIterator> openIterators = ConcurrentHashMap.newKeySet();
    private final Set<RocksDbSnapshot> openSnapshots = ConcurrentHashMap.newKeySet();
    /** Guarded by lifecycle: written under its write lock, read under its read lock. */
    private boolean closed;

    private RocksDbStorageEngine(Path directory, RocksDB db, Options options, LRUCache blockCache,
            BloomFilter bloomFilter, boolean writeAheadLog) {
        this.directory = directory;
        this.db = db;
        this.options = options;
        this.blockCache = blockCache;
        this.bloomFilter = bloomFilter;
        this.writeAheadLog = writeAheadLog;
        this.syncedWrite = new WriteOptions().setSync(true);
        this.bufferedWrite = new WriteOptions().setSync(false).setDisableWAL(!writeAheadLog);
    }

    /** Opens (creating if needed) the database in {@code directory}, with its own block cache. */
    public static RocksDbStorageEngine open(Path directory) {
        return open(directory, null);
    }

    /**
     * Opens (creating if needed) the database in {@code directory}. With {@code shared} resources (one database per
     * replication group, docs/design/cluster.md §6.4) the block cache and the memtable budget are the node's, and
     * this engine does not close them; with null it has a cache of its own.
     */
    public static RocksDbStorageEngine open(Path directory, RocksDbResources shared) {
        return open(directory, shared, true);
    }

    /**
     * Opens the database in {@code directory}; with {@code writeAheadLog} false, RocksDB keeps no write-ahead log
     * of its own: for a replication group's store (docs/design/cluster.md §6.3), whose every write is the apply of
     * an entry already in the group's fsynced Raft log. After a crash such a store holds what its memtables had
     * flushed — a prefix of the applied entries, its applied index with them — and the group re-applies the rest
     * from its log (a checkpoint flushes first, and Ratis keeps its log after the latest checkpoint). Writing a
     * WAL nobody replays cost the state machine's apply about a sixth of its time (docs/benchmarks.md, s19). A sync
     * on such a store flushes its memtables.
     */
    public static RocksDbStorageEngine open(Path directory, RocksDbResources shared, boolean writeAheadLog) {
        requireNonNull(directory, "directory is null");
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new StorageException("cannot create storage directory " + directory, e);
        }
        LRUCache ownCache = shared == null ? new LRUCache(blockCacheBytes()) : null;
        Cache blockCache = shared == null ? ownCache : shared.blockCache();
        BloomFilter bloomFilter = new BloomFilter(BLOOM_BITS_PER_KEY);
        Options options = new Options()
                .setCreateIfMissing(true)
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setMaxBackgroundJobs(4)
                .setKeepLogFileNum(5)
                // Partitioned index and filters: a large table's index and Bloom filter blocks (about 100 MB for 10
                // million items) would not fit the block cache whole and would evict each other and the data; with
                // partitions only the small top level stays pinned and the partitions a read touches are cached
                // with priority. This keeps the cost of a point read flat as the table grows.
                .setTableFormatConfig(new BlockBasedTableConfig()
                        .setBlockCache(blockCache)
                        .setFilterPolicy(bloomFilter)
                        .setIndexType(IndexType.kTwoLevelIndexSearch)
                        .setPartitionFilters(true)
                        .setCacheIndexAndFilterBlocks(true)
                        .setCacheIndexAndFilterBlocksWithHighPriority(true)
                        .setPinTopLevelIndexAndFilter(true)
                        .setPinL0FilterAndIndexBlocksInCache(true));
        if (shared != null) {
            options.setWriteBufferManager(shared.writeBufferManager());
        }
        try {
            RocksDB db = RocksDB.open(options, directory.toString());
            return new RocksDbStorageEngine(directory, db, options, ownCache, bloomFilter, writeAheadLog);
        } catch (RocksDBException e) {
            options.close();
            bloomFilter.close();
            if (ownCache != null) {
                ownCache.close();
            }
            if (isLockHeld(e)) {
                throw new StorageInUseException(directory, directory.resolve("LOCK"), e);
            }
            throw new StorageException("cannot open RocksDB in " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether opening failed because the directory's {@code LOCK} file is locked: by another process ("While lock
     * file: DIR/LOCK: Resource temporarily unavailable") or by another engine of this one ("lock hold by current
     * process"), both IOError statuses of RocksDB's {@code DBImpl::Open}.
     */
    private static boolean isLockHeld(RocksDBException e) {
        String message = e.getMessage();
        return e.getStatus() != null && e.getStatus().getCode() == Status.Code.IOError && message != null
                && (message.contains("While lock file") || message.contains("lock hold by current process"));
    }

    /**
     * The block cache's capacity: a sixteenth of the machine's memory, at least 64 MiB and at most 1 GiB. The cache
     * only grows as blocks are read, so a small database never takes what a large one may use. The memory size
     * comes from {@code /proc/meminfo} (the management beans cost tens of milliseconds of start-up); where that
     * file is missing the cache keeps the minimum.
     */
    static long blockCacheBytes() {
        return Math.max(MIN_BLOCK_CACHE_BYTES, Math.min(MAX_BLOCK_CACHE_BYTES, physicalMemoryBytes() / 16));
    }

    private static long physicalMemoryBytes() {
        try (java.io.BufferedReader meminfo = Files.newBufferedReader(Path.of("/proc/meminfo"))) {
            for (String line = meminfo.readLine(); line != null; line = meminfo.readLine()) {
                if (line.startsWith("MemTotal:")) {
                    String[] fields = line.trim().split("\\s+");
                    return Long.parseLong(fields[1]) * 1024;  // "MemTotal:  24683660 kB"
                }
            }
        } catch (IOException | RuntimeException e) {
            // No /proc (not Linux) or an unexpected format: the minimum will do.
        }
        return 0;
    }

    @Override
    public byte[] get(byte[] key) {
        requireNonNull(key, "key is null");
        long stamp = enter();
        try {
            return db.get(key);
        } catch (RocksDBException e) {
            throw failure("get", e);
        } finally {
            exit(stamp);
        }
    }

    @Override
    public void write(WriteBatch batch, boolean sync) {
        requireNonNull(batch, "batch is null");
        if (batch.isEmpty()) {
            // RocksDB may skip the WAL entirely for an empty batch; the caller still asked for durability.
            if (sync) {
                sync();
            } else {
                exit(enter());
            }
            return;
        }
        long stamp = enter();
        try (org.rocksdb.WriteBatch nativeBatch = toNative(batch)) {
            db.write(sync && writeAheadLog ? syncedWrite : bufferedWrite, nativeBatch);
        } catch (RocksDBException e) {
            throw failure("write", e);
        } finally {
            exit(stamp);
        }
        if (sync && !writeAheadLog) {
            sync();
        }
    }

    @Override
    public void sync() {
        long stamp = enter();
        try {
            if (writeAheadLog) {
                db.flushWal(true);
            } else {
                try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
                    db.flush(flush);
                }
            }
        } catch (RocksDBException e) {
            throw failure("sync", e);
        } finally {
            exit(stamp);
        }
    }

    @Override
    public StorageIterator iterator(byte[] lowerInclusive, byte[] upperExclusive) {
        return newIterator(lowerInclusive, upperExclusive, null);
    }

    @Override
    public StorageSnapshot snapshot() {
        long stamp = enter();
        try {
            RocksDbSnapshot snapshot = new RocksDbSnapshot(this, db.getSnapshot());
            openSnapshots.add(snapshot);
            return snapshot;
        } finally {
            exit(stamp);
        }
    }

    @Override
    public boolean isPersistent() {
        return true;
    }

    /**
     * A RocksDB checkpoint: hard links to the live SST files plus copies of the small metadata files, after a flush
     * of the memtable, so the copy holds every batch written so far even though cluster writes are unsynced
     * (docs/design/cluster.md §6.5). The files are fsynced by RocksDB; the directory entry is fsynced here.
     */
    @Override
    public void checkpoint(Path target) {
        requireNonNull(target, "target is null");
        if (Files.exists(target)) {
            throw new StorageException("checkpoint directory already exists: " + target);
        }
        long stamp = enter();
        try (Checkpoint checkpoint = Checkpoint.create(db)) {
            Path parent = target.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            checkpoint.createCheckpoint(target.toString());
            fsyncDirectory(parent);
        } catch (RocksDBException e) {
            throw failure("checkpoint", e);
        } catch (IOException e) {
            throw new StorageException("cannot write a checkpoint to " + target, e);
        } finally {
            exit(stamp);
        }
    }

    private static void fsyncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    @Override
    public void close() {
        long stamp = lifecycle.writeLock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            // Iterators first: they may hold references to snapshots, and both must go before the database.
            for (RocksDbIterator iterator : List.copyOf(openIterators)) {
                iterator.release();
            }
            openIterators.clear();
            for (RocksDbSnapshot snapshot : List.copyOf(openSnapshots)) {
                snapshot.release();
            }
            openSnapshots.clear();
            closeNative();
        } finally {
            lifecycle.unlockWrite(stamp);
        }
    }

    @Override
    public String toString() {
        return "RocksDbStorageEngine[" + directory + "]";
    }

    /** Enters a native call: takes the lifecycle read lock, failing if the engine is closed. */
    long enter() {
        long stamp = lifecycle.readLock();
        if (closed) {
            lifecycle.unlockRead(stamp);
            throw new IllegalStateException("storage engine is closed");
        }
        return stamp;
    }

    void exit(long stamp) {
        lifecycle.unlockRead(stamp);
    }

    /** A point read with {@code readOptions}. Caller holds the lifecycle read lock. */
    byte[] read(ReadOptions readOptions, byte[] key) {
        try {
            return db.get(readOptions, key);
        } catch (RocksDBException e) {
            throw failure("get", e);
        }
    }

    StorageIterator newIterator(byte[] lowerInclusive, byte[] upperExclusive, RocksDbSnapshot snapshot) {
        long stamp = enter();
        try {
            if (snapshot != null) {
                snapshot.addReference();
            }
            if (lowerInclusive != null && upperExclusive != null
                    && Arrays.compareUnsigned(lowerInclusive, upperExclusive) >= 0) {
                if (snapshot != null) {
                    snapshot.dropReference();
                }
                return new EmptyIterator();
            }
            byte[] lower = lowerInclusive == null ? null : lowerInclusive.clone();
            byte[] upper = upperExclusive == null ? null : upperExclusive.clone();
            ReadOptions readOptions = new ReadOptions();
            Slice lowerSlice = lower == null ? null : new Slice(lower);
            Slice upperSlice = upper == null ? null : new Slice(upper);
            if (lowerSlice != null) {
                readOptions.setIterateLowerBound(lowerSlice);
            }
            if (upperSlice != null) {
                readOptions.setIterateUpperBound(upperSlice);
            }
            if (snapshot != null) {
                readOptions.setSnapshot(snapshot.nativeSnapshot());
            }
            RocksDbIterator iterator = new RocksDbIterator(this, db.newIterator(readOptions), readOptions,
                    lowerSlice, upperSlice, lower, upper, snapshot);
            openIterators.add(iterator);
            return iterator;
        } finally {
            exit(stamp);
        }
    }

    void closeIterator(RocksDbIterator iterator) {
        long stamp = lifecycle.readLock();
        try {
            // After engine close the iterator was already released with everything else.
            if (!closed) {
                iterator.release();
                openIterators.remove(iterator);
            }
        } finally {
            lifecycle.unlockRead(stamp);
        }
    }

    void dropSnapshotReference(RocksDbSnapshot snapshot) {
        long stamp = lifecycle.readLock();
        try {
            if (!closed) {
                snapshot.dropReference();
            }
        } finally {
            lifecycle.unlockRead(stamp);
        }
    }

    /** Called by the snapshot's release(), under the lifecycle lock. */
    void releaseSnapshot(RocksDbSnapshot owner, Snapshot snapshot) {
        db.releaseSnapshot(snapshot);
        openSnapshots.remove(owner);
    }

    /** The native batch, made in one JNI call from RocksDB's serialized form ({@link NativeBatch}). */
    private static org.rocksdb.WriteBatch toNative(WriteBatch batch) {
        return new org.rocksdb.WriteBatch(NativeBatch.encode(batch));
    }

    /** Closes the database, then the objects it was using; keeps going past failures and reports the first. */
    private void closeNative() {
        List<Exception> failures = new ArrayList<>();
        // With the write-ahead log on, RocksDB does not flush memtables on close (avoid_flush_during_shutdown only
        // concerns WAL-less writes): flush here, so that the next start does not replay up to a memtable's worth
        // of log before it can answer.
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
            db.flush(flush);
        } catch (RocksDBException | RuntimeException e) {
            failures.add(e);
        }
        try {
            db.closeE();
        } catch (RocksDBException | RuntimeException e) {
            failures.add(e);
        }
        List<AutoCloseable> resources = new ArrayList<>(List.of(syncedWrite, bufferedWrite, options, bloomFilter));
        if (blockCache != null) {
            resources.add(blockCache);
        }
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            StorageException failure = new StorageException("closing RocksDB in " + directory + " failed",
                    failures.get(0));
            failures.subList(1, failures.size()).forEach(failure::addSuppressed);
            throw failure;
        }
    }

    private StorageException failure(String operation, RocksDBException e) {
        return new StorageException("RocksDB " + operation + " failed in " + directory + ": " + e.getMessage(), e);
    }
}
