package io.basalt.storage;

import static io.basalt.storage.StorageTestData.hex;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;

/**
 * Random batches, point reads, snapshots and cursor walks against an engine, each checked against a
 * {@link TreeMap} oracle with unsigned byte order. Keys come from a tiny alphabet of bytes around the signed/unsigned
 * boundaries so that collisions, range deletes and ordering mistakes all show up. Failures name the seed.
 */
final class RandomizedWorkload {
    private static final int[] ALPHABET = {0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF};
    private static final int MAX_OPEN_SNAPSHOTS = 3;

    private final StorageEngine engine;
    private final long seed;
    private final Random random;
    private final NavigableMap<byte[], byte[]> oracle = newOracle();
    private final List<StorageSnapshot> snapshots = new ArrayList<>();
    private final List<NavigableMap<byte[], byte[]>> snapshotOracles = new ArrayList<>();
    private int step;

    RandomizedWorkload(StorageEngine engine, long seed) {
        this.engine = engine;
        this.seed = seed;
        this.random = new Random(seed);
    }

    void run(int steps) {
        try {
            for (step = 0; step < steps; step++) {
                int choice = random.nextInt(100);
                if (choice < 55) {
                    writeRandomBatch();
                } else if (choice < 65) {
                    changeSnapshots();
                } else if (choice < 80) {
                    checkPointReads();
                } else {
                    checkCursorWalk();
                }
            }
            for (int i = 0; i < snapshots.size(); i++) {
                checkFullScan(snapshots.get(i)::iterator, snapshotOracles.get(i));
            }
            checkFullScan(engine::iterator, oracle);
        } finally {
            snapshots.forEach(StorageSnapshot::close);
        }
    }

    private void writeRandomBatch() {
        WriteBatch batch = new WriteBatch();
        int operations = 1 + random.nextInt(5);
        for (int i = 0; i < operations; i++) {
            int kind = random.nextInt(8);
            if (kind < 4) {
                byte[] key = randomKey();
                byte[] value = randomValue();
                batch.put(key, value);
                oracle.put(key, value);
            } else if (kind < 6) {
                byte[] key = randomKey();
                batch.delete(key);
                oracle.remove(key);
            } else {
                byte[] from = randomKey();
                byte[] to = randomKey();
                batch.deleteRange(from, to);
                if (Arrays.compareUnsigned(from, to) < 0) {
                    oracle.subMap(from, true, to, false).clear();
                }
            }
        }
        engine.write(batch, random.nextInt(10) == 0);
    }

    private void changeSnapshots() {
        if (snapshots.size() < MAX_OPEN_SNAPSHOTS && random.nextBoolean()) {
            snapshots.add(engine.snapshot());
            NavigableMap<byte[], byte[]> frozen = newOracle();
            frozen.putAll(oracle);
            snapshotOracles.add(frozen);
        } else if (!snapshots.isEmpty()) {
            int victim = random.nextInt(snapshots.size());
            checkFullScan(snapshots.get(victim)::iterator, snapshotOracles.get(victim));
            snapshots.remove(victim).close();
            snapshotOracles.remove(victim);
        }
    }

    private void checkPointReads() {
        for (int i = 0; i < 5; i++) {
            byte[] key = randomKey();
            assertThat(hex(engine.get(key))).as(context("get " + hex(key))).isEqualTo(hex(oracle.get(key)));
            for (int s = 0; s < snapshots.size(); s++) {
                assertThat(hex(snapshots.get(s).get(key)))
                        .as(context("snapshot " + s + " get " + hex(key)))
                        .isEqualTo(hex(snapshotOracles.get(s).get(key)));
            }
        }
    }

