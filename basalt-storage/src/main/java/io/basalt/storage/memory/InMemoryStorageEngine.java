package io.basalt.storage.memory;

import static java.util.Objects.requireNonNull;

import io.basalt.storage.StorageDump;
import io.basalt.storage.StorageEngine;
import io.basalt.storage.StorageIterator;
import io.basalt.storage.StorageSnapshot;
import io.basalt.storage.WriteBatch;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.StampedLock;

/**
 * A {@link StorageEngine} kept entirely in memory, built as a multi-version store.
 *
 * <p>Every committed batch gets the next sequence number. Its versions are inserted under that sequence while
 * readers still read at the previous one, then the sequence is published with one volatile write: that write is
 * the instant the whole batch becomes visible, which makes batches atomic to readers. A snapshot is just a pinned
 * sequence, so taking one is O(1); live iterators pin the published sequence too, which makes them consistent
 * views exactly like the RocksDB engine's iterators.
 *
 * <p>Versions that no pinned or future reader can see are pruned after each commit (and opportunistically when a
 * pin is released), so memory stays proportional to live data plus what open snapshots hold. An iterator or
 * snapshot that is never closed keeps its versions forever: close them.
 *
 * <p>Values live off the Java heap, in slabs of direct memory ({@link SlabAllocator}); a pruned version's blocks
 * are freed and reused by later writes. Readers therefore copy a value out only where they can prove it was not
 * pruned during the copy: live point reads validate against {@code pruneLock}, snapshots and iterators hold a pin.
 * The argument is written out in docs/design/in-memory-values.md. The direct memory counts against
 * {@code -XX:MaxDirectMemorySize}; it is given back when the engine is closed.
 *
 * <p>Threads: any thread may call any method. Committers are serialized by {@code commitLock}, which also owns
 * the prune queue and the allocator, and is the only place pruning runs. Point reads on the live state (one hash
 * lookup, see {@link VersionMap}) are optimistic against {@code pruneLock} and retry under its read lock if a
 * prune overlapped them.
 */
public final class InMemoryStorageEngine implements StorageEngine {
    private final VersionMap versions = new VersionMap();
    private final OpenState state = new OpenState();
    private final ReentrantLock commitLock = new ReentrantLock();
    private final StampedLock pruneLock = new StampedLock();
    /** Keys written at a sequence, waiting until no reader can see their older versions. Guarded by commitLock. */
    private final ArrayDeque<VersionedKey> pruneQueue = new ArrayDeque<>();
    /** The newest sequence readers may see. Written only under commitLock. */
    private volatile long publishedSequence;
    private final SequencePins pins = new SequencePins(() -> publishedSequence);

    /**
     * Reads optimistically: the copy out of the value's blocks is kept only if no prune ran meanwhile. Blocks are
     * freed only by pruning, under the write lock, so a successful validation proves that the version found was
     * not pruned and its blocks were neither freed nor reused by a later write while they were copied. A version
     * pruned before the read began cannot be found: pruning cuts it off every chain first, and the published
     * sequence read here is at or above the horizon it was pruned at.
     */
    @Override
    public byte[] get(byte[] key) {
        requireNonNull(key, "key is null");
        state.checkOpen();
        long stamp = pruneLock.tryOptimisticRead();
        if (stamp != 0) {
            VersionMap.Version version = versions.versionAt(key, publishedSequence);
            byte[] value = version == null ? null : versions.read(version);
            if (pruneLock.validate(stamp) && (version == null || value != null)) {
                return value;
            }
        }
        stamp = pruneLock.readLock();
        try {
            state.checkOpen();  // close() clears everything under the write lock
            VersionMap.Version version = versions.versionAt(key, publishedSequence);
            return version == null ? null : versions.read(version);
        } finally {
            pruneLock.unlockRead(stamp);
        }
    }

    @Override
    public void write(WriteBatch batch, boolean sync) {
        requireNonNull(batch, "batch is null");
        state.checkOpen();
        if (batch.isEmpty()) {
            return;
        }
        commitLock.lock();
        try {
            state.checkOpen();
            NavigableMap<byte[], byte[]> effects = resolve(batch, publishedSequence);
            long sequence = publishedSequence + 1;
            List<VersionMap.Version> staged = stage(effects.values(), sequence);
            if (!pins.whileUnpinned(() -> commitInPlace(effects.keySet(), staged, sequence))) {
                int next = 0;
                for (byte[] key : effects.keySet()) {
                    versions.add(key, staged.get(next++));
                    pruneQueue.add(new VersionedKey(key, sequence));
                }
                publishedSequence = sequence;
            }
            pruneSettledVersions();
        } finally {
            commitLock.unlock();
        }
    }

    /**
     * Commits a batch while no reader is pinned: overwrites of a key's only version happen in place (see
     * {@link VersionMap#replaceInPlace}), so that steady overwrites leave no surviving objects to the young
     * collector; other keys get new versions. Under the prune write lock, so every point read that overlaps the
     * commit fails its validation and reads again, after the sequence is published.
     */
    private void commitInPlace(Collection<byte[]> keys, List<VersionMap.Version> staged, long sequence) {
        long stamp = pruneLock.writeLock();
        try {
            int next = 0;
            for (byte[] key : keys) {
                VersionMap.Version version = staged.get(next++);
                if (!versions.replaceInPlace(key, version)) {
                    versions.add(key, version);
                    pruneQueue.add(new VersionedKey(key, sequence));
                }
            }
            publishedSequence = sequence;
        } finally {
            pruneLock.unlockWrite(stamp);
        }
    }

