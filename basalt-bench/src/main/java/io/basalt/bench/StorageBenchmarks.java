package io.basalt.bench;

import io.basalt.partition.encoding.ItemCodec;
import io.basalt.storage.StorageEngine;
import io.basalt.storage.WriteBatch;
import io.basalt.storage.memory.InMemoryStorageEngine;
import io.basalt.storage.rocksdb.RocksDbStorageEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Point reads and single-key write batches on both storage engines, over a store preloaded with the harness's
 * 100,000 items (~1 KB each, stored keys and values as the partition layer writes them), each operation on a
 * random key. The durable write is {@code write(batch, true)}: the WAL is synced before it returns, as the local
 * replicator does once per group commit; the in-memory engine ignores the flag, so its {@code putSynced} is a
 * control.
 */
public class StorageBenchmarks extends MicroBenchmark {
    /** One engine, preloaded, with a precomputed random order of its keys. */
    @State(Scope.Benchmark)
    public static class Store {
        /** A power of two, so that a mask turns the counter into an index. */
        private static final int PICKS = 1 << 17;
        private static final int LOAD_BATCH = 1_000;

        @Param({"in-memory", "rocksdb"})
        public String engine;

        @Param("100000")
        public int keyCount;

        StorageEngine storage;
        byte[] value;
        Path directory;
        private byte[][] picks;
        private int counter;

        @Setup
        public void setUp() throws IOException {
            switch (engine) {
                case "in-memory":
                    storage = new InMemoryStorageEngine();
                    break;
                case "rocksdb":
                    directory = Files.createTempDirectory("basalt-bench-storage-");
                    storage = RocksDbStorageEngine.open(directory);
                    break;
                default:
                    throw new IllegalArgumentException("unknown engine " + engine);
            }
            value = ItemCodec.encode(BenchItems.item("key0"));
            byte[][] keys = new byte[keyCount][];
            WriteBatch batch = new WriteBatch();
            for (int i = 0; i < keyCount; i++) {
                keys[i] = BenchItems.storageKey("key" + i);
                batch.put(keys[i], value);
                if (batch.size() == LOAD_BATCH || i == keyCount - 1) {
                    storage.write(batch, false);
                    batch = new WriteBatch();
                }
            }
            storage.sync();
            Random random = new Random(42);
            picks = new byte[PICKS][];
            for (int i = 0; i < PICKS; i++) {
                picks[i] = keys[random.nextInt(keyCount)];
            }
        }

        @TearDown
        public void tearDown() throws IOException {
            storage.close();
            if (directory != null) {
                try (Stream<Path> files = Files.walk(directory)) {
                    files.sorted(Comparator.reverseOrder()).forEach(StorageBenchmarks.Store::delete);
                }
            }
        }

        byte[] nextKey() {
            return picks[counter++ & (PICKS - 1)];
        }

        private static void delete(Path path) {
            try {
                Files.delete(path);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Benchmark
    public byte[] get(Store store) {
        return store.storage.get(store.nextKey());
    }

    /** Returns the key written. */
    @Benchmark
    public byte[] put(Store store) {
        return write(store, false);
    }

    /** Returns the key written, durably. */
    @Benchmark
    public byte[] putSynced(Store store) {
        return write(store, true);
    }

    private static byte[] write(Store store, boolean sync) {
        byte[] key = store.nextKey();
        store.storage.write(new WriteBatch().put(key, store.value), sync);
        return key;
    }
}
