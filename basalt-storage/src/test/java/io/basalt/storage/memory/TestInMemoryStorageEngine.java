package io.basalt.storage.memory;

import static io.basalt.storage.StorageTestData.bytes;
import static io.basalt.storage.StorageTestData.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.storage.AbstractStorageEngineTest;
import io.basalt.storage.StorageEngine;
import io.basalt.storage.StorageIterator;
import io.basalt.storage.StorageSnapshot;
import io.basalt.storage.WriteBatch;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TestInMemoryStorageEngine extends AbstractStorageEngineTest {
    @Override
    protected StorageEngine createEngine(Path dir) {
        return new InMemoryStorageEngine();
    }

    @Override
    protected StorageEngine openCheckpoint(Path dir) {
        return InMemoryStorageEngine.restore(dir);
    }

    @Test
    void isNotPersistent() {
        assertThat(engine.isPersistent()).isFalse();
    }

    @Test
    void overwrittenVersionsArePrunedWhenNoSnapshotNeedsThem() {
        InMemoryStorageEngine memory = (InMemoryStorageEngine) engine;
        for (int i = 0; i < 100; i++) {
            put(memory, bytes(1), bytes(i));
        }
        assertThat(memory.retainedVersionCount()).isEqualTo(1);
        memory.write(new WriteBatch().delete(bytes(1)), false);
        assertThat(memory.retainedVersionCount()).isZero();
        assertThat(memory.retainedKeyCount()).as("a pruned deletion leaves no trace in the point-read index")
                .isZero();
    }

    @Test
    void aDeletionSeenBySnapshotsIsRememberedUntilTheyClose() {
        InMemoryStorageEngine memory = (InMemoryStorageEngine) engine;
        put(memory, bytes(1), bytes(5));
        StorageSnapshot snapshot = memory.snapshot();
        memory.write(new WriteBatch().delete(bytes(1)), false);
        assertThat(memory.get(bytes(1))).isNull();
        assertThat(snapshot.get(bytes(1))).containsExactly(bytes(5));
        put(memory, bytes(1), bytes(6));
        assertThat(memory.get(bytes(1))).containsExactly(bytes(6));
        snapshot.close();
        assertThat(memory.get(bytes(1))).containsExactly(bytes(6));
        assertThat(memory.retainedKeyCount()).isEqualTo(1);
    }

    @Test
    void pointReadsNeverGoBackInTimeWhileBatchesCommit() throws Exception {
        InMemoryStorageEngine memory = (InMemoryStorageEngine) engine;
        int writes = 20_000;
        Thread writer = new Thread(() -> {
            for (int i = 1; i <= writes; i++) {
                memory.write(new WriteBatch().put(bytes(1), counter(i)).put(bytes(2), counter(i)), false);
            }
        });
        writer.start();
        long lastFirst = 0;
        while (writer.isAlive()) {
            byte[] second = memory.get(bytes(2));
            byte[] first = memory.get(bytes(1));
            long firstValue = first == null ? 0 : value(first);
            long secondValue = second == null ? 0 : value(second);
            // Key 1 was read after key 2, and both are written by each batch: it can only be as new or newer.
            assertThat(firstValue).isGreaterThanOrEqualTo(secondValue).isGreaterThanOrEqualTo(lastFirst);
            lastFirst = firstValue;
        }
        writer.join();
        assertThat(value(memory.get(bytes(1)))).isEqualTo(writes);
        assertThat(memory.retainedVersionCount()).isEqualTo(2);
    }

    private static byte[] counter(long value) {
        return java.nio.ByteBuffer.allocate(8).putLong(value).array();
    }

    private static long value(byte[] counter) {
        return java.nio.ByteBuffer.wrap(counter).getLong();
    }

    @Test
    void snapshotsKeepTheirVersionsUntilClosed() {
        InMemoryStorageEngine memory = (InMemoryStorageEngine) engine;
        put(memory, bytes(1), bytes(0));
        StorageSnapshot snapshot = memory.snapshot();
        StorageIterator iterator = memory.iterator(null, null);
        for (int i = 1; i <= 50; i++) {
            put(memory, bytes(1), bytes(i));
        }
        memory.write(new WriteBatch().deleteRange(bytes(0), bytes(9)), false);
        assertThat(snapshot.get(bytes(1))).containsExactly(bytes(0));
        // The live value is gone, yet the snapshot's version and the tombstone above it must stay.
        assertThat(memory.retainedVersionCount()).isGreaterThanOrEqualTo(2);
        snapshot.close();
        iterator.seekToFirst();
        assertThat(iterator.value()).containsExactly(bytes(0));
        iterator.close();
        assertThat(memory.retainedVersionCount()).isZero();
    }

    @Test
    void overwritesWithNoReaderPinnedReuseTheVersionAndItsMemoryStaysFlat() {
        InMemoryStorageEngine memory = new InMemoryStorageEngine();
        try {
            byte[] key = "k".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            memory.write(new WriteBatch().put(key, new byte[100]), false);
            long usedAfterFirst = memory.valueMemory().allocatedBytes();
            for (int i = 0; i < 1000; i++) {
                memory.write(new WriteBatch().put(key, new byte[] {(byte) i}).put(key, new byte[100]), false);
            }
            assertThat(memory.retainedVersionCount()).isEqualTo(1);
            assertThat(memory.valueMemory().allocatedBytes()).isEqualTo(usedAfterFirst);
            // A snapshot pins the value it sees: the next overwrite must link a new version instead.
            try (var snapshot = memory.snapshot()) {
                memory.write(new WriteBatch().put(key, new byte[] {7}), false);
                assertThat(snapshot.get(key)).hasSize(100);
                assertThat(memory.get(key)).containsExactly(7);
                assertThat(memory.retainedVersionCount()).isEqualTo(2);
            }
            memory.write(new WriteBatch().put(key, new byte[] {8}), false);
            assertThat(memory.retainedVersionCount()).isEqualTo(1);
            assertThat(memory.get(key)).containsExactly(8);
        } finally {
            memory.close();
        }
    }

    @Test
    void prunedVersionsGiveTheirMemoryBack() {
        InMemoryStorageEngine memory = (InMemoryStorageEngine) engine;
        SlabAllocator values = memory.valueMemory();
        for (int i = 0; i < 1000; i++) {
            put(memory, bytes(i % 10), new byte[1000]);
        }
        assertThat(values.allocatedBytes()).as("ten live values of 1,000 bytes in 1,024-byte blocks")
                .isEqualTo(10 * 1024);
        memory.write(new WriteBatch().delete(bytes(3)).put(bytes(4), bytes()), false);
        assertThat(values.allocatedBytes()).as("a deletion and an empty value hold no block").isEqualTo(8 * 1024);
        memory.write(new WriteBatch().deleteRange(bytes(0), bytes(10)), false);
        assertThat(values.allocatedBytes()).isZero();
        assertThat(values.emptySlabCount()).isEqualTo(values.slabCount());
    }

    @Test
    void valuesLargerThanTheLargestBlockAreStoredInPieces() {
        InMemoryStorageEngine memory = (InMemoryStorageEngine) engine;
        byte[] ledgerRecord = patterned(4 * 1024 * 1024 + 5, 1);
        byte[] item = patterned(400 * 1024, 2);
        byte[] exactlyOneBlock = patterned(SizeClasses.MAX_BLOCK_BYTES, 3);
        memory.write(new WriteBatch().put(bytes(1), ledgerRecord).put(bytes(2), item).put(bytes(3), exactlyOneBlock),
                false);
        StorageSnapshot snapshot = memory.snapshot();
        assertThat(memory.get(bytes(1))).isEqualTo(ledgerRecord);
        assertThat(memory.get(bytes(2))).isEqualTo(item);
        assertThat(memory.get(bytes(3))).isEqualTo(exactlyOneBlock);
        put(memory, bytes(1), bytes(9));
        assertThat(snapshot.get(bytes(1))).as("the snapshot keeps every piece").isEqualTo(ledgerRecord);
        try (StorageIterator iterator = snapshot.iterator(null, null)) {
            iterator.seekToFirst();
            assertThat(iterator.value()).isEqualTo(ledgerRecord);
        }
        snapshot.close();
        assertThat(memory.get(bytes(1))).containsExactly(bytes(9));
        // 4 MiB + 5 bytes took 64 blocks of 64 KiB and one of 16; after the overwrite only its replacement is left.
        assertThat(memory.valueMemory().allocatedBytes())
                .isEqualTo(16 + 400 * 1024 + SizeClasses.MAX_BLOCK_BYTES);
    }

    @Test
    void closeGivesBackTheValueMemory() {
        InMemoryStorageEngine memory = new InMemoryStorageEngine();
        put(memory, bytes(1), new byte[100_000]);
        put(memory, bytes(2), new byte[10]);
        StorageSnapshot snapshot = memory.snapshot();
        assertThat(memory.valueMemory().reservedBytes()).isEqualTo(3L * SlabAllocator.SLAB_BYTES);
        memory.close();
        assertThat(memory.valueMemory().reservedBytes()).isZero();
        assertThatThrownBy(() -> snapshot.get(bytes(1))).isInstanceOf(IllegalStateException.class)
                .hasMessage("storage engine is closed");
    }

    private static byte[] patterned(int length, int seed) {
        byte[] value = new byte[length];
        new Random(seed).nextBytes(value);
        return value;
    }
}
