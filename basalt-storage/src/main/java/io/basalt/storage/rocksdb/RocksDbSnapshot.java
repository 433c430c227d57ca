package io.basalt.storage.rocksdb;

import static java.util.Objects.requireNonNull;

import io.basalt.storage.StorageIterator;
import io.basalt.storage.StorageSnapshot;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.rocksdb.ReadOptions;
import org.rocksdb.Snapshot;

/**
 * A native RocksDB snapshot, reference counted: the owner holds one reference, and each read in flight and each
 * iterator opened from it hold one more. The native snapshot is released when the last reference goes (or when
 * the engine closes), so closing the snapshot before its iterators is safe, and so is a read racing close().
 */
final class RocksDbSnapshot implements StorageSnapshot {
    private final RocksDbStorageEngine engine;
    private final Snapshot snapshot;
    private final ReadOptions readOptions;
    private final AtomicInteger references = new AtomicInteger(1);
    private final AtomicBoolean closedByOwner = new AtomicBoolean();
    private boolean released;

    RocksDbSnapshot(RocksDbStorageEngine engine, Snapshot snapshot) {
        this.engine = requireNonNull(engine, "engine is null");
        this.snapshot = requireNonNull(snapshot, "snapshot is null");
        this.readOptions = new ReadOptions().setSnapshot(snapshot);
    }

    @Override
    public byte[] get(byte[] key) {
        requireNonNull(key, "key is null");
        long stamp = engine.enter();
        try {
            addReference();
            try {
                return engine.read(readOptions, key);
            } finally {
                dropReference();
            }
        } finally {
            engine.exit(stamp);
        }
    }

    @Override
    public StorageIterator iterator(byte[] lowerInclusive, byte[] upperExclusive) {
        return engine.newIterator(lowerInclusive, upperExclusive, this);
    }

    @Override
    public void close() {
        if (closedByOwner.compareAndSet(false, true)) {
            engine.dropSnapshotReference(this);
        }
    }

    /** Takes a reference for a read or an iterator; fails once the owner has closed the snapshot. */
    void addReference() {
        int current;
        do {
            current = references.get();
            // Zero means the native snapshot is gone; it must never be revived.
            if (current == 0 || closedByOwner.get()) {
                throw new IllegalStateException("snapshot is closed");
            }
        } while (!references.compareAndSet(current, current + 1));
    }

    /** Drops a reference, releasing the native snapshot with the last one. Caller holds the lifecycle lock. */
    void dropReference() {
        if (references.decrementAndGet() == 0) {
            release();
        }
    }

    Snapshot nativeSnapshot() {
        return snapshot;
    }

    /** Frees the native snapshot. Caller holds the engine's lifecycle lock (read or write). Idempotent. */
    synchronized void release() {
        if (released) {
            return;
        }
        released = true;
        readOptions.close();
        engine.releaseSnapshot(this, snapshot);
    }
}