    /** Nothing to do: an in-memory engine has no durability to offer. */
    @Override
    public void sync() {
        state.checkOpen();
    }

    @Override
    public StorageIterator iterator(byte[] lowerInclusive, byte[] upperExclusive) {
        state.checkOpen();
        long sequence = pins.pinLatest();
        return new InMemoryIterator(versions, sequence, lowerInclusive, upperExclusive, state,
                () -> unpin(sequence));
    }

    @Override
    public StorageSnapshot snapshot() {
        state.checkOpen();
        long sequence = pins.pinLatest();
        return new InMemorySnapshot(versions, sequence, state, pins, this::pruneIfIdle);
    }

    /** Writes a sorted dump of the current state ({@link StorageDump}); {@link #restore} reads it back. */
    @Override
    public void checkpoint(Path directory) {
        try (StorageSnapshot snapshot = snapshot()) {
            StorageDump.write(snapshot, directory);
        }
    }

    /** A new engine holding the state a {@link #checkpoint} wrote to {@code directory}. */
    public static InMemoryStorageEngine restore(Path directory) {
        InMemoryStorageEngine engine = new InMemoryStorageEngine();
        WriteBatch[] batch = {new WriteBatch(1024)};
        StorageDump.read(directory, (key, value) -> {
            batch[0].put(key, value);
            if (batch[0].size() >= 1024) {
                engine.write(batch[0], false);
                batch[0] = new WriteBatch(1024);
            }
        });
        engine.write(batch[0], false);
        return engine;
    }

    @Override
    public boolean isPersistent() {
        return false;
    }

    /** Gives back the direct memory of every value (see {@link SlabAllocator#close}). */
    @Override
    public void close() {
        state.markClosed();
        commitLock.lock();
        try {
            pruneQueue.clear();
            long stamp = pruneLock.writeLock();
            try {
                versions.clear();
            } finally {
                pruneLock.unlockWrite(stamp);
            }
        } finally {
            commitLock.unlock();
        }
    }

    /** How many keys have versions, deletions not yet pruned included; for tests of pruning. */
    int retainedKeyCount() {
        return versions.keyCount();
    }

    /** How many versions are retained, tombstones included; for tests of pruning. */
    int retainedVersionCount() {
        return versions.size();
    }

    /** The allocator holding the values; for tests of what pruning and closing give back. */
    SlabAllocator valueMemory() {
        return versions.allocator();
    }

    /**
     * The versions of a batch's values at {@code sequence}, their bytes already copied into blocks; either all of
     * them or, if direct memory runs out, none (the batch then fails with nothing visible or leaked).
     */
    private List<VersionMap.Version> stage(Collection<byte[]> values, long sequence) {
        List<VersionMap.Version> staged = new ArrayList<>(values.size());
        try {
            for (byte[] value : values) {
                staged.add(versions.newVersion(sequence, value));
            }
        } catch (RuntimeException | Error e) {
            staged.forEach(versions::discard);
            throw e;
        }
        return staged;
    }

    /**
     * The final effect of {@code batch} on each key it touches: a value or a tombstone. Later operations win, and
     * a range delete becomes one tombstone per key it removes (from the batch so far or from the committed state).
     */
    private NavigableMap<byte[], byte[]> resolve(WriteBatch batch, long committedSequence) {
        NavigableMap<byte[], byte[]> effects = new TreeMap<>(Arrays::compareUnsigned);
        for (WriteBatch.Operation operation : batch.operations()) {
            if (operation instanceof WriteBatch.Put put) {
                // No copy of the value: staging copies it into a block before write() returns.
                effects.put(put.key().clone(), put.value());
            } else if (operation instanceof WriteBatch.Delete delete) {
                effects.put(delete.key().clone(), VersionMap.TOMBSTONE);
            } else if (operation instanceof WriteBatch.DeleteRange range) {
                if (Arrays.compareUnsigned(range.fromInclusive(), range.toExclusive()) >= 0) {
                    continue;
                }
                effects.subMap(range.fromInclusive(), true, range.toExclusive(), false)
                        .replaceAll((key, value) -> VersionMap.TOMBSTONE);
                // No pin needed: pruning only runs under commitLock, which this thread holds.
                try (StorageIterator committed = new InMemoryIterator(versions, committedSequence,
                        range.fromInclusive(), range.toExclusive(), state, () -> { })) {
                    for (committed.seekToFirst(); committed.isValid(); committed.next()) {
                        effects.put(committed.key(), VersionMap.TOMBSTONE);
                    }
                }
            } else {
                throw new IllegalArgumentException("unknown operation " + operation);
            }
        }
        return effects;
    }

    private void unpin(long sequence) {
        pins.unpin(sequence);
        pruneIfIdle();
    }

    /** Prunes now if no commit is running; otherwise that commit (or the next) will. */
    private void pruneIfIdle() {
        if (!state.isClosed() && commitLock.tryLock()) {
            try {
                pruneSettledVersions();
            } finally {
                commitLock.unlock();
            }
        }
    }

    /** Prunes every queued key whose write is at or below the horizon. Caller holds commitLock. */
    private void pruneSettledVersions() {
        long horizon = pins.horizon();
        VersionedKey oldest = pruneQueue.peekFirst();
        if (oldest == null || oldest.sequence() > horizon) {
            return;
        }
        long stamp = pruneLock.writeLock();
        try {
            while (oldest != null && oldest.sequence() <= horizon) {
                pruneQueue.pollFirst();
                versions.prune(oldest.key(), horizon);
                oldest = pruneQueue.peekFirst();
            }
        } finally {
            pruneLock.unlockWrite(stamp);
        }
    }
}
