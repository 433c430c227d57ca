package io.basalt.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.Operand;
import io.basalt.expressions.ast.UpdateExpression;
import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.model.Item;
import io.basalt.model.ItemSize;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.ConditionalCheckFailedException;
import io.basalt.partition.EvaluatedWrite;
import io.basalt.partition.ExpressionItemUpdate;
import io.basalt.partition.ItemUpdate;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionMetadata;
import io.basalt.partition.PartitionRecord;
import io.basalt.partition.PutItemOperation;
import io.basalt.partition.UpdateItemOperation;
import io.basalt.partition.apply.ApplyOutcome;
import io.basalt.partition.apply.GroupStateMachine;
import io.basalt.partition.encoding.ItemCodec;
import io.basalt.partition.log.PartitionEntry;
import io.basalt.storage.StorageEngine;
import io.basalt.storage.memory.InMemoryStorageEngine;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TestPartitionLeader {
    private static final KeySchema SCHEMA = KeySchema.of(new KeyAttribute("pk", AttributeType.S));
    private static final long TABLE = 3;
    private static final PartitionId ID = new PartitionId(1);
    private static final PartitionDescriptor DESCRIPTOR = PartitionDescriptor.open(ID, TABLE, 0, -1L,
            GroupStateMachine.LOCAL_GROUP_ID);

    private final StorageEngine storage = new InMemoryStorageEngine();
    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    @AfterEach
    void close() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(5, TimeUnit.SECONDS);
        storage.close();
    }

    @Test
    void concurrentIncrementsOfOneItemAreNeverLost() throws Exception {
        try (LocalReplicator replicator = local(false)) {
            PartitionLeader leader = new PartitionLeader(DESCRIPTOR, storage, SCHEMA, () -> 0L,
                    replicator, pool, index -> { });
            List<CompletableFuture<EvaluatedWrite>> writes = Collections.synchronizedList(new ArrayList<>());
            List<Thread> clients = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                clients.add(new Thread(() -> {
                    for (int i = 0; i < 125; i++) {
                        writes.add(leader.write(itemKey("counter"), increment("counter")));
                    }
                }));
            }
            clients.forEach(Thread::start);
            for (Thread client : clients) {
                client.join();
            }
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);

            assertThat(counter(ItemCodec.decode(storage.get(itemKey("counter"))))).isEqualTo(1000);
            Item stored = ItemCodec.decode(storage.get(itemKey("counter")));
            assertThat(leader.metadata().get(5, TimeUnit.SECONDS))
                    .isEqualTo(new PartitionMetadata(1000, 1, ItemSize.of(stored)));
            assertThat(PartitionRecord.metadataOf(storage.get(KeyLayout.partitionRecordKey(TABLE, ID))).appliedIndex())
                    .isEqualTo(1000);
            // Each write saw the one before it: the counter values it produced are exactly 1..1000.
            List<Long> produced = new ArrayList<>();
            for (CompletableFuture<EvaluatedWrite> write : writes) {
                produced.add(counter(write.join().outcome().newItem()));
            }
            Collections.sort(produced);
            for (int i = 0; i < produced.size(); i++) {
                assertThat(produced.get(i)).isEqualTo(i + 1);
            }
        }
    }

    @Test
    void writesAreEvaluatedInSubmissionOrder() throws Exception {
        try (LocalReplicator replicator = local(false)) {
            PartitionLeader leader = new PartitionLeader(DESCRIPTOR, storage, SCHEMA, () -> 0L,
                    replicator, pool, index -> { });
            List<CompletableFuture<EvaluatedWrite>> writes = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                // Different keys: order must hold across items of the partition, not just per item.
                writes.add(leader.write(itemKey("k" + (i % 7)), increment("k" + (i % 7))));
            }
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
            for (int i = 0; i < 500; i++) {
                // Evaluated in order: write i is its item's (i / 7 + 1)-th increment and the partition's i + 1-th
                // entry (evaluation and logging happen in one serial step).
                assertThat(counter(writes.get(i).join().outcome().newItem())).isEqualTo(i / 7 + 1);
                assertThat(writes.get(i).join().entry().sequence()).isEqualTo(i + 1);
            }
        }
    }

    @Test
    void aRejectedWriteFailsAloneAndLaterWritesProceed() throws Exception {
        try (LocalReplicator replicator = local(false)) {
            PartitionLeader leader = new PartitionLeader(DESCRIPTOR, storage, SCHEMA, () -> 0L,
                    replicator, pool, index -> { });
            leader.write(itemKey("a"), put("a", 1)).get(5, TimeUnit.SECONDS);
            CompletableFuture<EvaluatedWrite> rejected = leader.write(itemKey("a"), new PutItemOperation(key("a"),
                    counterItem("a", 2), new Condition.AttributeNotExists(DocumentPath.of("pk"))));
            assertThatThrownBy(rejected::join).isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(ConditionalCheckFailedException.class);
            EvaluatedWrite next = leader.write(itemKey("a"), increment("a")).get(5, TimeUnit.SECONDS);
            assertThat(counter(next.outcome().newItem())).isEqualTo(2);
            assertThat(next.entry().sequence()).as("the rejected write took no log index").isEqualTo(2);
        }
    }

    @ParameterizedTest(name = "synced log: {0}")
    @ValueSource(booleans = {false, true})
    void aWriteRacingShutdownFailsItsFutureInsteadOfThrowing(boolean sync) {
        LocalReplicator replicator = local(sync);
        ExecutorService stopped = Executors.newSingleThreadExecutor();
        stopped.shutdown();
        PartitionLeader leader = new PartitionLeader(DESCRIPTOR, storage, SCHEMA, () -> 0L,
                replicator, stopped, index -> { });
        replicator.close();
        CompletableFuture<EvaluatedWrite> write = leader.write(itemKey("a"), put("a", 1));
        assertThatThrownBy(write::join).hasCauseInstanceOf(BasaltException.class)
                .cause().satisfies(cause -> assertThat(((BasaltException) cause).code())
                        .isEqualTo(ErrorCode.SERVICE_UNAVAILABLE));
    }

    @Test
    void anUnexpectedEvaluationFailureIsAnInternalError() throws Exception {
        try (LocalReplicator replicator = local(false)) {
            PartitionLeader leader = new PartitionLeader(DESCRIPTOR, storage, SCHEMA, () -> 0L,
                    replicator, pool, index -> { });
            // An unbound placeholder never reaches a partition through a handler: evaluating it is a defect.
            CompletableFuture<EvaluatedWrite> broken = leader.write(itemKey("a"), new PutItemOperation(key("a"),
                    counterItem("a", 1), new Condition.Comparison(new Operand.ValuePlaceholder(":unbound"),
                            Condition.Comparator.EQ, new Operand.Path(DocumentPath.of("pk")))));
            assertThatThrownBy(broken::join).cause().isInstanceOfSatisfying(BasaltException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_SERVER_ERROR));
            assertThat(leader.write(itemKey("a"), put("a", 1)).get(5, TimeUnit.SECONDS))
                    .isNotNull();
        }
    }

    @Test
    void closeWaitsForInFlightWritesAndLaterWritesFail() throws Exception {
        GatedReplicator replicator = new GatedReplicator(storage);
        PartitionLeader leader = new PartitionLeader(DESCRIPTOR, storage, SCHEMA, () -> 0L,
                replicator, pool, index -> { });
        List<CompletableFuture<EvaluatedWrite>> accepted = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            accepted.add(leader.write(itemKey("k" + i), put("k" + i, i)));
        }
        CompletableFuture<Void> closed = leader.close();
        CompletableFuture<EvaluatedWrite> late = leader.write(itemKey("late"), put("late", 1));

        assertThatThrownBy(() -> late.get(5, TimeUnit.SECONDS)).cause()
                .isInstanceOfSatisfying(BasaltException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_NOT_FOUND);
                    assertThat(e).hasMessage("Requested resource not found");
                });
        Thread.sleep(50);
        assertThat(closed).as("entries are still in flight").isNotDone();
        assertThat(replicator.pending()).isEqualTo(5);

        replicator.releaseAll();
        closed.get(5, TimeUnit.SECONDS);
        for (CompletableFuture<EvaluatedWrite> write : accepted) {
            assertThat(write).isCompletedWithValueMatching(w -> w.outcome().newItem() != null);
        }
        for (int i = 0; i < 5; i++) {
            assertThat(storage.get(itemKey("k" + i))).isNotNull();
        }
        assertThat(storage.get(itemKey("late"))).isNull();
        assertThat(leader.write(itemKey("later"), put("later", 1)))
                .failsWithin(5, TimeUnit.SECONDS);
    }

    @Test
    void closeOfAnIdlePartitionCompletesAtOnce() throws Exception {
        try (LocalReplicator replicator = local(false)) {
            PartitionLeader leader = new PartitionLeader(DESCRIPTOR, storage, SCHEMA, () -> 0L,
                    replicator, pool, index -> { });
            leader.write(itemKey("a"), put("a", 1)).get(5, TimeUnit.SECONDS);
            leader.close().get(5, TimeUnit.SECONDS);
            assertThat(leader.id()).isEqualTo(ID);
        }
    }

    @Test
    void aFailedAppendFailsTheWrite() {
        GatedReplicator replicator = new GatedReplicator(storage);
        PartitionLeader leader = new PartitionLeader(DESCRIPTOR, storage, SCHEMA, () -> 0L,
                replicator, pool, index -> { });
        CompletableFuture<EvaluatedWrite> write = leader.write(itemKey("a"), put("a", 1));
        BasaltException failure = new BasaltException(ErrorCode.INTERNAL_SERVER_ERROR, "Internal server error");
        replicator.awaitPending(1);
        replicator.failAll(failure);
        assertThatThrownBy(write::join).cause().isSameAs(failure);
        assertThat(storage.get(itemKey("a"))).isNull();
    }

    @Test
    void aNewLeaderContinuesTheLogOfItsPredecessor() throws Exception {
        try (LocalReplicator replicator = local(false)) {
            PartitionLeader first = new PartitionLeader(DESCRIPTOR, storage, SCHEMA, () -> 0L,
                    replicator, pool, index -> { });
            for (int i = 0; i < 10; i++) {
                first.write(itemKey("k" + i), put("k" + i, i)).get(5, TimeUnit.SECONDS);
            }
            first.close().get(5, TimeUnit.SECONDS);
            PartitionLeader second = new PartitionLeader(DESCRIPTOR, storage, SCHEMA, () -> 0L,
                    replicator, pool, index -> { });
            assertThat(second.metadata().get(5, TimeUnit.SECONDS)).isEqualTo(first.metadata().join());
            EvaluatedWrite next = second.write(itemKey("k0"), increment("k0")).get(5, TimeUnit.SECONDS);
            assertThat(next.entry().sequence()).isEqualTo(11);
            assertThat(counter(next.outcome().newItem())).isEqualTo(1);
        }
    }

    @Test
    void aFailedEntryFailsEveryLaterEntryAndTheLeaderStartsOverFromStorage() throws Exception {
        GatedReplicator replicator = new GatedReplicator(storage);
        PartitionLeader leader = new PartitionLeader(DESCRIPTOR, storage, SCHEMA, () -> 0L,
                replicator, pool, index -> { });
        CompletableFuture<EvaluatedWrite> first = leader.write(itemKey("a"), put("a", 1));
        List<CompletableFuture<EvaluatedWrite>> later = List.of(leader.write(itemKey("a"), increment("a")),
                leader.write(itemKey("a"), increment("a")));
        replicator.awaitPending(3);

        BasaltException failure = new BasaltException(ErrorCode.INTERNAL_SERVER_ERROR, "Internal server error");
        replicator.failFirst(failure);
        assertThatThrownBy(first::join).cause().isSameAs(failure);
        // Arrives while the entries evaluated on top of the failed one are still in flight: waits for them.
        CompletableFuture<EvaluatedWrite> afterReset = leader.write(itemKey("a"), increment("a"));
        Thread.sleep(50);
        assertThat(replicator.pending()).as("nothing evaluated on top of the failed entry").isEqualTo(2);

        replicator.releaseAll();
        for (CompletableFuture<EvaluatedWrite> write : later) {
            assertThatThrownBy(write::join).as("rejected: its sequence follows the failed entry's")
                    .cause().isInstanceOf(BasaltException.class);
        }
        replicator.awaitPending(1);
        replicator.releaseAll();
        EvaluatedWrite reset = afterReset.get(5, TimeUnit.SECONDS);
        assertThat(reset.outcome().oldItem()).as("evaluated on storage, not on the failed image").isNull();
        assertThat(reset.entry().sequence()).isEqualTo(1);
        assertThat(counter(ItemCodec.decode(storage.get(itemKey("a"))))).isEqualTo(1);
        assertThat(leader.metadata().get(5, TimeUnit.SECONDS)).isEqualTo(new PartitionMetadata(1, 1,
                ItemSize.of(reset.outcome().newItem())));
    }

    @ParameterizedTest(name = "the write it saw applied: {0}")
    @ValueSource(booleans = {true, false})
    void aRefusalThatSawAWriteInFlightIsAnsweredOnlyOnceThatWriteResolves(boolean applied) throws Exception {
        GatedReplicator replicator = new GatedReplicator(storage);
        PartitionLeader leader = new PartitionLeader(DESCRIPTOR, storage, SCHEMA, () -> 0L,
                replicator, pool, index -> { });
        CompletableFuture<EvaluatedWrite> created = leader.write(itemKey("a"), put("a", 1));
        replicator.awaitPending(1);
        // Evaluated against the in-flight image of "a": the condition fails, but no client may hear so before the
        // image is durable (a strong read of storage in between would still find no item).
        CompletableFuture<EvaluatedWrite> refused = leader.write(itemKey("a"), new PutItemOperation(key("a"),
                counterItem("a", 2), new Condition.AttributeNotExists(DocumentPath.of("pk"))));
        Thread.sleep(50);
        assertThat(refused).as("answered before the image it saw is durable").isNotDone();
        if (applied) {
            replicator.releaseAll();
            created.get(5, TimeUnit.SECONDS);
            assertThatThrownBy(() -> refused.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(
                    ConditionalCheckFailedException.class);
        } else {
            BasaltException lost = new BasaltException(ErrorCode.SERVICE_UNAVAILABLE, "Service unavailable");
            replicator.failAll(lost);
            // The item it saw never existed: the refusal fails as the write did (a router sends it again).
            assertThatThrownBy(() -> refused.get(5, TimeUnit.SECONDS)).cause().isSameAs(lost);
        }
        // With nothing in flight a refusal is answered at once.
        CompletableFuture<EvaluatedWrite> idle = leader.write(itemKey("b"), new PutItemOperation(key("b"),
                counterItem("b", 2), new Condition.AttributeExists(DocumentPath.of("pk"))));
        assertThatThrownBy(() -> idle.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(
                ConditionalCheckFailedException.class);
        assertThat(replicator.pending()).isZero();
    }

    @ParameterizedTest(name = "in-flight entries applied: {0}")
    @ValueSource(booleans = {true, false})
    void aLeaderChangeResolvesTheEntriesInFlightThenResetsTheOverlay(boolean applied) throws Exception {
        GatedReplicator replicator = new GatedReplicator(storage);
        PartitionLeader leader = new PartitionLeader(DESCRIPTOR, storage, SCHEMA, () -> 0L,
                replicator, pool, index -> { });
        List<CompletableFuture<EvaluatedWrite>> inFlight = List.of(
                leader.write(itemKey("a"), put("a", 1)),
                leader.write(itemKey("a"), increment("a")));
        replicator.awaitPending(2);

        CompletableFuture<Void> reset = leader.onLeaderChange();
        CompletableFuture<EvaluatedWrite> waiting = leader.write(itemKey("a"), increment("a"));
        Thread.sleep(50);
        assertThat(reset).as("the entries in flight are not resolved yet").isNotDone();
        assertThat(replicator.pending()).isEqualTo(2);

        if (applied) {
            replicator.releaseAll();
            assertThat(inFlight).allMatch(write -> write.join() != null);
        } else {
            // The entries vanished with the old leader's log: they fail, and nothing of them is in the overlay.
            replicator.failAll(new BasaltException(ErrorCode.INTERNAL_SERVER_ERROR, "Internal server error"));
            assertThat(inFlight).allMatch(CompletableFuture::isCompletedExceptionally);
        }
        reset.get(5, TimeUnit.SECONDS);
        replicator.awaitPending(1);
        replicator.releaseAll();
        EvaluatedWrite next = waiting.get(5, TimeUnit.SECONDS);
        assertThat(counter(next.outcome().newItem())).isEqualTo(applied ? 3 : 1);
        assertThat(next.entry().sequence()).isEqualTo(applied ? 3 : 1);
    }

    /** The single-node replicator over a local group state machine that holds this test's partition. */
    private LocalReplicator local(boolean sync) {
        return new LocalReplicator(stateMachine(storage), sync);
    }

    private static GroupStateMachine stateMachine(StorageEngine storage) {
        GroupStateMachine stateMachine = new GroupStateMachine(storage, GroupStateMachine.LOCAL_GROUP_ID);
        stateMachine.openPartition(DESCRIPTOR, List.of());
        return stateMachine;
    }

    /**
     * A replicator that holds entries until the test releases them (then applies them through a group state
     * machine, which may reject them) or fails them (not applied, as when a leader loses its log's tail).
     */
    private static final class GatedReplicator implements Replicator {
        private final GroupStateMachine stateMachine;
        private final List<Map.Entry<PartitionEntry, CompletableFuture<Void>>> held = new ArrayList<>();

        GatedReplicator(StorageEngine storage) {
            this.stateMachine = stateMachine(storage);
        }

        @Override
        public synchronized CompletableFuture<Void> append(PartitionEntry entry) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            held.add(Map.entry(entry, done));
            notifyAll();
            return done;
        }

        synchronized int pending() {
            return held.size();
        }

        synchronized void awaitPending(int count) {
            while (held.size() < count) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        void releaseAll() {
            for (Map.Entry<PartitionEntry, CompletableFuture<Void>> entry : drain()) {
                if (stateMachine.applyNext(List.of(entry.getKey()), false).get(0) == ApplyOutcome.APPLIED) {
                    entry.getValue().complete(null);
                } else {
                    entry.getValue().completeExceptionally(new BasaltException(ErrorCode.INTERNAL_SERVER_ERROR,
                            "Internal server error"));
                }
            }
        }

        /** Fails the oldest held entry; the others stay held. */
        synchronized void failFirst(Throwable failure) {
            held.remove(0).getValue().completeExceptionally(failure);
        }

        void failAll(Throwable failure) {
            for (Map.Entry<PartitionEntry, CompletableFuture<Void>> entry : drain()) {
                entry.getValue().completeExceptionally(failure);
            }
        }

        private synchronized List<Map.Entry<PartitionEntry, CompletableFuture<Void>>> drain() {
            List<Map.Entry<PartitionEntry, CompletableFuture<Void>>> drained = new ArrayList<>(held);
            held.clear();
            return drained;
        }

        @Override
        public void close() {
            releaseAll();
        }
    }

    private static PrimaryKey key(String pk) {
        return new PrimaryKey(AttributeValue.string(pk), Optional.empty());
    }

    private static byte[] itemKey(String pk) {
        return KeyLayout.itemKey(TABLE, KeyLayout.BASE_TABLE_INDEX, SCHEMA, key(pk));
    }

    private static Item counterItem(String pk, long n) {
        Map<String, AttributeValue> attributes = new LinkedHashMap<>();
        attributes.put("pk", AttributeValue.string(pk));
        attributes.put("n", AttributeValue.number(n));
        return new Item(attributes);
    }

    private static long counter(Item item) {
        return ((AttributeValue.NumberValue) item.get("n")).value().bigDecimalValue().longValueExact();
    }

    private static PutItemOperation put(String pk, long n) {
        return new PutItemOperation(key(pk), counterItem(pk, n));
    }

    /** {@code SET n = if_not_exists(n, :zero) + :one}: n = n + 1, from 0. */
    private static UpdateItemOperation increment(String pk) {
        ItemUpdate update = ExpressionItemUpdate.sizedByItem(new UpdateExpression(List.of(
                new UpdateExpression.SetAction(DocumentPath.of("n"), new Operand.Arithmetic(
                        new Operand.IfNotExists(DocumentPath.of("n"),
                                new Operand.Literal(AttributeValue.number(0), ":zero")),
                        Operand.ArithmeticOperator.PLUS, new Operand.Literal(AttributeValue.number(1), ":one")))),
                List.of(), List.of(), List.of()));
        Map<String, AttributeValue> keyItem = new LinkedHashMap<>();
        keyItem.put("pk", AttributeValue.string(pk));
        return new UpdateItemOperation(key(pk), new Item(keyItem), update, null);
    }
}
