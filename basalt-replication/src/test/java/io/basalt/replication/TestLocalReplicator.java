package io.basalt.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.partition.LogEntry;
import io.basalt.partition.PartitionId;
import io.basalt.storage.WriteBatch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TestLocalReplicator {
    private static final PartitionId PARTITION = new PartitionId(1, 0);

    private final FakeStorage storage = new FakeStorage();
    private LocalReplicator replicator;

    @AfterEach
    void close() {
        if (replicator != null) {
            replicator.close();
        }
        storage.close();
    }

    @Test
    void entriesAreAppliedInAppendOrder() {
        replicator = new LocalReplicator(storage.syncDelay(1), true);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int i = 1; i <= 500; i++) {
            // Every entry rewrites one key and writes its own: the last write of the shared key must win.
            done.add(replicator.append(entry(i, new WriteBatch().put(bytes("shared"), bytes("v" + i))
                    .put(bytes("own-" + i), bytes("v" + i)))));
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).join();
        assertThat(storage.get(bytes("shared"))).isEqualTo(bytes("v500"));

        List<String> order = new ArrayList<>();
        for (WriteBatch batch : storage.batches()) {
            for (WriteBatch.Operation operation : batch.operations()) {
                String key = new String(((WriteBatch.Put) operation).key(), StandardCharsets.UTF_8);
                if (key.startsWith("own-")) {
                    order.add(key);
                }
            }
        }
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= 500; i++) {
            expected.add("own-" + i);
        }
        assertThat(order).isEqualTo(expected);
        assertThat(storage.syncFlags()).containsOnly(true);
    }

    @Test
    void manyConcurrentAppendersAllCompleteAndAllWritesAreStored() throws Exception {
        replicator = new LocalReplicator(storage, false);
        int threads = 8;
        int perThread = 1000;
        List<CompletableFuture<Void>> done = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> appenders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            appenders.add(new Thread(() -> {
                awaitQuietly(start);
                for (int i = 0; i < perThread; i++) {
                    CompletableFuture<Void> appended = replicator.append(entry(i + 1,
                            new WriteBatch().put(bytes(thread + "/" + i), bytes("x"))));
                    done.add(appended);
                    if (i % 10 == 0) {
                        appended.join();
                    }
                }
            }));
        }
        appenders.forEach(Thread::start);
        start.countDown();
        for (Thread appender : appenders) {
            appender.join();
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        assertThat(done).hasSize(threads * perThread).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                assertThat(storage.get(bytes(t + "/" + i))).as("%d/%d", t, i).isNotNull();
            }
        }
        assertThat(storage.syncFlags()).containsOnly(false);
    }

    @Test
    void groupCommitSharesOneSyncedWriteAmongConcurrentEntries() throws Exception {
        replicator = new LocalReplicator(storage.syncDelay(5), true);
        int threads = 8;
        int perThread = 50;
        List<CompletableFuture<Void>> done = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> appenders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            appenders.add(new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    done.add(replicator.append(entry(i + 1, new WriteBatch().put(bytes(thread + "/" + i),
                            bytes("x")))));
                }
            }));
        }
        appenders.forEach(Thread::start);
        for (Thread appender : appenders) {
            appender.join();
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        int entries = threads * perThread;
        // One-by-one this would take 400 writes (2 s); grouped, writes arrive while the previous one syncs.
        assertThat(storage.writes()).as("writes for %d entries", entries).isLessThan(entries / 10);
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                assertThat(storage.get(bytes(t + "/" + i))).isNotNull();
            }
        }
    }

    @Test
    void closedLoopWritersAlsoShareSyncs() throws Exception {
        // Each writer waits for its previous write, as a client does; a group still holds one entry per writer.
        // A sync of 20 ms leaves a loaded machine time to wake the writers before the next group is taken.
        replicator = new LocalReplicator(storage.syncDelay(20), true);
        int threads = 16;
        int perThread = 20;
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            writers.add(new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    replicator.append(entry(i + 1, new WriteBatch().put(bytes(thread + "/" + i), bytes("x"))))
                            .join();
                }
            }));
        }
        writers.forEach(Thread::start);
        for (Thread writer : writers) {
            writer.join();
        }
        assertThat(storage.writes()).isLessThan(threads * perThread / 3);
    }

    @Test
    void aStorageFailureFailsTheEntryAndEveryLaterOne() {
        replicator = new LocalReplicator(storage, true);
        replicator.append(entry(1, new WriteBatch().put(bytes("before"), bytes("x")))).join();

        RuntimeException diskError = new IllegalStateException("disk on fire");
        storage.failWith(diskError);
        CompletableFuture<Void> failed = replicator.append(entry(2, new WriteBatch().put(bytes("a"), bytes("x"))));
        assertFailsWithInternalError(failed, diskError);
        int writesAtFailure = storage.writes();

        // Fail-stop: later entries fail without touching storage again, even once it works.
        storage.failWith(null);
        for (int i = 3; i < 10; i++) {
            assertFailsWithInternalError(replicator.append(entry(i, new WriteBatch().put(bytes("b" + i),
                    bytes("x")))), diskError);
        }
        assertThat(storage.writes()).isEqualTo(writesAtFailure);
        assertThat(storage.get(bytes("before"))).isNotNull();
        assertThat(storage.get(bytes("b3"))).isNull();
    }

    @Test
    void entriesQueuedBehindAFailedGroupFailToo() {
        replicator = new LocalReplicator(storage.syncDelay(20), true);
        RuntimeException diskError = new IllegalStateException("disk on fire");
        // The first entry occupies the committer; the rest queue up and go to storage after it has failed.
        CompletableFuture<Void> first = replicator.append(entry(1, new WriteBatch().put(bytes("first"),
                bytes("x"))));
        sleep(5);
        storage.failWith(diskError);
        List<CompletableFuture<Void>> queued = new ArrayList<>();
        for (int i = 2; i < 50; i++) {
            queued.add(replicator.append(entry(i, new WriteBatch().put(bytes("q" + i), bytes("x")))));
        }
        // Whether the first entry reached storage before the failure depends on scheduling; the queued ones
        // went to storage after it, and must all fail.
        first.handle((ignored, failure) -> null).join();
        for (CompletableFuture<Void> future : queued) {
            assertFailsWithInternalError(future, diskError);
        }
    }

    @Test
    void closeDrainsEveryAppendedEntry() {
        replicator = new LocalReplicator(storage.syncDelay(2), true);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int i = 1; i <= 300; i++) {
            done.add(replicator.append(entry(i, new WriteBatch().put(bytes("k" + i), bytes("x")))));
        }
        replicator.close();
        assertThat(done).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        for (int i = 1; i <= 300; i++) {
            assertThat(storage.get(bytes("k" + i))).isNotNull();
        }

        CompletableFuture<Void> late = replicator.append(entry(301, new WriteBatch().put(bytes("late"), bytes("x"))));
        assertThatThrownBy(late::join).hasCauseInstanceOf(BasaltException.class)
                .cause().satisfies(e -> {
                    assertThat(((BasaltException) e).code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE);
                    assertThat(e).hasMessage("Server is shutting down");
                });
        assertThat(storage.get(bytes("late"))).isNull();
        replicator.close();
    }

    @Test
    void appendsRacingWithCloseAlwaysComplete() throws Exception {
        for (int round = 0; round < 5; round++) {
            FakeStorage roundStorage = new FakeStorage();
            LocalReplicator racing = new LocalReplicator(roundStorage, false);
            List<CompletableFuture<Void>> done = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> appenders = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                appenders.add(new Thread(() -> {
                    for (int i = 1; i <= 300; i++) {
                        done.add(racing.append(entry(i, new WriteBatch().put(bytes("k"), bytes("v")))));
                    }
                }));
            }
            appenders.forEach(Thread::start);
            racing.close();
            for (Thread appender : appenders) {
                appender.join();
            }
            // Each append is either made durable or refused; none may be left hanging.
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).exceptionally(e -> null)
                    .get(10, TimeUnit.SECONDS);
            roundStorage.close();
        }
    }

    private static void assertFailsWithInternalError(CompletableFuture<Void> future, Throwable cause) {
        assertThatThrownBy(future::join).isInstanceOf(CompletionException.class)
                .cause().isInstanceOfSatisfying(BasaltException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_SERVER_ERROR);
                    assertThat(e).hasMessage("Internal server error");
                    assertThat(e.getCause()).isSameAs(cause);
                });
    }

    static LogEntry entry(long index, WriteBatch batch) {
        return new LogEntry(PARTITION, index, batch);
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
