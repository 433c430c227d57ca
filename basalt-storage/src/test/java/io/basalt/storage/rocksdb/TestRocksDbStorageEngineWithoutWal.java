package io.basalt.storage.rocksdb;

import static io.basalt.storage.StorageTestData.bytes;
import static io.basalt.storage.StorageTestData.keys;
import static io.basalt.storage.StorageTestData.put;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.storage.AbstractStorageEngineTest;
import io.basalt.storage.StorageEngine;
import io.basalt.storage.WriteBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A replication group's store: RocksDB without its write-ahead log (docs/design/cluster.md §6.3). The whole engine
 * contract holds, nothing is written to a WAL, and a sync flushes the memtables instead.
 */
class TestRocksDbStorageEngineWithoutWal extends AbstractStorageEngineTest {
    @Override
    protected StorageEngine createEngine(Path dir) {
        return RocksDbStorageEngine.open(dir.resolve("db"), null, false);
    }

    @Override
    protected StorageEngine openCheckpoint(Path dir) {
        return RocksDbStorageEngine.open(dir, null, false);
    }

    @Test
    void nothingIsWrittenToAWriteAheadLog() {
        for (int i = 0; i < 100; i++) {
            put(engine, bytes(i), bytes(i));
        }
        assertThat(bytesOf(directory.resolve("db"), ".log")).isZero();
        assertThat(bytesOf(directory.resolve("db"), ".sst")).isZero();
    }

    @Test
    void aSyncFlushesTheMemtablesToTables() {
        engine.write(new WriteBatch().put(bytes(1), bytes(10)), true);
        assertThat(bytesOf(directory.resolve("db"), ".sst")).isPositive();
        put(engine, bytes(2), bytes(20));
        engine.sync();
        engine.close();

        engine = createEngine(directory);
        assertThat(keys(engine, null, null)).containsExactly("01", "02");
    }

    @Test
    void unsyncedWritesSurviveACleanClose() {
        put(engine, bytes(1), bytes(10));
        engine.write(new WriteBatch().deleteRange(bytes(1), bytes(2)).put(bytes(3), bytes(30)), false);
        engine.close();

        engine = createEngine(directory);
        assertThat(engine.get(bytes(1))).isNull();
        assertThat(keys(engine, null, null)).containsExactly("03");
    }

    private static long bytesOf(Path db, String suffix) {
        try (Stream<Path> files = Files.list(db)) {
            return files.filter(file -> file.getFileName().toString().endsWith(suffix))
                    .mapToLong(file -> file.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
