package io.basalt.storage.memory;

import java.util.Arrays;
import java.util.Comparator;

/**
 * A user key at one commit sequence. Ordered by key (unsigned bytes), then by sequence descending, so the newest
 * version of a key comes first and "the newest version at or below sequence S" is a single ceiling lookup.
 */
record VersionedKey(byte[] key, long sequence) {
    /** Sorts before every real version of a key: use as the start of that key. */
    static final long NEWEST = Long.MAX_VALUE;
    /** Sorts after every real version of a key: use as the end of that key. */
    static final long OLDEST = Long.MIN_VALUE;

    static final Comparator<VersionedKey> ORDER = (left, right) -> {
        int byKey = Arrays.compareUnsigned(left.key, right.key);
        return byKey != 0 ? byKey : Long.compare(right.sequence, left.sequence);
    };

    static VersionedKey startOf(byte[] key) {
        return new VersionedKey(key, NEWEST);
    }

    static VersionedKey endOf(byte[] key) {
        return new VersionedKey(key, OLDEST);
    }

    boolean hasKey(byte[] other) {
        return Arrays.equals(key, other);
    }
}
