package io.basalt.storage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Small helpers for writing storage tests: byte literals, readable renderings and scans. */
public final class StorageTestData {
    private static final HexFormat HEX = HexFormat.of();

    private StorageTestData() {
    }

    /** A byte array from unsigned values, so {@code bytes(0xFF)} reads as intended. */
    public static byte[] bytes(int... unsignedValues) {
        byte[] result = new byte[unsignedValues.length];
        for (int i = 0; i < unsignedValues.length; i++) {
            result[i] = (byte) unsignedValues[i];
        }
        return result;
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    public static String hex(byte[] value) {
        return value == null ? "null" : HEX.formatHex(value);
    }

    /** "key=value" in hex, the form scans are compared in. */
    public static String entry(byte[] key, byte[] value) {
        return hex(key) + "=" + hex(value);
    }

    public static void put(StorageEngine engine, byte[] key, byte[] value) {
        engine.write(new WriteBatch().put(key, value), false);
    }

    /** Every entry from the iterator's current position to the end, walking forward. */
    public static List<String> walkForward(StorageIterator iterator) {
        List<String> entries = new ArrayList<>();
        for (; iterator.isValid(); iterator.next()) {
            entries.add(entry(iterator.key(), iterator.value()));
        }
        return entries;
    }

    /** Every entry from the iterator's current position to the start, walking backward. */
    public static List<String> walkBackward(StorageIterator iterator) {
        List<String> entries = new ArrayList<>();
        for (; iterator.isValid(); iterator.prev()) {
            entries.add(entry(iterator.key(), iterator.value()));
        }
        return entries;
    }

    /** The entries of {@code [lower, upper)} in key order, through a fresh iterator. */
    public static List<String> scan(StorageEngine engine, byte[] lower, byte[] upper) {
        try (StorageIterator iterator = engine.iterator(lower, upper)) {
            iterator.seekToFirst();
            return walkForward(iterator);
        }
    }

    /** The keys (hex) of {@code [lower, upper)} in key order. */
    public static List<String> keys(StorageEngine engine, byte[] lower, byte[] upper) {
        List<String> keys = new ArrayList<>();
        try (StorageIterator iterator = engine.iterator(lower, upper)) {
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                keys.add(hex(iterator.key()));
            }
        }
        return keys;
    }
}
