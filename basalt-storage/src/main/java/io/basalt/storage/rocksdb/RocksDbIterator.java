package io.basalt.storage.rocksdb;

import static java.util.Objects.requireNonNull;

import io.basalt.storage.StorageException;
import io.basalt.storage.StorageIterator;
import java.util.Arrays;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

/**
 * A native RocksDB iterator with the options and bound slices it points into; they live and die together. Every
 * call runs inside the engine's lifecycle read lock, so the engine can never free the native objects under a
 * call, and a forgotten iterator is released when the engine closes.
 */
final class RocksDbIterator implements StorageIterator {
    private final RocksDbStorageEngine engine;
    private final RocksIterator iterator;
    private final ReadOptions readOptions;
    private final Slice lowerSlice;
    private final Slice upperSlice;
    private final byte[] lowerInclusive;
    private final byte[] upperExclusive;
    private final RocksDbSnapshot snapshot;
    /** Set by the owner's close() or by the engine's close(); both hold the lifecycle lock. */
    private boolean released;

    RocksDbIterator(RocksDbStorageEngine engine, RocksIterator iterator, ReadOptions readOptions, Slice lowerSlice,
            Slice upperSlice, byte[] lowerInclusive, byte[] upperExclusive, RocksDbSnapshot snapshot) {
        this.engine = requireNonNull(engine, "engine is null");
        this.iterator = requireNonNull(iterator, "iterator is null");
        this.readOptions = requireNonNull(readOptions, "readOptions is null");
        this.lowerSlice = lowerSlice;
        this.upperSlice = upperSlice;
        this.lowerInclusive = lowerInclusive;
        this.upperExclusive = upperExclusive;
        this.snapshot = snapshot;
    }

    @Override
    public void seek(byte[] key) {
        requireNonNull(key, "key is null");
        long stamp = enter();
        try {
            boolean belowLower = lowerInclusive != null && Arrays.compareUnsigned(key, lowerInclusive) < 0;
            iterator.seek(belowLower ? lowerInclusive : key);
        } finally {
            engine.exit(stamp);
        }
    }

    @Override
    public void seekForPrev(byte[] key) {
        requireNonNull(key, "key is null");
        long stamp = enter();
        try {
            if (upperExclusive != null && Arrays.compareUnsigned(key, upperExclusive) >= 0) {
                iterator.seekToLast();
            } else {
                iterator.seekForPrev(key);
            }
        } finally {
            engine.exit(stamp);
        }
    }

    @Override
    public void seekToFirst() {
        long stamp = enter();
        try {
            iterator.seekToFirst();
        } finally {
            engine.exit(stamp);
        }
    }

    @Override
    public void seekToLast() {
        long stamp = enter();
        try {
            iterator.seekToLast();
        } finally {
            engine.exit(stamp);
        }
    }

    @Override
    public boolean isValid() {
        long stamp = enter();
        try {
            return checkedIsValid();
        } finally {
            engine.exit(stamp);
        }
    }

    @Override
    public byte[] key() {
        long stamp = enterPositioned();
        try {
            return iterator.key();
        } finally {
            engine.exit(stamp);
        }
    }

    @Override
    public byte[] value() {
        long stamp = enterPositioned();
        try {
            return iterator.value();
        } finally {
            engine.exit(stamp);
        }
    }

    @Override
    public void next() {
        long stamp = enterPositioned();
        try {
            iterator.next();
        } finally {
            engine.exit(stamp);
        }
    }

    @Override
    public void prev() {
        long stamp = enterPositioned();
        try {
            iterator.prev();
        } finally {
            engine.exit(stamp);
        }
    }

    @Override
    public void close() {
        engine.closeIterator(this);
    }

    /** Frees the native objects. Caller holds the engine's lifecycle lock (read or write). Idempotent. */
    void release() {
        if (released) {
            return;
        }
        released = true;
        iterator.close();
        readOptions.close();
        if (lowerSlice != null) {
            lowerSlice.close();
        }
        if (upperSlice != null) {
            upperSlice.close();
        }
        if (snapshot != null) {
            snapshot.dropReference();
        }
    }

    private long enter() {
        long stamp = engine.enter();
        if (released) {
            engine.exit(stamp);
            throw new IllegalStateException("iterator is closed");
        }
        return stamp;
    }

    private long enterPositioned() {
        long stamp = enter();
        boolean positioned = false;
        try {
            positioned = checkedIsValid();
        } finally {
            if (!positioned) {
                engine.exit(stamp);
            }
        }
        if (!positioned) {
            throw new IllegalStateException("iterator is not positioned on a key");
        }
        return stamp;
    }

    /** RocksDB reports read errors only through status() once the iterator turns invalid. */
    private boolean checkedIsValid() {
        if (iterator.isValid()) {
            return true;
        }
        try {
            iterator.status();
        } catch (RocksDBException e) {
            throw new StorageException("RocksDB iterator failed: " + e.getMessage(), e);
        }
        return false;
    }
}
