package io.basalt.cluster.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.cluster.Admission;
import io.basalt.cluster.PartitionClient;
import io.basalt.expressions.keys.KeyCondition;
import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.model.Item;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.PrimaryKey;
import io.basalt.model.Projection;
import io.basalt.model.SecondaryIndex;
import io.basalt.partition.ConditionalCheckFailedException;
import io.basalt.partition.DeleteItemOperation;
import io.basalt.partition.EvaluatedWrite;
import io.basalt.partition.GlobalIndexBatch;
import io.basalt.partition.IndexEntryOperation;
import io.basalt.partition.IndexPosition;
import io.basalt.partition.ItemOperation;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionState;
import io.basalt.partition.PrepareOutcome;
import io.basalt.partition.TransactionWatch;
import io.basalt.partition.WriteOutcome;
import io.basalt.partition.encoding.ItemCodec;
import io.basalt.partition.encoding.StoredItem;
import io.basalt.partition.read.FetchMode;
import io.basalt.partition.read.KeyRange;
import io.basalt.partition.read.ReadPlan;
import io.basalt.partition.read.ReadResult;
import io.basalt.partition.read.ReadSource;
import io.basalt.partition.read.ReadSpec;
import io.basalt.partition.read.ScanRange;
import io.basalt.partition.read.StopReason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link PartitionRpcServer} and {@link RpcPartitionClient} over {@link InJvmRpcTransport}, against a hand-written
 * partition client: what crosses the codecs arrives as sent, refusals travel as refusals (one per write of a
 * batch), anything else becomes an InternalServerError, and a transactional read's watch is kept between its
 * rounds and let go after the second.
 */
class TestPartitionRpcServer {
    private static final PartitionId PARTITION = new PartitionId(31);
    private static final byte[] KEY = {2, 9, 9};
    private static final Item ITEM = new Item(Map.of("pk", AttributeValue.string("a")));
    private static final ItemOperation DELETE = new DeleteItemOperation(new PrimaryKey(AttributeValue.string("a"),
            Optional.empty()), null);

    @Test
    void writesAndReadsArriveAsSentAndAnswerAsAnswered() {
        RecordingPartitions local = new RecordingPartitions();
        PartitionClient client = new RpcPartitionClient(new InJvmRpcTransport(new PartitionRpcServer(local)));
        EvaluatedWrite written = client.write(PARTITION, KEY, DELETE).join();
        assertThat(local.calls).containsExactly("write 31 [2, 9, 9] DeleteItemOperation");
        assertThat(written.outcome().oldItem()).isEqualTo(ITEM);
        assertThat(written.entry()).isNull();
        assertThat(client.get(PARTITION, KEY, true).item()).isEqualTo(ITEM);
        assertThat(client.get(new PartitionId(32), KEY, false)).isNull();
        List<List<StoredItem>> batch = client.getBatch(List.of(new PartitionClient.KeyGroup(PARTITION,
                List.of(KEY, new byte[] {1}), true)));
        assertThat(batch).hasSize(1);
        assertThat(batch.get(0).get(0).item()).isEqualTo(ITEM);
        assertThat(batch.get(0).get(1)).isNull();
    }

    @Test
    void aGlobalIndexBatchArrivesAsSentAndAnswersThePosition() {
        RecordingPartitions local = new RecordingPartitions();
        PartitionClient client = new RpcPartitionClient(new InJvmRpcTransport(new PartitionRpcServer(local)));
        GlobalIndexBatch batch = new GlobalIndexBatch(3, 2, new PartitionId(7), new IndexPosition(12, 0), List.of(
                new GlobalIndexBatch.Tagged(new IndexPosition(11, 0), new IndexEntryOperation.IndexEntryDelete(
                        new byte[] {2, 0, 0, 0, 0, 0, 0, 0, 3, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8, 9}))));
        assertThat(client.applyGlobalIndex(PARTITION, batch).join()).isEqualTo(new IndexPosition(12, 0));
        assertThat(local.calls).containsExactly("gsi 31 from 7 through 12/0, 1 operations");
    }

