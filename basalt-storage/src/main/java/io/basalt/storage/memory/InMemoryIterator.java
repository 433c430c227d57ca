package io.basalt.storage.memory;

import static java.util.Objects.requireNonNull;

import io.basalt.storage.StorageIterator;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;

/**
 * A cursor over one pinned sequence of a {@link VersionMap}. Versions newer than the pinned sequence are skipped,
 * so concurrent writes are invisible; the pin keeps pruning from removing what this cursor can still reach, and so
 * keeps the blocks of the current value from being freed and reused until {@link #close}.
 */
final class InMemoryIterator implements StorageIterator {
    private final VersionMap versions;
    private final long sequence;
    private final byte[] lowerInclusive;
    private final byte[] upperExclusive;
    private final OpenState engineState;
    private final Runnable releasePin;
    private byte[] currentKey;
    private VersionMap.Version currentVersion;
    /** Where the last positioning left off in the key order, and in which direction it walks. */
    private Iterator<Map.Entry<byte[], VersionMap.Chain>> cursor;
    private boolean forward;
    private boolean closed;

    InMemoryIterator(VersionMap versions, long sequence, byte[] lowerInclusive, byte[] upperExclusive,
            OpenState engineState, Runnable releasePin) {
        this.versions = requireNonNull(versions, "versions is null");
        this.sequence = sequence;
        this.lowerInclusive = lowerInclusive == null ? null : lowerInclusive.clone();
        this.upperExclusive = upperExclusive == null ? null : upperExclusive.clone();
        this.engineState = requireNonNull(engineState, "engineState is null");
        this.releasePin = requireNonNull(releasePin, "releasePin is null");
    }

    @Override
    public void seek(byte[] key) {
        requireNonNull(key, "key is null");
        checkOpen();
        byte[] start = VersionMap.isAtOrAfter(key, lowerInclusive) ? key : lowerInclusive;
        forwardFrom(versions.ascendingFrom(start, true));
    }

    @Override
    public void seekForPrev(byte[] key) {
        requireNonNull(key, "key is null");
        checkOpen();
        if (VersionMap.isBefore(key, upperExclusive)) {
            backwardFrom(versions.descendingFrom(key, true));
        } else {
            seekToLast();
        }
    }

    @Override
    public void seekToFirst() {
        checkOpen();
        forwardFrom(versions.ascendingFrom(lowerInclusive, true));
    }

    @Override
    public void seekToLast() {
        checkOpen();
        backwardFrom(versions.descendingFrom(upperExclusive, false));
    }

    @Override
    public boolean isValid() {
        checkOpen();
        return currentKey != null;
    }

    @Override
    public byte[] key() {
        checkPositioned();
        return currentKey.clone();
    }

    @Override
    public byte[] value() {
        checkPositioned();
        byte[] value = versions.read(currentVersion);
        if (value == null) {
            engineState.checkOpen();  // the engine closed after the check above: fail as if it closed before
            throw new IllegalStateException("the value of a pinned version is gone");
        }
        return value;
    }

    @Override
    public void next() {
        checkPositioned();
        forwardFrom(forward ? cursor : versions.ascendingFrom(currentKey, false));
    }

    @Override
    public void prev() {
        checkPositioned();
        backwardFrom(forward ? versions.descendingFrom(currentKey, false) : cursor);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            currentKey = null;
            currentVersion = null;
            cursor = null;
            releasePin.run();
        }
    }

    private void forwardFrom(Iterator<Map.Entry<byte[], VersionMap.Chain>> keys) {
        positionAtFirstVisible(keys, true);
    }

    private void backwardFrom(Iterator<Map.Entry<byte[], VersionMap.Chain>> keys) {
        positionAtFirstVisible(keys, false);
    }

    /**
     * Positions at the first key of {@code keys} that is visible at this cursor's sequence, stopping at the bound
     * the walk is heading for (the upper one when {@code ascending}, else the lower one).
     */
    private void positionAtFirstVisible(Iterator<Map.Entry<byte[], VersionMap.Chain>> keys, boolean ascending) {
        cursor = keys;
        forward = ascending;
        while (keys.hasNext()) {
            Map.Entry<byte[], VersionMap.Chain> entry = keys.next();
            boolean inside = ascending ? VersionMap.isBefore(entry.getKey(), upperExclusive)
                    : VersionMap.isAtOrAfter(entry.getKey(), lowerInclusive);
            if (!inside) {
                break;
            }
            VersionMap.Version version = entry.getValue().versionAt(sequence);
            if (version != null) {
                position(entry.getKey(), version);
                return;
            }
        }
        unposition();
    }

    private void position(byte[] key, VersionMap.Version version) {
        // An empty range ([x, y) with y <= x) has nothing inside it even if a key passes one bound check.
        if (!VersionMap.isAtOrAfter(key, lowerInclusive) || !VersionMap.isBefore(key, upperExclusive)) {
            unposition();
            return;
        }
        currentKey = key;
        currentVersion = version;
    }

    private void unposition() {
        currentKey = null;
        currentVersion = null;
    }

    private void checkOpen() {
        engineState.checkOpen();
        if (closed) {
            throw new IllegalStateException("iterator is closed");
        }
    }

    private void checkPositioned() {
        checkOpen();
        if (currentKey == null) {
            throw new IllegalStateException("iterator is not positioned on a key");
        }
    }

    @Override
    public String toString() {
        return "InMemoryIterator[sequence=" + sequence + ", at=" + Arrays.toString(currentKey) + "]";
    }
}
