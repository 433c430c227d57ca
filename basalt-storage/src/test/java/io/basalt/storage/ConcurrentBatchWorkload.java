package io.basalt.storage;

import static io.basalt.storage.StorageTestData.utf8;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Writers commit batches that rewrite a whole group of keys to one generation number (every other batch also
 * range-deletes the group first); readers check through live iterators, snapshots and backward scans that every
 * group they see is complete and uniform, i.e. that no reader ever observes half a batch.
 *
 * <p>Threads: this class starts {@code writers} threads named {@code storage-test-writer-N} and {@code readers}
 * threads named {@code storage-test-reader-N}; all are joined before {@link #run} returns.
 */
final class ConcurrentBatchWorkload {
    static final int KEYS_PER_GROUP = 8;

    private final StorageEngine engine;
    private final int writers;
    private final int readers;
    private final int batchesPerWriter;
    private final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean writing = new AtomicBoolean(true);

    ConcurrentBatchWorkload(StorageEngine engine, int writers, int readers, int batchesPerWriter) {
        this.engine = engine;
        this.writers = writers;
        this.readers = readers;
        this.batchesPerWriter = batchesPerWriter;
    }

    /** Runs the workload and returns every failure the threads hit (empty when the engine behaved). */
    List<Throwable> run() throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> writerThreads = new ArrayList<>();
        List<Thread> readerThreads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            writerThreads.add(new Thread(() -> guarded(start, () -> write(writer)), "storage-test-writer-" + w));
        }
        for (int r = 0; r < readers; r++) {
            int reader = r;
            readerThreads.add(new Thread(() -> guarded(start, () -> read(reader)), "storage-test-reader-" + r));
        }
        writerThreads.forEach(Thread::start);
        readerThreads.forEach(Thread::start);
        start.countDown();
        for (Thread thread : writerThreads) {
            thread.join(TimeUnit.SECONDS.toMillis(60));
        }
        writing.set(false);
        for (Thread thread : readerThreads) {
            thread.join(TimeUnit.SECONDS.toMillis(60));
        }
        return List.copyOf(failures);
    }

    private void guarded(CountDownLatch start, Runnable body) {
        try {
            start.await();
            body.run();
        } catch (Throwable failure) {
            failures.add(failure);
            writing.set(false);
        }
    }

    private void write(int writer) {
        for (int generation = 1; generation <= batchesPerWriter && failures.isEmpty(); generation++) {
            WriteBatch batch = new WriteBatch();
            if (generation % 2 == 0) {
                batch.deleteRange(groupStart(writer), groupEnd(writer));
            }
            for (int k = 0; k < KEYS_PER_GROUP; k++) {
                batch.put(key(writer, k), ByteBuffer.allocate(4).putInt(generation).array());
            }
            engine.write(batch, false);
            // A returned write is visible to every later read, including this thread's.
            int seen = ByteBuffer.wrap(engine.get(key(writer, KEYS_PER_GROUP - 1))).getInt();
            if (seen < generation) {
                throw new AssertionError("writer " + writer + " wrote generation " + generation + " but read " + seen);
            }
        }
    }

    private void read(int reader) {
        int[] lastSeen = new int[writers];
        while (writing.get()) {
            for (int writer = 0; writer < writers; writer++) {
                int generation = switch (reader % 3) {
                    case 0 -> groupGeneration(writer, engine.iterator(groupStart(writer), groupEnd(writer)), true);
                    case 1 -> snapshotGeneration(writer);
                    default -> groupGeneration(writer, engine.iterator(null, null), false);
                };
                if (generation < lastSeen[writer]) {
                    throw new AssertionError("reader " + reader + " saw group " + writer + " go back from generation "
                            + lastSeen[writer] + " to " + generation);
                }
                lastSeen[writer] = generation;
            }
        }
    }

    /** The group's generation read from one snapshot, by point reads and by a bounded scan. */
    private int snapshotGeneration(int writer) {
        try (StorageSnapshot snapshot = engine.snapshot()) {
            int scanned = groupGeneration(writer, snapshot.iterator(groupStart(writer), groupEnd(writer)), true);
            for (int k = 0; k < KEYS_PER_GROUP; k++) {
                byte[] value = snapshot.get(key(writer, k));
                int generation = value == null ? 0 : ByteBuffer.wrap(value).getInt();
                if (generation != scanned) {
                    throw new AssertionError("snapshot of group " + writer + " mixes generations " + scanned
                            + " and " + generation);
                }
            }
            return scanned;
        }
    }

    /** Checks the group is absent or complete with one generation, and returns that generation (0: absent). */
    private int groupGeneration(int writer, StorageIterator iterator, boolean forward) {
        List<Integer> generations = new ArrayList<>();
        try (iterator) {
            if (forward) {
                iterator.seek(groupStart(writer));
            } else {
                iterator.seekForPrev(key(writer, KEYS_PER_GROUP - 1));
            }
            String prefix = "group-" + writer + "/";
            while (iterator.isValid() && new String(iterator.key(), StandardCharsets.UTF_8)
                    .startsWith(prefix)) {
                generations.add(ByteBuffer.wrap(iterator.value()).getInt());
                if (forward) {
                    iterator.next();
                } else {
                    iterator.prev();
                }
            }
        }
        boolean uniform = generations.stream().distinct().count() <= 1;
        if (!uniform || (!generations.isEmpty() && generations.size() != KEYS_PER_GROUP)) {
            throw new AssertionError("group " + writer + " seen half-written: generations " + generations);
        }
        return generations.isEmpty() ? 0 : generations.get(0);
    }

    private static byte[] key(int writer, int index) {
        return utf8("group-" + writer + "/" + index);
    }

    private static byte[] groupStart(int writer) {
        return utf8("group-" + writer + "/");
    }

    private static byte[] groupEnd(int writer) {
        return utf8("group-" + writer + "0");
    }
}
