package io.basalt.storage.memory;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Every retained version of every key. Each key has one {@link Chain} of versions, newest first, reachable two
 * ways: by hash (a point read or a write is one hash lookup) and in key order through a skip list (for iterators),
 * which changes only when a key appears or disappears, not when it gets a new version.
 *
 * <p>Keys and the chains live on the Java heap; values live in blocks of a {@link SlabAllocator}, and a version
 * holds only their names. A value longer than the largest block is cut into blocks of at most that size, listed
 * (on the heap) by its version. A block is freed when pruning drops its version, so a reader may copy a value out
 * only while it can prove its version was not pruned meanwhile (a pinned sequence, or the engine's prune lock).
 *
 * <p>Writers add versions with a sequence not yet published, so readers (who ignore sequences above the one they
 * read at) never see a batch in progress. A deletion is a version without a value. Writes and pruning are
 * serialized by the engine's commit lock; reads run concurrently with both.
 */
final class VersionMap {
    /** Stands for a deletion among a resolved batch's values; compared by identity, so never an empty value. */
    static final byte[] TOMBSTONE = new byte[0];
    private static final long DELETED = -1;
    private static final long EMPTY = -2;
    private static final long CHUNKED = -3;

    private final ConcurrentHashMap<Key, Chain> byKey = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<byte[], Chain> inOrder = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
    private final SlabAllocator allocator = new SlabAllocator();

    /**
     * One version of a key. {@code older} is cut by pruning once no reader can reach past this version. The newest
     * version of a key may be overwritten in place ({@link #replaceInPlace}) when no reader can see it but the
     * validated point reads, which is why {@code sequence} and {@code block} can change.
     */
    static final class Version {
        volatile long sequence;
        /** The value's block; {@code EMPTY}, {@code DELETED}, or {@code CHUNKED} when {@link #chunks} holds it. */
        private volatile long block;
        /** The blocks of a value longer than the largest block, in order; null otherwise. */
        private final long[] chunks;
        private volatile Version older;

        private Version(long sequence, long block, long[] chunks) {
            this.sequence = sequence;
            this.block = block;
            this.chunks = chunks;
        }

        boolean isDeletion() {
            return block == DELETED;
        }
    }

    /** The versions of one key, newest first. */
    static final class Chain {
        private volatile Version newest;

        /** The version visible at {@code sequence}, or null when the key is absent or deleted then. */
        Version versionAt(long sequence) {
            for (Version version = newest; version != null; version = version.older) {
                if (version.sequence <= sequence) {
                    return version.isDeletion() ? null : version;
                }
            }
            return null;
        }
    }

    /**
     * A version of {@code valueOrTombstone} at {@code sequence}, its value copied into blocks, not yet in any chain.
     * The caller holds the commit lock. On failure (direct memory exhausted) nothing stays allocated.
     */
    Version newVersion(long sequence, byte[] valueOrTombstone) {
        if (valueOrTombstone == TOMBSTONE) {
            return new Version(sequence, DELETED, null);
        }
        int length = valueOrTombstone.length;
        if (length == 0) {
            return new Version(sequence, EMPTY, null);
        }
        if (length <= SizeClasses.MAX_BLOCK_BYTES) {
            return new Version(sequence, allocator.store(valueOrTombstone, 0, length), null);
        }
        long[] chunks = new long[(length - 1) / SizeClasses.MAX_BLOCK_BYTES + 1];
        int stored = 0;
        try {
            for (; stored < chunks.length; stored++) {
                int offset = stored * SizeClasses.MAX_BLOCK_BYTES;
                chunks[stored] = allocator.store(valueOrTombstone, offset,
                        Math.min(SizeClasses.MAX_BLOCK_BYTES, length - offset));
            }
        } catch (RuntimeException | Error e) {
            for (int i = 0; i < stored; i++) {
                allocator.free(chunks[i]);
            }
            throw e;
        }
        return new Version(sequence, CHUNKED, chunks);
    }

    /** Frees the value of a version that {@link #add} never published. The caller holds the commit lock. */
    void discard(Version version) {
        freeValue(version);
    }

    /**
     * A copy of the value of {@code version} (not a deletion), or null when the allocator was closed. The bytes are
     * the value's only if the version was not pruned before the copy ended: the caller must prove that.
     */
    byte[] read(Version version) {
        // One read of the name: an overwrite in place may change it meanwhile (the caller's validation then fails),
        // and the array must be sized for the block it copies.
        long block = version.block;
        if (block == EMPTY) {
            return new byte[0];
        }
        if (version.chunks == null) {
            byte[] value = new byte[SlabAllocator.length(block)];
            return allocator.read(block, value, 0) ? value : null;
        }
        int length = 0;
        for (long chunk : version.chunks) {
            length += SlabAllocator.length(chunk);
        }
        byte[] value = new byte[length];
        int offset = 0;
        for (long chunk : version.chunks) {
            if (!allocator.read(chunk, value, offset)) {
                return null;
            }
            offset += SlabAllocator.length(chunk);
        }
        return value;
    }

    /** Links {@code version} as the newest of {@code key}; the caller holds the commit lock. */
    void add(byte[] key, Version version) {
        Key lookup = new Key(key);
        Chain chain = byKey.get(lookup);
        if (chain == null) {
            if (version.isDeletion()) {
                return;  // deleting a key that has no version at all: nothing any reader could see changes
            }
            chain = new Chain();
            chain.newest = version;
            byKey.put(lookup, chain);
            inOrder.put(key, chain);
            return;
        }
        version.older = chain.newest;
        chain.newest = version;
    }

    /**
     * Overwrites the newest version of {@code key} with {@code fresh} (a version {@link #add} never published) and
     * frees the old value, instead of adding a version: an overwrite then leaves no new object behind for the
     * garbage collector to copy and no older version to prune. Only for a key whose newest version is its only
     * one and holds an unchunked value, with an unchunked value in {@code fresh}; returns false, changing
     * nothing, otherwise. The caller holds the commit lock and the prune write lock, and no reader is pinned
     * (the only readers are the point reads that validate against the prune lock).
     */
    boolean replaceInPlace(byte[] key, Version fresh) {
        if (fresh.chunks != null || fresh.block == DELETED) {
            return false;
        }
        Chain chain = byKey.get(new Key(key));
        Version newest = chain == null ? null : chain.newest;
        if (newest == null || newest.older != null || newest.chunks != null || newest.block == DELETED) {
            return false;
        }
        long old = newest.block;
        newest.block = fresh.block;
        newest.sequence = fresh.sequence;
        if (old >= 0) {
            allocator.free(old);
        }
        return true;
    }

    /** The version of {@code key} visible at {@code sequence}, or null when absent or deleted. */
    Version versionAt(byte[] key, long sequence) {
        Chain chain = byKey.get(new Key(key));
        return chain == null ? null : chain.versionAt(sequence);
    }

    /** The keys from {@code from} (null: the first key) upwards, as a live cursor over the key order. */
    Iterator<Map.Entry<byte[], Chain>> ascendingFrom(byte[] from, boolean inclusive) {
        return (from == null ? inOrder : inOrder.tailMap(from, inclusive)).entrySet().iterator();
    }

    /** The keys from {@code from} (null: the last key) downwards, as a live cursor over the key order. */
    Iterator<Map.Entry<byte[], Chain>> descendingFrom(byte[] from, boolean inclusive) {
        return (from == null ? inOrder.descendingMap() : inOrder.headMap(from, inclusive).descendingMap())
                .entrySet().iterator();
    }

    /**
     * Drops the versions of {@code key} that no reader at or above {@code horizon} can see: everything older than
     * the newest version at or below the horizon, and that version too when it is a deletion (absent and deleted
     * read the same), with the key itself when nothing newer remains. The caller holds the commit lock and
     * excludes readers below the horizon.
     */
    void prune(byte[] key, long horizon) {
        Key lookup = new Key(key);
        Chain chain = byKey.get(lookup);
        if (chain == null) {
            return;
        }
        Version newer = null;
        Version settled = chain.newest;
        while (settled != null && settled.sequence > horizon) {
            newer = settled;
            settled = settled.older;
        }
        if (settled == null) {
            return;
        }
        Version dropped = settled.older;
        settled.older = null;
        // Readers that reached a dropped version before the cut may still be copying it: see the engine's get.
        for (; dropped != null; dropped = dropped.older) {
            freeValue(dropped);
        }
        if (!settled.isDeletion()) {
            return;
        }
        if (newer == null) {
            byKey.remove(lookup);
            inOrder.remove(key);
        } else {
            newer.older = null;
        }
    }

    /** How many versions are retained, tombstones included (walks everything: for tests). */
    int size() {
        int versions = 0;
        for (Chain chain : inOrder.values()) {
            for (Version version = chain.newest; version != null; version = version.older) {
                versions++;
            }
        }
        return versions;
    }

    /** How many keys have versions (walks nothing: for tests). */
    int keyCount() {
        return byKey.size();
    }

    /** The allocator's accounting, for tests and diagnostics. */
    SlabAllocator allocator() {
        return allocator;
    }

    /** Drops every version and gives every slab back (see {@link SlabAllocator#close}). */
    void clear() {
        byKey.clear();
        inOrder.clear();
        allocator.close();
    }

    private void freeValue(Version version) {
        if (version.chunks != null) {
            for (long chunk : version.chunks) {
                allocator.free(chunk);
            }
        } else if (version.block >= 0) {
            allocator.free(version.block);
        }
    }

    static boolean isBefore(byte[] key, byte[] exclusiveUpper) {
        return exclusiveUpper == null || Arrays.compareUnsigned(key, exclusiveUpper) < 0;
    }

    static boolean isAtOrAfter(byte[] key, byte[] inclusiveLower) {
        return inclusiveLower == null || Arrays.compareUnsigned(key, inclusiveLower) >= 0;
    }

    /** A byte array compared by content, with its hash computed once. */
    private static final class Key {
        private final byte[] bytes;
        private final int hash;

        Key(byte[] bytes) {
            this.bytes = bytes;
            this.hash = Arrays.hashCode(bytes);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && hash == key.hash && Arrays.equals(bytes, key.bytes);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
