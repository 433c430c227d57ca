package io.basalt.storage.memory;

import static io.basalt.storage.StorageTestData.bytes;
import static io.basalt.storage.StorageTestData.put;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.storage.AbstractStorageEngineTest;
import io.basalt.storage.StorageEngine;
import io.basalt.storage.StorageIterator;
import io.basalt.storage.StorageSnapshot;
import io.basalt.storage.WriteBatch;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TestInMemoryStorageEngine extends AbstractStorageEngineTest {
    @Override
    protected StorageEngine createEngine(Path dir) {
        return new InMemoryStorageEngine();
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
}
