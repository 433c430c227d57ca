package io.basalt.storage.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.storage.StorageIterator;
import io.basalt.storage.StorageSnapshot;
import io.basalt.storage.WriteBatch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Readers race a writer whose every commit prunes the version it replaced, so the freed block is reused by the very
 * next value of its size (free lists are last in, first out). Every value names its key and generation and fills
 * its body with a pattern derived from both, so a copy that mixed two values' bytes cannot pass for a whole one.
 *
 * <p>Threads: one writer ({@code value-race-writer}), one thread that keeps replacing a shared snapshot
 * ({@code value-race-snapshots}) and a reader per read path ({@code value-race-reader-N}); all are joined.
 */
class TestInMemoryValueRaces {
    private static final int KEYS = 24;
    private static final int[] LENGTHS = {12, 40, 1000, 1000, 1000, 1200, 5000, 70_000};
    private static final long RUN_NANOS = TimeUnit.SECONDS.toNanos(3);

    private final InMemoryStorageEngine engine = new InMemoryStorageEngine();
    private final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicReference<StorageSnapshot> shared = new AtomicReference<>();

    @AfterEach
    void close() {
        engine.close();
    }

    @Test
    void readersAlwaysSeeWholeValuesWhileBlocksAreFreedAndReused() throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        threads.add(new Thread(guarded(this::write), "value-race-writer"));
        threads.add(new Thread(guarded(this::replaceSharedSnapshot), "value-race-snapshots"));
        threads.add(new Thread(guarded(this::readPoints), "value-race-reader-0"));
        threads.add(new Thread(guarded(this::readSnapshots), "value-race-reader-1"));
        threads.add(new Thread(guarded(this::readIterators), "value-race-reader-2"));
        threads.add(new Thread(guarded(this::readSharedSnapshot), "value-race-reader-3"));
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(60));
        }
        assertThat(failures).isEmpty();
        StorageSnapshot last = shared.getAndSet(null);
        if (last != null) {
            last.close();
        }
        // Nothing pins old versions any more: only the live values hold blocks.
        assertThat(engine.retainedVersionCount()).isLessThanOrEqualTo(KEYS);
    }

    /**
     * With only point readers, no reader is ever pinned, so the writer overwrites values in place: the version a
     * reader found changes its block and sequence under it, and the old block is reused by the next value.
     */
    @Test
    void pointReadersSeeWholeValuesWhileOverwritesHappenInPlace() throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        threads.add(new Thread(guarded(this::write), "value-race-writer"));
        for (int i = 0; i < 3; i++) {
            threads.add(new Thread(guarded(this::readPoints), "value-race-reader-" + i));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(60));
        }
        assertThat(failures).isEmpty();
        assertThat(engine.retainedVersionCount()).isLessThanOrEqualTo(KEYS);
    }

    private void write() {
        Random random = new Random(1);
        long deadline = System.nanoTime() + RUN_NANOS;
        for (int generation = 1; System.nanoTime() < deadline && failures.isEmpty(); generation++) {
            WriteBatch batch = new WriteBatch();
            if (generation % 50 == 0) {
                batch.deleteRange(key(0), key(KEYS / 4));
            }
            for (int i = 0; i < 3; i++) {
                int key = random.nextInt(KEYS);
                if (random.nextInt(20) == 0) {
                    batch.delete(key(key));
                } else {
                    batch.put(key(key), value(key, generation, LENGTHS[random.nextInt(LENGTHS.length)]));
                }
            }
            engine.write(batch, false);
        }
        running.set(false);
    }

    private void readPoints() {
        int[] lastSeen = new int[KEYS];
        while (running.get()) {
            for (int key = 0; key < KEYS; key++) {
                byte[] value = engine.get(key(key));
                if (value != null) {
                    int generation = check(key, value);
                    // Batches with a range delete can only hide keys, never bring back an older value.
                    assertThat(generation).as("key %d went back in time", key).isGreaterThanOrEqualTo(lastSeen[key]);
                    lastSeen[key] = generation;
                }
            }
        }
    }

    private void readSnapshots() {
        while (running.get()) {
            try (StorageSnapshot snapshot = engine.snapshot()) {
                for (int key = 0; key < KEYS; key += 3) {
                    byte[] value = snapshot.get(key(key));
                    if (value != null) {
                        check(key, value);
                    }
                }
                walk(snapshot.iterator(null, null));
            }
        }
    }

    private void readIterators() {
        while (running.get()) {
            walk(engine.iterator(key(KEYS / 2), null));
        }
    }

    /** Closes and replaces a snapshot that another thread is reading through. */
    private void replaceSharedSnapshot() {
        while (running.get()) {
            StorageSnapshot previous = shared.getAndSet(engine.snapshot());
            if (previous != null) {
                previous.close();
            }
            Thread.onSpinWait();
        }
    }

    /** A read through a snapshot closed meanwhile fails; it never returns bytes of a value written after it. */
    private void readSharedSnapshot() {
        while (running.get()) {
            StorageSnapshot snapshot = shared.get();
            if (snapshot == null) {
                continue;
            }
            for (int key = 0; key < KEYS; key++) {
                try {
                    byte[] value = snapshot.get(key(key));
                    if (value != null) {
                        check(key, value);
                    }
                } catch (IllegalStateException closed) {
                    assertThat(closed).hasMessage("snapshot is closed");
                    break;
                }
            }
        }
    }

    private void walk(StorageIterator iterator) {
        try (iterator) {
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                check(ByteBuffer.wrap(iterator.key()).getInt(), iterator.value());
            }
        }
    }

    /** Fails unless {@code value} is exactly one value written for {@code key}; returns its generation. */
    private static int check(int key, byte[] value) {
        assertThat(value.length).as("length of a value of key %d", key).isGreaterThanOrEqualTo(12);
        ByteBuffer header = ByteBuffer.wrap(value);
        int writtenKey = header.getInt();
        int generation = header.getInt();
        int length = header.getInt();
        assertThat(writtenKey).as("key named by a value read for key %d", key).isEqualTo(key);
        assertThat(length).as("length named by a value of key %d", key).isEqualTo(value.length);
        byte[] expected = value(key, generation, length);
        if (!Arrays.equals(value, expected)) {
            throw new AssertionError("torn value for key " + key + " generation " + generation);
        }
        return generation;
    }

    private static byte[] value(int key, int generation, int length) {
        ByteBuffer value = ByteBuffer.allocate(length).putInt(key).putInt(generation).putInt(length);
        for (int i = value.position(); i < length; i++) {
            value.put((byte) (key * 31 + generation * 7 + i));
        }
        return value.array();
    }

    private static byte[] key(int key) {
        return ByteBuffer.allocate(4).putInt(key).array();
    }

    private Runnable guarded(Runnable body) {
        return () -> {
            try {
                body.run();
            } catch (Throwable failure) {
                failures.add(failure);
                running.set(false);
            }
        };
    }
}
