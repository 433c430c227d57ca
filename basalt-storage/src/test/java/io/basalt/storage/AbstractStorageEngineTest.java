package io.basalt.storage;

import static io.basalt.storage.StorageTestData.bytes;
import static io.basalt.storage.StorageTestData.entry;
import static io.basalt.storage.StorageTestData.hex;
import static io.basalt.storage.StorageTestData.keys;
import static io.basalt.storage.StorageTestData.put;
import static io.basalt.storage.StorageTestData.scan;
import static io.basalt.storage.StorageTestData.walkBackward;
import static io.basalt.storage.StorageTestData.walkForward;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every {@link StorageEngine} must share. Subclass it for each engine (other modules can too: it
 * ships in this module's test-jar) and implement {@link #createEngine}.
 */
public abstract class AbstractStorageEngineTest {
    @TempDir
    protected Path directory;

    protected StorageEngine engine;

    /** A fresh, empty engine keeping any files under {@code dir}. */
    protected abstract StorageEngine createEngine(Path dir);

    /** Opens the copy {@link StorageEngine#checkpoint} wrote to {@code dir}. */
    protected abstract StorageEngine openCheckpoint(Path dir);

    @BeforeEach
    void openEngine() {
        engine = createEngine(directory);
    }

    @AfterEach
    void closeEngine() {
        engine.close();
    }

    @Test
    void checkpointHoldsTheStateOfItsTimeAndOpensOnItsOwn() {
        put(engine, bytes(1), bytes(10));
        put(engine, bytes(3), bytes(30));
        engine.write(new WriteBatch().put(bytes(2), bytes(20)).delete(bytes(3)), false);
        Path copy = directory.resolve("checkpoint");
        engine.checkpoint(copy);
        put(engine, bytes(4), bytes(40));
        try (StorageEngine restored = openCheckpoint(copy)) {
            assertThat(keys(restored, null, null)).containsExactly("01", "02");
            assertThat(restored.get(bytes(2))).containsExactly(bytes(20));
            put(restored, bytes(5), bytes(50));
        }
        assertThat(engine.get(bytes(5))).isNull();
        assertThat(keys(engine, null, null)).containsExactly("01", "02", "04");
    }

    @Test
    void checkpointRefusesAnExistingDirectory() {
        Path copy = directory.resolve("checkpoint");
        engine.checkpoint(copy);
        assertThatThrownBy(() -> engine.checkpoint(copy)).isInstanceOf(StorageException.class)
                .hasMessageContaining("already exists");
    }

    @Test
    void putGetAndDelete() {
        assertThat(engine.get(bytes(1))).isNull();
        put(engine, bytes(1), bytes(10));
        assertThat(engine.get(bytes(1))).containsExactly(bytes(10));
        engine.write(new WriteBatch().delete(bytes(1)), true);
        assertThat(engine.get(bytes(1))).isNull();
        engine.write(new WriteBatch().delete(bytes(2)), false);
        assertThat(engine.get(bytes(2))).isNull();
    }

    @Test
    void overwriteReplacesTheValue() {
        put(engine, bytes(1), bytes(10));
        put(engine, bytes(1), bytes(11, 12));
        put(engine, bytes(1), bytes());
        assertThat(engine.get(bytes(1))).isEmpty();
        assertThat(scan(engine, null, null)).containsExactly(entry(bytes(1), bytes()));
    }

    @Test
    void storedAndReturnedArraysAreNotShared() {
        byte[] key = bytes(1);
        byte[] value = bytes(10);
        WriteBatch batch = new WriteBatch().put(key, value);
        engine.write(batch, false);
        key[0] = 9;
        value[0] = 99;
        byte[] read = engine.get(bytes(1));
        assertThat(read).containsExactly(bytes(10));
        read[0] = 77;
        assertThat(engine.get(bytes(1))).containsExactly(bytes(10));
        assertThat(engine.get(bytes(9))).isNull();
    }

    @Test
    void laterOperationsInABatchWin() {
        put(engine, bytes(5), bytes(50));
        engine.write(new WriteBatch()
                .put(bytes(1), bytes(1))
                .delete(bytes(1))
                .put(bytes(2), bytes(2))
                .put(bytes(2), bytes(3))
                .delete(bytes(5))
                .put(bytes(5), bytes(51)), false);
        assertThat(scan(engine, null, null)).containsExactly(entry(bytes(2), bytes(3)), entry(bytes(5), bytes(51)));
    }

    @Test
    void emptyBatchesAreAccepted() {
        engine.write(new WriteBatch(), false);
        engine.write(new WriteBatch(), true);
        engine.sync();
        assertThat(scan(engine, null, null)).isEmpty();
    }

    @Test
    void deleteRangeRemovesTheHalfOpenRangeOnly() {
        for (int k = 1; k <= 6; k++) {
            put(engine, bytes(k), bytes(k));
        }
        put(engine, bytes(3, 0xFF), bytes(3));
        engine.write(new WriteBatch().deleteRange(bytes(2), bytes(4)), false);
        assertThat(keys(engine, null, null)).containsExactly("01", "04", "05", "06");
        // Empty and inverted ranges delete nothing.
        engine.write(new WriteBatch().deleteRange(bytes(5), bytes(5)).deleteRange(bytes(6), bytes(1)), false);
        assertThat(keys(engine, null, null)).containsExactly("01", "04", "05", "06");
    }

    @Test
    void deleteRangeInteractsWithTheRestOfItsBatchInOrder() {
        put(engine, bytes(2), bytes(20));
        engine.write(new WriteBatch()
                .put(bytes(3), bytes(30))
                .deleteRange(bytes(1), bytes(9))
                .put(bytes(4), bytes(40)), false);
        assertThat(scan(engine, null, null)).containsExactly(entry(bytes(4), bytes(40)));
    }

    @Test
    void aPointOperationWinsOverEarlierOnesAcrossARangeDeletion() {
        byte[] large = new byte[20_000];
        Arrays.fill(large, (byte) 7);
        byte[] longKey = new byte[300];
        longKey[0] = 3;
        engine.write(new WriteBatch()
                .put(bytes(2), bytes(20))
                .put(longKey, large)
                .deleteRange(bytes(1), bytes(9))
                .put(bytes(2), bytes(21))
                .put(bytes(5), large)
                .put(bytes(5), bytes(50))
                .delete(bytes(6))
                .put(bytes(6), large), false);
        assertThat(engine.get(longKey)).isNull();
        assertThat(engine.get(bytes(2))).containsExactly(bytes(21));
        assertThat(engine.get(bytes(5))).containsExactly(bytes(50));
        assertThat(engine.get(bytes(6))).containsExactly(large);
        assertThat(keys(engine, null, null)).containsExactly("02", "05", "06");
    }

    @Test
    void keysSortAsUnsignedBytes() {
        List<byte[]> inOrder = List.of(bytes(), bytes(0x00), bytes(0x01), bytes(0x01, 0x00), bytes(0x7F),
                bytes(0x80), bytes(0xFE, 0xFF), bytes(0xFF), bytes(0xFF, 0x00), bytes(0xFF, 0xFF));
        WriteBatch batch = new WriteBatch();
        for (int i = inOrder.size() - 1; i >= 0; i--) {
            batch.put(inOrder.get(i), bytes(i));
        }
        engine.write(batch, false);
        List<String> expected = inOrder.stream().map(StorageTestData::hex).toList();
        assertThat(keys(engine, null, null)).containsExactlyElementsOf(expected);
        try (StorageIterator iterator = engine.iterator(null, null)) {
            iterator.seekToLast();
            assertThat(walkBackward(iterator)).hasSize(inOrder.size()).first().isEqualTo("ffff=09");
        }
        assertThat(keys(engine, bytes(0x80), null)).containsExactly("80", "feff", "ff", "ff00", "ffff");
        assertThat(keys(engine, bytes(0x01), bytes(0xFF))).containsExactly("01", "0100", "7f", "80", "feff");
    }

    @Test
    void boundedIteratorClampsEverySeekToItsBounds() {
        for (int k = 10; k <= 90; k += 10) {
            put(engine, bytes(k), bytes(k));
        }
        try (StorageIterator iterator = engine.iterator(bytes(25), bytes(75))) {
            assertThat(iterator.isValid()).isFalse();
            iterator.seekToFirst();
            assertPosition(iterator, 30);
            iterator.seekToLast();
            assertPosition(iterator, 70);
            iterator.seek(bytes(0));
            assertPosition(iterator, 30);
            iterator.seek(bytes(45));
            assertPosition(iterator, 50);
            iterator.seek(bytes(70));
            assertPosition(iterator, 70);
            iterator.seek(bytes(71));
            assertThat(iterator.isValid()).isFalse();
            iterator.seek(bytes(0xFF));
            assertThat(iterator.isValid()).isFalse();
            iterator.seekForPrev(bytes(0xFF));
            assertPosition(iterator, 70);
            iterator.seekForPrev(bytes(75));
            assertPosition(iterator, 70);
            iterator.seekForPrev(bytes(45));
            assertPosition(iterator, 40);
            iterator.seekForPrev(bytes(30));
            assertPosition(iterator, 30);
            iterator.seekForPrev(bytes(29));
            assertThat(iterator.isValid()).isFalse();
            iterator.seekForPrev(bytes(0));
            assertThat(iterator.isValid()).isFalse();
        }
    }

    @Test
    void boundedIteratorWalksBothWaysAndStopsAtTheBounds() {
        for (int k = 10; k <= 90; k += 10) {
            put(engine, bytes(k), bytes(k));
        }
        try (StorageIterator iterator = engine.iterator(bytes(30), bytes(70))) {
            iterator.seekToFirst();
            assertThat(walkForward(iterator)).containsExactly("1e=1e", "28=28", "32=32", "3c=3c");
            iterator.seekToLast();
            assertThat(walkBackward(iterator)).containsExactly("3c=3c", "32=32", "28=28", "1e=1e");
            iterator.seek(bytes(40));
            iterator.prev();
            assertPosition(iterator, 30);
            iterator.next();
            iterator.next();
            assertPosition(iterator, 50);
            iterator.prev();
            assertPosition(iterator, 40);
        }
        try (StorageIterator upperOnly = engine.iterator(null, bytes(30))) {
            upperOnly.seekToLast();
            assertThat(walkBackward(upperOnly)).containsExactly("14=14", "0a=0a");
        }
        try (StorageIterator lowerOnly = engine.iterator(bytes(80), null)) {
            lowerOnly.seekForPrev(bytes(0xFF));
            assertThat(walkBackward(lowerOnly)).containsExactly("5a=5a", "50=50");
            lowerOnly.seek(bytes(1));
            assertThat(walkForward(lowerOnly)).containsExactly("50=50", "5a=5a");
        }
    }

    @Test
    void emptyRangesHaveNoKeysWhateverTheSeek() {
        for (int k = 10; k <= 90; k += 10) {
            put(engine, bytes(k), bytes(k));
        }
        List<byte[][]> emptyRanges = List.of(
                new byte[][] {bytes(50), bytes(50)},
                new byte[][] {bytes(51), bytes(59)},
                new byte[][] {bytes(60), bytes(40)},
                new byte[][] {bytes(91), null},
                new byte[][] {null, bytes(10)});
        for (byte[][] range : emptyRanges) {
            try (StorageIterator iterator = engine.iterator(range[0], range[1])) {
                String where = "range [" + hex(range[0]) + ", " + hex(range[1]) + ")";
                iterator.seekToFirst();
                assertThat(iterator.isValid()).as(where + " seekToFirst").isFalse();
                iterator.seekToLast();
                assertThat(iterator.isValid()).as(where + " seekToLast").isFalse();
                for (int target : new int[] {0, 40, 50, 55, 60, 0xFF}) {
                    iterator.seek(bytes(target));
                    assertThat(iterator.isValid()).as(where + " seek " + target).isFalse();
                    iterator.seekForPrev(bytes(target));
                    assertThat(iterator.isValid()).as(where + " seekForPrev " + target).isFalse();
                }
            }
        }
    }

    @Test
    void snapshotStaysConsistentWhileWritesContinue() {
        put(engine, bytes(1), bytes(1));
        put(engine, bytes(2), bytes(2));
        try (StorageSnapshot snapshot = engine.snapshot()) {
            engine.write(new WriteBatch().put(bytes(1), bytes(11)).delete(bytes(2)).put(bytes(3), bytes(3)), false);
            engine.write(new WriteBatch().deleteRange(bytes(0), bytes(0xFF)), false);
            put(engine, bytes(4), bytes(4));

            assertThat(snapshot.get(bytes(1))).containsExactly(bytes(1));
            assertThat(snapshot.get(bytes(2))).containsExactly(bytes(2));
            assertThat(snapshot.get(bytes(3))).isNull();
            try (StorageIterator iterator = snapshot.iterator(null, null)) {
                iterator.seekToFirst();
                assertThat(walkForward(iterator)).containsExactly("01=01", "02=02");
            }
            assertThat(scan(engine, null, null)).containsExactly("04=04");
            assertThat(engine.get(bytes(1))).isNull();
        }
    }

    @Test
    void liveIteratorIsAPointInTimeView() {
        put(engine, bytes(1), bytes(1));
        put(engine, bytes(3), bytes(3));
        try (StorageIterator iterator = engine.iterator(null, null)) {
            engine.write(new WriteBatch().put(bytes(2), bytes(2)).delete(bytes(3)), false);
            iterator.seekToFirst();
            assertThat(walkForward(iterator)).containsExactly("01=01", "03=03");
        }
        assertThat(keys(engine, null, null)).containsExactly("01", "02");
    }

    @Test
    void snapshotIteratorOutlivesItsSnapshot() {
        put(engine, bytes(1), bytes(1));
        StorageSnapshot snapshot = engine.snapshot();
        StorageIterator iterator = snapshot.iterator(null, null);
        snapshot.close();
        put(engine, bytes(1), bytes(2));
        put(engine, bytes(1), bytes(3));
        try (iterator) {
            iterator.seekToFirst();
            assertThat(walkForward(iterator)).containsExactly("01=01");
        }
        assertThatThrownBy(() -> snapshot.get(bytes(1))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> snapshot.iterator(null, null)).isInstanceOf(IllegalStateException.class);
        snapshot.close();
    }

    @Test
    void closedIteratorRejectsUse() {
        StorageIterator iterator = engine.iterator(null, null);
        iterator.close();
        assertThatThrownBy(iterator::seekToFirst).isInstanceOf(IllegalStateException.class);
        iterator.close();
    }

    @Test
    void concurrentBatchesAreAllOrNothingToReaders() throws InterruptedException {
        List<Throwable> failures = new ConcurrentBatchWorkload(engine, 4, 3, 400).run();
        assertThat(failures).isEmpty();
        for (int writer = 0; writer < 4; writer++) {
            assertThat(keys(engine, StorageTestData.utf8("group-" + writer + "/"),
                    StorageTestData.utf8("group-" + writer + "0"))).hasSize(ConcurrentBatchWorkload.KEYS_PER_GROUP);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1L, 7L, 42L, 2026L, 8_675_309L})
    void randomOperationsMatchASortedMapOracle(long seed) {
        new RandomizedWorkload(engine, seed).run(600);
    }

    @Test
    void closeIsIdempotentAndLaterCallsFail() {
        put(engine, bytes(1), bytes(1));
        engine.close();
        engine.close();
        assertThatThrownBy(() -> engine.get(bytes(1))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> put(engine, bytes(2), bytes(2))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(engine::snapshot).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> engine.iterator(null, null)).isInstanceOf(IllegalStateException.class);
    }

    private static void assertPosition(StorageIterator iterator, int expectedKey) {
        assertThat(iterator.isValid()).as("positioned on %d", expectedKey).isTrue();
        assertThat(iterator.key()).containsExactly(bytes(expectedKey));
        assertThat(iterator.value()).containsExactly(bytes(expectedKey));
    }
}