    @Test
    void eachWriteOfABatchAnswersForItself() {
        RecordingPartitions local = new RecordingPartitions();
        local.refusedPartition = 32;
        PartitionClient client = new RpcPartitionClient(new InJvmRpcTransport(new PartitionRpcServer(local)));
        List<CompletableFuture<EvaluatedWrite>> writes = client.writeBatch(List.of(
                new PartitionClient.ItemWrite(PARTITION, KEY, DELETE),
                new PartitionClient.ItemWrite(new PartitionId(32), KEY, DELETE),
                new PartitionClient.ItemWrite(PARTITION, KEY, DELETE)));
        assertThat(writes.get(0).join().outcome().oldItem()).isEqualTo(ITEM);
        assertThatThrownBy(writes.get(1)::join).hasCauseInstanceOf(ConditionalCheckFailedException.class);
        assertThat(writes.get(2).join().outcome().oldItem()).isEqualTo(ITEM);
    }

    @Test
    void failuresThatAreNotRefusalsBecomeInternalServerErrors() {
        RecordingPartitions local = new RecordingPartitions();
        local.crash = true;
        PartitionClient client = new RpcPartitionClient(new InJvmRpcTransport(new PartitionRpcServer(local)));
        assertThatThrownBy(() -> client.write(PARTITION, KEY, DELETE).join()).isInstanceOf(CompletionException.class)
                .cause().isInstanceOfSatisfying(BasaltException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_SERVER_ERROR);
                    assertThat(e.getMessage()).isEqualTo("Internal server error");
                });
        PartitionRpcServer server = new PartitionRpcServer(local);
        RpcRequest page = new RpcRequest.PageRead(PARTITION, scanPlan());
        RpcResponse answer = RpcCodec.decodeResponse(server.serve(RpcCodec.encodeRequest(5, 0, page)).join(), page)
                .content();
        assertThat(answer).isInstanceOfSatisfying(RpcResponse.Error.class,
                error -> assertThat(error.error().code()).isEqualTo(ErrorCode.INTERNAL_SERVER_ERROR));
    }

    @Test
    void aPageArrivesWithItsWholePlanAndIsReadOnThePageReadExecutor() throws Exception {
        RecordingPartitions local = new RecordingPartitions();
        ExecutorService readers = Executors.newSingleThreadExecutor(runnable -> new Thread(runnable, "page-reader"));
        Admission admission = Admission.defaults();
        try {
            PartitionClient client = new RpcPartitionClient(new InJvmRpcTransport(new PartitionRpcServer(local,
                    ServingGuard.SERVE_ALL, admission, readers)));
            KeySchema schema = KeySchema.of(new KeyAttribute("pk", AttributeType.S),
                    new KeyAttribute("sk", AttributeType.N));
            SecondaryIndex index = SecondaryIndex.local("byDate", 2, schema.partitionKey(),
                    new KeyAttribute("date", AttributeType.S), Projection.include(List.of("title")));
            ReadSpec query = new ReadSpec(3, ReadSource.index(2, false), new KeyCondition(
                    List.of(AttributeValue.string("a")), List.of(), Optional.empty()), null, false, 7, 5000, null,
                    null, false, FetchMode.ALL_READ, null, true);
            ReadPlan plan = new ReadPlan(query, schema, index, new KeyRange(new byte[] {2, 1}, new byte[] {2, 2}));
            ReadResult page = client.readPage(PARTITION, plan).join();
            assertThat(page.items()).singleElement().satisfies(item -> assertThat(item.item()).isEqualTo(ITEM));
            assertThat(page.stopReason()).isEqualTo(StopReason.LIMIT);
            assertThat(page.lastEvaluatedKey()).isEqualTo(ITEM);
            ReadPlan arrived = local.page;
            assertThat(arrived.spec()).isEqualTo(query);
            assertThat(arrived.schema()).isEqualTo(schema);
            assertThat(arrived.index()).isEqualTo(index);
            assertThat(arrived.range().lowerInclusive()).containsExactly(2, 1);
            assertThat(arrived.range().upperExclusive()).containsExactly(2, 2);
            assertThat(local.pageThread).isEqualTo("page-reader");
            assertThat(admission.inFlightRequests()).isZero();
            // A hand-off the executor refuses is answered, not lost.
            readers.shutdown();
            assertThat(readers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(() -> client.readPage(PARTITION, plan).join()).cause()
                    .isInstanceOfSatisfying(BasaltException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_SERVER_ERROR));
            assertThat(admission.inFlightRequests()).isZero();
        } finally {
            readers.shutdownNow();
        }
    }

    private static ReadPlan scanPlan() {
        ReadSpec scan = new ReadSpec(3, ReadSource.BASE, null, ScanRange.ALL, true, 10, ReadSpec.MAX_PAGE_BYTES,
                null, null, false, FetchMode.NONE, null, true);
        return new ReadPlan(scan, KeySchema.of(new KeyAttribute("pk", AttributeType.S)), null,
                new KeyRange(new byte[] {2}, new byte[] {3}));
    }

    @Test
    void aTransactionalReadsWatchIsKeptBetweenItsRounds() {
        RecordingPartitions local = new RecordingPartitions();
        PartitionRpcServer server = new PartitionRpcServer(local);
        PartitionClient client = new RpcPartitionClient(new InJvmRpcTransport(server));
        PartitionState.ReadRound round = client.readForTransaction(PARTITION, List.of(KEY)).join();
        assertThat(round.watch()).isInstanceOf(RemoteWatch.class);
        assertThat(round.states()).containsExactly(PartitionState.ReadState.READ);
        assertThat(ItemCodec.decode(round.items().get(0))).isEqualTo(ITEM);
        assertThat(server.watchesHeld()).isEqualTo(1);
        assertThat(client.validate(PARTITION, round.watch()).join()).containsExactly(true);
        assertThat(local.validated).isSameAs(local.watch);
        assertThat(server.watchesHeld()).isZero();
        // The same id again names nothing: the second round happens once.
        assertThatThrownBy(() -> client.validate(PARTITION, round.watch()).join())
                .cause().isInstanceOfSatisfying(BasaltException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_SERVER_ERROR));
    }

    @Test
    void answersOnlyTheRouterUnderstandsFailTheCall() {
        RpcPartitionClient client = new RpcPartitionClient(frame -> {
            RpcCodec.Frame<RpcRequest> request = RpcCodec.decodeRequest(frame);
            return CompletableFuture.completedFuture(RpcCodec.encodeResponse(request.requestId(), request.content(),
                    new RpcResponse.NotLeader(1, 2)));
        });
        assertThatThrownBy(() -> client.get(PARTITION, KEY, true)).isInstanceOfSatisfying(RpcRefusedException.class,
                e -> assertThat(e.response()).isEqualTo(new RpcResponse.NotLeader(1, 2)));
        RpcPartitionClient confused = new RpcPartitionClient(frame -> {
            RpcCodec.Frame<RpcRequest> request = RpcCodec.decodeRequest(frame);
            return CompletableFuture.completedFuture(RpcCodec.encodeResponse(request.requestId() + 1,
                    request.content(), new RpcResponse.Ok(null)));
        });
        assertThatThrownBy(() -> confused.get(PARTITION, KEY, true)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("answer to request");
    }

    @Test
    void overItsAdmissionLimitsTheServerAnswersOverloadedAndGivesEveryPermitBack() {
        RecordingPartitions local = new RecordingPartitions();
        local.held = new CompletableFuture<>();
        Admission admission = new Admission(2, 1L << 20);
        PartitionClient client = new RpcPartitionClient(new InJvmRpcTransport(new PartitionRpcServer(local,
                ServingGuard.SERVE_ALL, admission)));
        CompletableFuture<EvaluatedWrite> first = client.write(PARTITION, KEY, DELETE);
        CompletableFuture<EvaluatedWrite> second = client.write(PARTITION, KEY, DELETE);
        assertThat(admission.inFlightRequests()).isEqualTo(2);
        assertThat(admission.inFlightBytes()).isPositive();
        assertThatThrownBy(() -> client.get(PARTITION, KEY, true)).isInstanceOfSatisfying(RpcRefusedException.class,
                e -> assertThat(e.response()).isEqualTo(new RpcResponse.Overloaded()));
        local.held.complete(null);
        assertThat(first.join().outcome().oldItem()).isEqualTo(ITEM);
        assertThat(second.join().outcome().oldItem()).isEqualTo(ITEM);
        assertThat(admission.inFlightRequests()).isZero();
        assertThat(admission.inFlightBytes()).isZero();
        // The byte limit counts each frame's bytes: a limit below one frame refuses it whatever the count.
        PartitionClient small = new RpcPartitionClient(new InJvmRpcTransport(new PartitionRpcServer(local,
                ServingGuard.SERVE_ALL, new Admission(100, 10))));
        assertThatThrownBy(() -> small.write(PARTITION, KEY, DELETE).join()).hasCauseInstanceOf(
                RpcRefusedException.class);
    }

    @Test
    void aPartitionTheGuardRefusesIsNotServedAndOnlyItsPartsOfABatchAreRefused() {
        RecordingPartitions local = new RecordingPartitions();
        PartitionId elsewhere = new PartitionId(77);
        Admission admission = Admission.defaults();
        RpcPartitionClient client = new RpcPartitionClient(new InJvmRpcTransport(new PartitionRpcServer(local,
                (partition, write) -> partition.equals(elsewhere) ? new RpcResponse.NotLeader(5, 3) : null,
                admission)));
        assertThatThrownBy(() -> client.write(elsewhere, KEY, DELETE).join()).cause()
                .isInstanceOfSatisfying(RpcRefusedException.class,
                        e -> assertThat(e.response()).isEqualTo(new RpcResponse.NotLeader(5, 3)));
        assertThatThrownBy(() -> client.readPage(elsewhere, scanPlan()).join()).cause()
                .isInstanceOfSatisfying(RpcRefusedException.class,
                        e -> assertThat(e.response()).isEqualTo(new RpcResponse.NotLeader(5, 3)));
        assertThat(local.calls).isEmpty();

        // A batch frame naming a served and a refused partition: the served part is served, the other answers
        // NOT_LEADER for itself (cluster.md §12.4), so the sender routes only that part again.
        List<CompletableFuture<EvaluatedWrite>> batch = client.writeBatch(List.of(
                new PartitionClient.ItemWrite(PARTITION, KEY, DELETE),
                new PartitionClient.ItemWrite(elsewhere, KEY, DELETE)));
        assertThat(batch.get(0).join().outcome().oldItem()).isEqualTo(ITEM);
        assertThatThrownBy(batch.get(1)::join).cause().isInstanceOfSatisfying(RpcRefusedException.class,
                e -> assertThat(e.response()).isEqualTo(new RpcResponse.NotLeader(5, 3)));
        assertThat(local.calls).containsExactly("write " + PARTITION + " " + Arrays.toString(KEY) + " "
                + DELETE.getClass().getSimpleName());

        List<Object> parts = client.getBatchParts(List.of(
                new PartitionClient.KeyGroup(elsewhere, List.of(KEY), true),
                new PartitionClient.KeyGroup(PARTITION, List.of(KEY, KEY), true))).join();
        assertThat(parts.get(0)).isEqualTo(new RpcResponse.NotLeader(5, 3));
        assertThat(parts.get(1)).asList().hasSize(2);
        // Whole-frame callers still see the first refusal.
        assertThatThrownBy(() -> client.getBatch(List.of(new PartitionClient.KeyGroup(elsewhere, List.of(KEY),
                true)))).isInstanceOfSatisfying(RpcRefusedException.class,
                        e -> assertThat(e.response()).isEqualTo(new RpcResponse.NotLeader(5, 3)));

        assertThat(client.get(PARTITION, KEY, true).item()).isEqualTo(ITEM);
        assertThat(admission.inFlightRequests()).isZero();
    }

    /** A partition client that answers from fixed values and records what it was asked. */
    private static final class RecordingPartitions implements PartitionClient {
        private final List<String> calls = new ArrayList<>();
        private final PartitionState.ReadWatch watch = readWatch();
        private TransactionWatch validated;
        private long refusedPartition = -1;
        private boolean crash;
        /** When set, writes wait on it instead of answering at once. */
        private CompletableFuture<Void> held;
        /** The last page read's plan, and the thread that read it. */
        private volatile ReadPlan page;
        private volatile String pageThread;

        @Override
        public CompletableFuture<EvaluatedWrite> write(PartitionId partition, byte[] itemKey,
                ItemOperation operation) {
            calls.add("write " + partition + " " + Arrays.toString(itemKey) + " "
                    + operation.getClass().getSimpleName());
            if (crash) {
                throw new IllegalStateException("storage failed");
            }
            if (partition.value() == refusedPartition) {
                return CompletableFuture.failedFuture(new ConditionalCheckFailedException(ITEM));
            }
            EvaluatedWrite done = new EvaluatedWrite(new WriteOutcome(StoredItem.of(ItemCodec.encode(ITEM)), null,
                    List.of()), null, 10, 0, List.of(), -1);
            if (held != null) {
                return held.thenApply(ignored -> done);
            }
            return CompletableFuture.completedFuture(done);
        }

        @Override
        public List<CompletableFuture<EvaluatedWrite>> writeBatch(List<ItemWrite> writes) {
            return writes.stream().map(w -> write(w.partition(), w.itemKey(), w.operation())).toList();
        }

        @Override
        public StoredItem get(PartitionId partition, byte[] itemKey, boolean consistent) {
            return partition.equals(PARTITION) && Arrays.equals(itemKey, KEY) ? StoredItem.of(ItemCodec.encode(ITEM))
                    : null;
        }

        @Override
        public List<List<StoredItem>> getBatch(List<KeyGroup> groups) {
            List<List<StoredItem>> found = new ArrayList<>();
            for (KeyGroup group : groups) {
                found.add(Arrays.asList(group.itemKeys().stream()
                        .map(key -> get(group.partition(), key, group.consistent())).toArray(StoredItem[]::new)));
            }
            return found;
        }

        @Override
        public CompletableFuture<ReadResult> readPage(PartitionId partition, ReadPlan plan) {
            if (crash) {
                throw new IllegalStateException("storage failed");
            }
            page = plan;
            pageThread = Thread.currentThread().getName();
            StoredItem stored = StoredItem.of(ItemCodec.encode(ITEM));
            return CompletableFuture.completedFuture(new ReadResult(List.of(stored), 1, stored.size(), 0,
                    StopReason.LIMIT, ITEM));
        }

        @Override
        public CompletableFuture<List<PrepareOutcome>> prepare(PartitionId partition, long transaction,
                long timestamp, String ledgerKey, List<byte[]> itemKeys, List<ItemOperation> operations) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<List<EvaluatedWrite>> commit(PartitionId partition, long transaction,
                long timestamp) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<Void> release(PartitionId partition, long transaction, List<byte[]> itemKeys) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<PartitionState.ReadRound> readForTransaction(PartitionId partition,
                List<byte[]> itemKeys) {
            return CompletableFuture.completedFuture(new PartitionState.ReadRound(
                    List.of(ItemCodec.encode(ITEM)), List.of(PartitionState.ReadState.READ), watch));
        }

        @Override
        public CompletableFuture<IndexPosition> applyGlobalIndex(PartitionId indexPartition,
                GlobalIndexBatch batch) {
            calls.add("gsi " + indexPartition + " from " + batch.source() + " through " + batch.through().sequence()
                    + "/" + batch.through().sub() + ", " + batch.operations().size() + " operations");
            return CompletableFuture.completedFuture(batch.through());
        }

        @Override
        public CompletableFuture<boolean[]> validate(PartitionId partition, TransactionWatch transactionWatch) {
            validated = transactionWatch;
            return CompletableFuture.completedFuture(new boolean[] {true});
        }

        /** A real partition's watch, from a first round on an empty partition. */
        private static PartitionState.ReadWatch readWatch() {
            io.basalt.partition.PartitionDescriptor whole = io.basalt.partition.PartitionDescriptor.equalRanges(3, 0,
                    PARTITION.value(), 1, 1).get(0);
            PartitionState state = new PartitionState(whole, new io.basalt.storage.memory.InMemoryStorageEngine(),
                    io.basalt.model.KeySchema.of(new io.basalt.model.KeyAttribute("pk",
                            io.basalt.model.AttributeType.S)), () -> 0L);
            return (PartitionState.ReadWatch) state.readForTransaction(List.of(KEY)).watch();
        }
    }
}
