package io.basalt.replication;

import io.basalt.storage.StorageEngine;
import io.basalt.storage.StorageIterator;
import io.basalt.storage.StorageSnapshot;
import io.basalt.storage.WriteBatch;
import io.basalt.storage.memory.InMemoryStorageEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory engine that counts and records its writes, can be slowed down (a stand-in for fsync latency) and
 * can be made to fail.
 */
final class FakeStorage implements StorageEngine {
    private final InMemoryStorageEngine delegate = new InMemoryStorageEngine();
    private final AtomicInteger writes = new AtomicInteger();
    private final List<WriteBatch> batches = new ArrayList<>();
    private final List<Boolean> syncFlags = new ArrayList<>();
    private volatile long syncDelayMillis;
    private volatile RuntimeException failure;

    /** Every later synced write takes this long, as an fsync would. */
    FakeStorage syncDelay(long millis) {
        this.syncDelayMillis = millis;
        return this;
    }

    /** Every later write throws {@code e}. */
    void failWith(RuntimeException e) {
        this.failure = e;
    }

    int writes() {
        return writes.get();
    }

    synchronized List<WriteBatch> batches() {
        return new ArrayList<>(batches);
    }

    synchronized List<Boolean> syncFlags() {
        return new ArrayList<>(syncFlags);
    }

    @Override
    public byte[] get(byte[] key) {
        return delegate.get(key);
    }

    @Override
    public void write(WriteBatch batch, boolean sync) {
        writes.incrementAndGet();
        RuntimeException failing = failure;
        if (failing != null) {
            throw failing;
        }
        if (sync && syncDelayMillis > 0) {
            try {
                Thread.sleep(syncDelayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        delegate.write(batch, sync);
        synchronized (this) {
            // A copy: like a real engine, the caller may reuse the batch once written.
            batches.add(new WriteBatch(batch.size()).addAll(batch));
            syncFlags.add(sync);
        }
    }

    @Override
    public void sync() {
        delegate.sync();
    }

    @Override
    public StorageIterator iterator(byte[] lowerInclusive, byte[] upperExclusive) {
        return delegate.iterator(lowerInclusive, upperExclusive);
    }

    @Override
    public StorageSnapshot snapshot() {
        return delegate.snapshot();
    }

    @Override
    public boolean isPersistent() {
        return false;
    }

    @Override
    public void close() {
        delegate.close();
    }
}