    /** Random bounds, a random seek, then random next/prev steps, each position compared with the oracle. */
    private void checkCursorWalk() {
        boolean useSnapshot = !snapshots.isEmpty() && random.nextBoolean();
        int which = useSnapshot ? random.nextInt(snapshots.size()) : -1;
        NavigableMap<byte[], byte[]> expectedState = useSnapshot ? snapshotOracles.get(which) : oracle;
        byte[] lower = random.nextInt(3) == 0 ? null : randomKey();
        byte[] upper = random.nextInt(3) == 0 ? null : randomKey();
        NavigableMap<byte[], byte[]> visible = bounded(expectedState, lower, upper);
        String where = context("bounds [" + hex(lower) + ", " + hex(upper) + ")");
        try (StorageIterator iterator = useSnapshot
                ? snapshots.get(which).iterator(lower, upper) : engine.iterator(lower, upper)) {
            byte[] target = randomKey();
            byte[] expected;
            switch (random.nextInt(4)) {
                case 0 -> {
                    iterator.seek(target);
                    expected = visible.ceilingKey(target);
                }
                case 1 -> {
                    iterator.seekForPrev(target);
                    expected = visible.floorKey(target);
                }
                case 2 -> {
                    iterator.seekToFirst();
                    expected = visible.isEmpty() ? null : visible.firstKey();
                }
                default -> {
                    iterator.seekToLast();
                    expected = visible.isEmpty() ? null : visible.lastKey();
                }
            }
            for (int move = 0; move < 12; move++) {
                assertPosition(iterator, expected, visible, where + " target " + hex(target) + " move " + move);
                if (expected == null) {
                    return;
                }
                boolean forward = random.nextBoolean();
                if (forward) {
                    iterator.next();
                    expected = visible.higherKey(expected);
                } else {
                    iterator.prev();
                    expected = visible.lowerKey(expected);
                }
            }
        }
    }

    private void assertPosition(StorageIterator iterator, byte[] expectedKey, Map<byte[], byte[]> visible,
            String where) {
        assertThat(iterator.isValid()).as(where + " valid").isEqualTo(expectedKey != null);
        if (expectedKey != null) {
            assertThat(hex(iterator.key())).as(where + " key").isEqualTo(hex(expectedKey));
            assertThat(hex(iterator.value())).as(where + " value").isEqualTo(hex(visible.get(expectedKey)));
        }
    }

    private void checkFullScan(IteratorSource source, NavigableMap<byte[], byte[]> expectedState) {
        byte[] lower = random.nextBoolean() ? null : randomKey();
        byte[] upper = random.nextBoolean() ? null : randomKey();
        List<String> expected = new ArrayList<>();
        bounded(expectedState, lower, upper).forEach((key, value) -> expected.add(StorageTestData.entry(key, value)));
        String where = context("scan [" + hex(lower) + ", " + hex(upper) + ")");
        try (StorageIterator iterator = source.open(lower, upper)) {
            iterator.seekToFirst();
            assertThat(StorageTestData.walkForward(iterator)).as(where + " forward").isEqualTo(expected);
            iterator.seekToLast();
            List<String> backward = StorageTestData.walkBackward(iterator);
            Collections.reverse(backward);
            assertThat(backward).as(where + " backward").isEqualTo(expected);
        }
    }

    private String context(String what) {
        return "seed " + seed + ", step " + step + ": " + what;
    }

    private byte[] randomKey() {
        byte[] key = new byte[random.nextInt(4)];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return key;
    }

    private byte[] randomValue() {
        byte[] value = new byte[random.nextInt(6)];
        random.nextBytes(value);
        return value;
    }

    private static NavigableMap<byte[], byte[]> newOracle() {
        return new TreeMap<>(Arrays::compareUnsigned);
    }

    private static NavigableMap<byte[], byte[]> bounded(NavigableMap<byte[], byte[]> state, byte[] lower,
            byte[] upper) {
        if (lower != null && upper != null && Arrays.compareUnsigned(lower, upper) >= 0) {
            return newOracle();
        }
        NavigableMap<byte[], byte[]> view = state;
        if (lower != null) {
            view = view.tailMap(lower, true);
        }
        if (upper != null) {
            view = view.headMap(upper, false);
        }
        return view;
    }

    /** Opens an iterator over a live engine or a snapshot. */
    @FunctionalInterface
    interface IteratorSource {
        StorageIterator open(byte[] lower, byte[] upper);
    }
}
