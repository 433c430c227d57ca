package io.basalt.storage.memory;

import static java.util.Objects.requireNonNull;

import io.basalt.storage.StorageIterator;
import io.basalt.storage.StorageSnapshot;
import java.lang.invoke.VarHandle;

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
        VersionMap.Version version = versions.versionAt(key, sequence);
        byte[] value = version == null ? null : versions.read(version);
        // Pruning for this sequence (which frees blocks that later writes reuse) can only start after close() set
        // the flag, so re-checking it after the copy proves the copy raced with no pruning it depended on. The
        // fence keeps the copy's loads from moving below the re-check, as StampedLock.validate does.
        VarHandle.acquireFence();
        checkOpen();
        if (version != null && value == null) {
            throw new IllegalStateException("the value of a pinned version is gone");
        }
        return value;
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
