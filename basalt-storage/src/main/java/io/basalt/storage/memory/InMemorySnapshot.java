package io.basalt.storage.memory;

import static java.util.Objects.requireNonNull;

import io.basalt.storage.StorageIterator;
import io.basalt.storage.StorageSnapshot;

/**
 * A pinned sequence of the in-memory engine. Its iterators take their own pin on the same sequence, so they stay
 * correct if the snapshot is closed before them.
 */
final class InMemorySnapshot implements StorageSnapshot {
    private final VersionMap versions;
    private final long sequence;
    private final OpenState engineState;
    private final SequencePins pins;
    private final Runnable afterUnpin;
    private volatile boolean closed;

    InMemorySnapshot(VersionMap versions, long sequence, OpenState engineState, SequencePins pins,
            Runnable afterUnpin) {
        this.versions = requireNonNull(versions, "versions is null");
        this.sequence = sequence;
        this.engineState = requireNonNull(engineState, "engineState is null");
        this.pins = requireNonNull(pins, "pins is null");
        this.afterUnpin = requireNonNull(afterUnpin, "afterUnpin is null");
    }

    @Override
    public byte[] get(byte[] key) {
        requireNonNull(key, "key is null");
        checkOpen();
        byte[] value = versions.valueAt(key, sequence);
        // Pruning for this sequence can only start after close() set the flag, so re-checking it afterwards
        // proves the read raced with no pruning it depended on.
        checkOpen();
        return value == null ? null : value.clone();
    }

    @Override
    public synchronized StorageIterator iterator(byte[] lowerInclusive, byte[] upperExclusive) {
        checkOpen();
        pins.pinAgain(sequence);
        return new InMemoryIterator(versions, sequence, lowerInclusive, upperExclusive, engineState, this::unpin);
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            unpin();
        }
    }

    private void unpin() {
        pins.unpin(sequence);
        afterUnpin.run();
    }

    private void checkOpen() {
        engineState.checkOpen();
        if (closed) {
            throw new IllegalStateException("snapshot is closed");
        }
    }
}
