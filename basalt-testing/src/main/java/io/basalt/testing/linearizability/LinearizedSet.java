package io.basalt.testing.linearizability;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The operations linearized so far: one bitset for the operations that must be linearized and one for the
 * optional (unknown) ones, with a Zobrist hash of the required set kept up to date on every change, so that
 * hashing a search state costs nothing and only stored states are copied.
 */
final class LinearizedSet {
    private final long[] required;
    private final long[] optional;
    private final long[] requiredKeys;
    private long requiredHash;

    LinearizedSet(int requiredCount, int optionalCount) {
        required = new long[words(requiredCount)];
        optional = new long[words(optionalCount)];
        // A fixed seed keeps searches, and so their reports, the same from run to run.
        SplittableRandom random = new SplittableRandom(0x6c696e6561726973L);
        requiredKeys = random.longs(requiredCount).toArray();
    }

    private static int words(int bits) {
        return (bits + 63) >>> 6;
    }

    void toggleRequired(int bit) {
        required[bit >>> 6] ^= 1L << bit;
        requiredHash ^= requiredKeys[bit];
    }

    void toggleOptional(int bit) {
        optional[bit >>> 6] ^= 1L << bit;
    }

    /** A hash of the required set alone: states that may dominate each other (same required set) share it. */
    long requiredHash() {
        return requiredHash;
    }

    long[] copyRequired() {
        return required.clone();
    }

    long[] copyOptional() {
        return optional.clone();
    }

    boolean requiredEquals(long[] other) {
        return Arrays.equals(required, other);
    }

    /** True when every optional operation in {@code other} is also in this set. */
    boolean optionalContainsAll(long[] other) {
        for (int word = 0; word < other.length; word++) {
            if ((other[word] & ~optional[word]) != 0) {
                return false;
            }
        }
        return true;
    }
}
