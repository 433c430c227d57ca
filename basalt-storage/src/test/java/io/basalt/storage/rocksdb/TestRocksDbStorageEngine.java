package io.basalt.storage.rocksdb;

import static io.basalt.storage.StorageTestData.bytes;
import static io.basalt.storage.StorageTestData.keys;
import static io.basalt.storage.StorageTestData.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.storage.AbstractStorageEngineTest;
import io.basalt.storage.StorageEngine;
import io.basalt.storage.StorageInUseException;
import io.basalt.storage.StorageIterator;
import io.basalt.storage.StorageSnapshot;
import io.basalt.storage.WriteBatch;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TestRocksDbStorageEngine extends AbstractStorageEngineTest {
    @Override
    protected StorageEngine createEngine(Path dir) {
        return RocksDbStorageEngine.open(dir.resolve("db"));
    }

    @Override
    protected StorageEngine openCheckpoint(Path dir) {
        return RocksDbStorageEngine.open(dir);
    }

    @Test
    void isPersistent() {
        assertThat(engine.isPersistent()).isTrue();
    }

    @Test
    void aDirectoryAlreadyOpenIsReportedAsInUse() {
        Path db = directory.resolve("db");
        assertThatThrownBy(() -> RocksDbStorageEngine.open(db))
                .isInstanceOfSatisfying(StorageInUseException.class, e -> {
                    assertThat(e.directory()).isEqualTo(db);
                    assertThat(e.lockFile()).isEqualTo(db.resolve("LOCK"));
                });
        // The first engine is untouched by the refused second one.
        put(engine, bytes(1), bytes(10));
        assertThat(engine.get(bytes(1))).containsExactly(bytes(10));
    }

    @Test
    void syncedWritesSurviveCloseAndReopen() {
        engine.write(new WriteBatch().put(bytes(1), bytes(10)).put(bytes(2), bytes(20)), true);
        engine.write(new WriteBatch().deleteRange(bytes(2), bytes(3)).put(bytes(0xFF), bytes(0xFF)), true);
        put(engine, bytes(3), bytes(30));
        engine.sync();
        engine.close();

        engine = createEngine(directory);
        assertThat(engine.get(bytes(1))).containsExactly(bytes(10));
        assertThat(engine.get(bytes(2))).isNull();
        assertThat(keys(engine, null, null)).containsExactly("01", "03", "ff");
    }

    @Test
    void abandonedIteratorsAndSnapshotsDoNotBreakClose() {
        for (int k = 1; k <= 100; k++) {
            put(engine, bytes(k), bytes(k));
        }
        StorageIterator liveIterator = engine.iterator(bytes(10), bytes(90));
        liveIterator.seek(bytes(50));
        StorageSnapshot snapshot = engine.snapshot();
        StorageIterator snapshotIterator = snapshot.iterator(null, null);
        snapshotIterator.seekToLast();
        StorageSnapshot closedSnapshot = engine.snapshot();
        StorageIterator orphan = closedSnapshot.iterator(null, bytes(5));
        closedSnapshot.close();

        engine.close();

        assertThatThrownBy(liveIterator::next).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(snapshotIterator::key).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> snapshot.get(bytes(1))).isInstanceOf(IllegalStateException.class);
        liveIterator.close();
        snapshotIterator.close();
        orphan.close();
        snapshot.close();

        engine = createEngine(directory);
        assertThat(keys(engine, null, null)).hasSize(100);
    }

    @Test
    void blockCacheIsSizedFromTheMachineWithinBounds() {
        assertThat(RocksDbStorageEngine.blockCacheBytes()).isBetween(64L << 20, 1L << 30);
    }

    @Test
    void enginesSharingNodeResourcesWorkAndCloseIndependently() {
        try (RocksDbResources shared = RocksDbResources.create(8L * 1024 * 1024, 4L * 1024 * 1024)) {
            StorageEngine first = RocksDbStorageEngine.open(directory.resolve("group-1"), shared);
            StorageEngine second = RocksDbStorageEngine.open(directory.resolve("group-2"), shared);
            put(first, bytes(1), bytes(10));
            put(second, bytes(1), bytes(20));
            first.close();
            // The shared cache outlives the first engine: the second keeps reading and writing through it.
            assertThat(second.get(bytes(1))).containsExactly(bytes(20));
            put(second, bytes(2), bytes(21));
            second.close();
            try (StorageEngine reopened = RocksDbStorageEngine.open(directory.resolve("group-1"), shared)) {
                assertThat(reopened.get(bytes(1))).containsExactly(bytes(10));
            }
        }
    }
}
