package io.basalt.storage.memory;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Every retained version of every key. Writers add versions with a sequence not yet published, so readers (who
 * ignore sequences above the one they read at) never see a batch in progress. A deletion is a version whose value
 * is {@link #TOMBSTONE} (compared by identity; stored values are always private copies, never that array).
 */
final class VersionMap {
    static final byte[] TOMBSTONE = new byte[0];

    private final ConcurrentNavigableMap<VersionedKey, byte[]> versions =
            new ConcurrentSkipListMap<>(VersionedKey.ORDER);

    void add(byte[] key, long sequence, byte[] valueOrTombstone) {
        versions.put(new VersionedKey(key, sequence), valueOrTombstone);
    }

    /** The value of {@code key} as of {@code sequence}, or null when absent or deleted. */
    byte[] valueAt(byte[] key, long sequence) {
        Map.Entry<VersionedKey, byte[]> newest = versions.ceilingEntry(new VersionedKey(key, sequence));
        if (newest == null || !newest.getKey().hasKey(key) || newest.getValue() == TOMBSTONE) {
            return null;
        }
        return newest.getValue();
    }

    /** The first entry of the smallest key at or after {@code key}, or null. */
    Map.Entry<VersionedKey, byte[]> firstEntryFrom(byte[] key) {
        return versions.ceilingEntry(VersionedKey.startOf(key));
    }

    /** The first entry of the smallest key strictly after {@code key}, or null. */
    Map.Entry<VersionedKey, byte[]> firstEntryAfter(byte[] key) {
        return versions.higherEntry(VersionedKey.endOf(key));
    }

    /** An entry of the largest key at or before {@code key}, or null. */
    Map.Entry<VersionedKey, byte[]> lastEntryUpTo(byte[] key) {
        return versions.floorEntry(VersionedKey.endOf(key));
    }

    /** An entry of the largest key strictly before {@code key}, or null. */
    Map.Entry<VersionedKey, byte[]> lastEntryBefore(byte[] key) {
        return versions.lowerEntry(VersionedKey.startOf(key));
    }

    Map.Entry<VersionedKey, byte[]> firstEntry() {
        return versions.firstEntry();
    }

    Map.Entry<VersionedKey, byte[]> lastEntry() {
        return versions.lastEntry();
    }

    /**
     * Drops the versions of {@code key} that no reader at or above {@code horizon} can see: everything older than
     * the newest version at or below the horizon, and that version too when it is a deletion (absent and deleted
     * read the same). Callers must exclude readers below the horizon.
     */
    void prune(byte[] key, long horizon) {
        ConcurrentNavigableMap<VersionedKey, byte[]> settled =
                versions.subMap(new VersionedKey(key, horizon), true, VersionedKey.endOf(key), true);
        boolean newestSettled = true;
        for (Map.Entry<VersionedKey, byte[]> version : settled.entrySet()) {
            if (!newestSettled || version.getValue() == TOMBSTONE) {
                settled.remove(version.getKey());
            }
            newestSettled = false;
        }
    }

    int size() {
        return versions.size();
    }

    void clear() {
        versions.clear();
    }

    static boolean isBefore(byte[] key, byte[] exclusiveUpper) {
        return exclusiveUpper == null || Arrays.compareUnsigned(key, exclusiveUpper) < 0;
    }

    static boolean isAtOrAfter(byte[] key, byte[] inclusiveLower) {
        return inclusiveLower == null || Arrays.compareUnsigned(key, inclusiveLower) >= 0;
    }
}
