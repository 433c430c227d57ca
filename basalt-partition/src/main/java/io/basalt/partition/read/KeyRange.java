package io.basalt.partition.read;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/** A range of storage keys, {@code [lowerInclusive, upperExclusive)}. */
public record KeyRange(byte[] lowerInclusive, byte[] upperExclusive) {
    public KeyRange {
        requireNonNull(lowerInclusive, "lowerInclusive is null");
        requireNonNull(upperExclusive, "upperExclusive is null");
    }

    /** Whether no key can be in the range. */
    public boolean isEmpty() {
        return Arrays.compareUnsigned(lowerInclusive, upperExclusive) >= 0;
    }

    /** The part of this range strictly after {@code key} in the given direction (for ExclusiveStartKey). */
    public KeyRange after(byte[] key, boolean forward) {
        if (forward) {
            byte[] successor = successor(key);
            return Arrays.compareUnsigned(successor, lowerInclusive) > 0
                    ? new KeyRange(successor, upperExclusive) : this;
        }
        return Arrays.compareUnsigned(key, upperExclusive) < 0 ? new KeyRange(lowerInclusive, key) : this;
    }

    /** The smallest key greater than {@code key}: key + 0x00. */
    public static byte[] successor(byte[] key) {
        return Arrays.copyOf(key, key.length + 1);
    }

    /** The smallest key greater than every key starting with {@code prefix}. */
    public static byte[] prefixEnd(byte[] prefix) {
        byte[] end = prefix.clone();
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xFF) {
                end[i]++;
                return Arrays.copyOf(end, i + 1);
            }
        }
        throw new IllegalArgumentException("no key follows a prefix of only 0xFF bytes");
    }

    /** The range of every key starting with {@code prefix}. */
    public static KeyRange withPrefix(byte[] prefix) {
        return new KeyRange(prefix, prefixEnd(prefix));
    }
}
