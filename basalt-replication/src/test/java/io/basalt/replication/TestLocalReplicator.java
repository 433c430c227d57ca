package io.basalt.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import io.basalt.partition.apply.GroupApplyState;
import io.basalt.partition.apply.GroupStateMachine;
import io.basalt.partition.encoding.ByteWriter;
import io.basalt.partition.log.MetaEntry;
import io.basalt.partition.log.OperationList;
import io.basalt.partition.log.PartitionEntry;
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
    /** Tables 1..TABLES of one partition each: a concurrent test gives each appending thread its own. */
    private static final int TABLES = 16;

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
        replicator = open(storage.syncDelay(1), true);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int i = 1; i <= 500; i++) {
            // Every entry rewrites one key and writes its own: the last write of the shared key must win.
            done.add(replicator.append(entry(i, new WriteBatch().put(bytes("shared"), bytes("v" + i))
                    .put(bytes("own-" + i), bytes("v" + i)))));
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).join();
        assertThat(storage.get(key(1, "shared"))).isEqualTo(bytes("v500"));

        List<String> order = new ArrayList<>();
        for (WriteBatch batch : storage.batches()) {
            for (WriteBatch.Operation operation : batch.operations()) {
                byte[] stored = ((WriteBatch.Put) operation).key();
                if (stored[0] != KeyLayout.ITEMS) {
                    continue;
                }
                String key = new String(stored, ITEM_PREFIX, stored.length - ITEM_PREFIX, StandardCharsets.UTF_8);
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
        replicator = open(storage, false);
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
                    CompletableFuture<Void> appended = replicator.append(entry(thread + 1, i + 1,
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
                assertThat(storage.get(key(t + 1, t + "/" + i))).as("%d/%d", t, i).isNotNull();
            }
        }
        assertThat(storage.syncFlags()).containsOnly(false);
    }

    @Test
    void groupCommitSharesOneSyncedWriteAmongConcurrentEntries() throws Exception {
        replicator = open(storage.syncDelay(5), true);
        int threads = 8;
        int perThread = 50;
        List<CompletableFuture<Void>> done = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> appenders = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            appenders.add(new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    done.add(replicator.append(entry(thread + 1, i + 1, new WriteBatch().put(
                            bytes(thread + "/" + i), bytes("x")))));
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
                assertThat(storage.get(key(t + 1, t + "/" + i))).isNotNull();
            }
        }
    }

    @Test
    void closedLoopWritersAlsoShareSyncs() throws Exception {
        // Each writer waits for its previous write, as a client does; a group still holds one entry per writer.
        // A sync of 20 ms leaves a loaded machine time to wake the writers before the next group is taken.
        replicator = open(storage.syncDelay(20), true);
        int threads = 16;
        int perThread = 20;
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            writers.add(new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    replicator.append(entry(thread + 1, i + 1, new WriteBatch().put(bytes(thread + "/" + i),
                            bytes("x")))).join();
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
        replicator = open(storage, true);
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
        assertThat(storage.get(key(1, "before"))).isNotNull();
        assertThat(storage.get(key(1, "b3"))).isNull();
    }

    @Test
    void entriesGoThroughTheGroupStateMachineWithTheAppliedIndex() {
        replicator = open(storage.syncDelay(1), true);
        for (int i = 1; i <= 20; i++) {
            replicator.append(entry(1 + i % 2, (i + 1) / 2, new WriteBatch().put(bytes("k" + i), bytes("x")))).join();
        }
        assertThat(GroupApplyState.decode(storage.get(KeyLayout.groupStateKey(GroupStateMachine.LOCAL_GROUP_ID))))
                .isEqualTo(new GroupApplyState(0, 20));
    }

    @Test
    void metadataEntriesShareTheLogAndItsAppliedIndexAndAreSyncedEvenWhenItemWritesAreNot() {
        replicator = open(storage, false);
        replicator.append(entry(1, new WriteBatch().put(bytes("a"), bytes("x")))).join();
        byte[] catalogKey = KeyLayout.catalogKey("T");
        replicator.appendMeta(new MetaEntry(List.of(new WriteBatch.Put(catalogKey, bytes("table"))))).join();
        replicator.append(entry(2, new WriteBatch().put(bytes("b"), bytes("x")))).join();
        assertThat(storage.get(catalogKey)).isEqualTo(bytes("table"));
        assertThat(storage.syncFlags()).as("item writes unsynced, the catalog change synced")
                .containsExactly(false, true, false);
        assertThat(GroupApplyState.decode(storage.get(KeyLayout.groupStateKey(GroupStateMachine.LOCAL_GROUP_ID))))
                .as("one log, one applied index").isEqualTo(new GroupApplyState(0, 3));
    }

    @Test
    void aRejectedMetadataEntryStopsTheLocalLog() {
        replicator = open(storage, true);
        CompletableFuture<Void> outside = replicator.appendMeta(new MetaEntry(List.of(
                new WriteBatch.Put(key(1, "item"), bytes("x")))));
        assertThatThrownBy(outside::join).cause().isInstanceOfSatisfying(BasaltException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_SERVER_ERROR));
        assertThat(storage.get(key(1, "item"))).isNull();
        CompletableFuture<Void> later = replicator.append(entry(1, new WriteBatch().put(bytes("c"), bytes("x"))));
        assertThatThrownBy(later::join).cause().isInstanceOf(BasaltException.class);
    }

    @Test
    void aRejectedEntryStopsTheLocalLogLikeAStorageFailure() {
        replicator = open(storage, true);
        replicator.append(entry(1, new WriteBatch().put(bytes("a"), bytes("x")))).join();
        int writes = storage.writes();

        // A repeated sequence can only come from a defect; nothing evaluated after it may apply.
        CompletableFuture<Void> repeated = replicator.append(entry(1, new WriteBatch().put(bytes("b"), bytes("x"))));
        assertThatThrownBy(repeated::join).cause().isInstanceOfSatisfying(BasaltException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_SERVER_ERROR));
        CompletableFuture<Void> later = replicator.append(entry(2, new WriteBatch().put(bytes("c"), bytes("x"))));
        assertThatThrownBy(later::join).cause().isInstanceOf(BasaltException.class);
        assertThat(storage.get(key(1, "b"))).isNull();
        assertThat(storage.get(key(1, "c"))).isNull();
        assertThat(storage.writes()).as("only the applied index of the rejected entry").isEqualTo(writes + 1);
    }

    @Test
    void entriesQueuedBehindAFailedGroupFailToo() {
        replicator = open(storage.syncDelay(20), true);
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
        replicator = open(storage.syncDelay(2), true);
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int i = 1; i <= 300; i++) {
            done.add(replicator.append(entry(i, new WriteBatch().put(bytes("k" + i), bytes("x")))));
        }
        replicator.close();
        assertThat(done).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        for (int i = 1; i <= 300; i++) {
            assertThat(storage.get(key(1, "k" + i))).isNotNull();
        }

        CompletableFuture<Void> late = replicator.append(entry(301, new WriteBatch().put(bytes("late"), bytes("x"))));
        assertThatThrownBy(late::join).hasCauseInstanceOf(BasaltException.class)
                .cause().satisfies(e -> {
                    assertThat(((BasaltException) e).code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE);
                    assertThat(e).hasMessage("Server is shutting down");
                });
        assertThat(storage.get(key(1, "late"))).isNull();
        replicator.close();
    }

    @Test
    void appendsRacingWithCloseAlwaysComplete() throws Exception {
        for (int round = 0; round < 5; round++) {
            FakeStorage roundStorage = new FakeStorage();
            LocalReplicator racing = open(roundStorage, false);
            List<CompletableFuture<Void>> done = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> appenders = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                appenders.add(new Thread(() -> {
                    for (int i = 1; i <= 300; i++) {
                        done.add(racing.append(entry(thread + 1, i, new WriteBatch().put(bytes("k"),
                                bytes("v")))));
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

    /** The replicator over the local group's state machine, which holds tables 1..TABLES. */
    private static LocalReplicator open(FakeStorage storage, boolean sync) {
        GroupStateMachine stateMachine = new GroupStateMachine(storage, GroupStateMachine.LOCAL_GROUP_ID);
        for (int table = 1; table <= TABLES; table++) {
            stateMachine.openPartition(PartitionDescriptor.open(new PartitionId(table), table, 0, -1L,
                    GroupStateMachine.LOCAL_GROUP_ID), List.of());
        }
        return new LocalReplicator(stateMachine, sync);
    }

    /** Table 1's entry at {@code sequence}, putting {@code batch}'s puts under item keys named by their keys. */
    static PartitionEntry entry(long sequence, WriteBatch batch) {
        return entry(1, sequence, batch);
    }

    static PartitionEntry entry(long table, long sequence, WriteBatch batch) {
        OperationList.Builder operations = OperationList.builder(batch.size());
        for (WriteBatch.Operation operation : batch.operations()) {
            WriteBatch.Put put = (WriteBatch.Put) operation;
            operations.put(key(table, new String(put.key(), StandardCharsets.UTF_8)), put.value());
        }
        // Table t's one partition has id t.
        return new PartitionEntry(new PartitionId(table), table, sequence, 0, 0, operations.build());
    }

    private static final int ITEM_PREFIX = 1 + 8 + 2 + 8;

    /** An item key of {@code table}'s only partition: {@code [0x02][table][index 0][hash 0][name]}. */
    static byte[] key(long table, String name) {
        return new ByteWriter(32).writeByte(KeyLayout.ITEMS).writeLong(table).writeByte(0).writeByte(0)
                .writeLong(0).writeBytes(bytes(name)).toByteArray();
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
