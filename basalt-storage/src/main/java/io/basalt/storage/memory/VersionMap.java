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
 * <p>Writers add versions with a sequence not yet published, so readers (who ignore sequences above the one they
 * read at) never see a batch in progress. A deletion is a version whose value is {@link #TOMBSTONE} (compared by
 * identity; stored values are always private copies, never that array). Writes and pruning are serialized by the
 * engine's commit lock; reads run concurrently with both.
 */
final class VersionMap {
    static final byte[] TOMBSTONE = new byte[0];

    private final ConcurrentHashMap<Key, Chain> byKey = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<byte[], Chain> inOrder = new ConcurrentSkipListMap<>(Arrays::compareUnsigned);

    /** One version of a key. {@code older} is cut by pruning once no reader can reach past this version. */
    private static final class Version {
        final long sequence;
        final byte[] value;
        volatile Version older;

        Version(long sequence, byte[] value, Version older) {
            this.sequence = sequence;
            this.value = value;
            this.older = older;
        }
    }

    /** The versions of one key, newest first. */
    static final class Chain {
        private volatile Version newest;

        /** The value as of {@code sequence}, or null when absent or deleted then. */
        byte[] valueAt(long sequence) {
            for (Version version = newest; version != null; version = version.older) {
                if (version.sequence <= sequence) {
                    return version.value == TOMBSTONE ? null : version.value;
                }
            }
            return null;
        }
    }

    /** Adds a version; the caller holds the commit lock and has not yet published {@code sequence}. */
    void add(byte[] key, long sequence, byte[] valueOrTombstone) {
        Key lookup = new Key(key);
        Chain chain = byKey.get(lookup);
        if (chain == null) {
            if (valueOrTombstone == TOMBSTONE) {
                return;  // deleting a key that has no version at all: nothing any reader could see changes
            }
            chain = new Chain();
            chain.newest = new Version(sequence, valueOrTombstone, null);
            byKey.put(lookup, chain);
            inOrder.put(key, chain);
            return;
        }
        chain.newest = new Version(sequence, valueOrTombstone, chain.newest);
    }

    /** The value of {@code key} as of {@code sequence}, or null when absent or deleted. */
    byte[] valueAt(byte[] key, long sequence) {
        Chain chain = byKey.get(new Key(key));
        return chain == null ? null : chain.valueAt(sequence);
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
        settled.older = null;
        if (settled.value != TOMBSTONE) {
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

    void clear() {
        byKey.clear();
        inOrder.clear();
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
