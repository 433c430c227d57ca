package io.basalt.storage.rocksdb;

import static java.util.Objects.requireNonNull;

import io.basalt.storage.StorageIterator;

/**
 * The iterator of a range with no keys in it ({@code upper <= lower}). Kept out of RocksDB because inverted
 * iterate bounds are not a state RocksDB promises to handle.
 */
final class EmptyIterator implements StorageIterator {
    private boolean closed;

    @Override
    public void seek(byte[] key) {
        requireNonNull(key, "key is null");
        checkOpen();
    }

    @Override
    public void seekForPrev(byte[] key) {
        requireNonNull(key, "key is null");
        checkOpen();
    }

    @Override
    public void seekToFirst() {
        checkOpen();
    }

    @Override
    public void seekToLast() {
        checkOpen();
    }

    @Override
    public boolean isValid() {
        checkOpen();
        return false;
    }

    @Override
    public byte[] key() {
        throw new IllegalStateException("iterator is not positioned on a key");
    }

    @Override
    public byte[] value() {
        throw new IllegalStateException("iterator is not positioned on a key");
    }

    @Override
    public void next() {
        throw new IllegalStateException("iterator is not positioned on a key");
    }

    @Override
    public void prev() {
        throw new IllegalStateException("iterator is not positioned on a key");
    }

    @Override
    public void close() {
        closed = true;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("iterator is closed");
        }
    }
}
