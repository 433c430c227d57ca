package io.basalt.cluster.rpc;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.PartitionClient;
import io.basalt.model.BasaltException;
import io.basalt.partition.EvaluatedWrite;
import io.basalt.partition.GlobalIndexBatch;
import io.basalt.partition.IndexPosition;
import io.basalt.partition.ItemOperation;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionState;
import io.basalt.partition.PrepareOutcome;
import io.basalt.partition.TransactionWatch;
import io.basalt.partition.encoding.StoredItem;
import io.basalt.partition.read.ReadPlan;
import io.basalt.partition.read.ReadResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PartitionClient} that sends every call as a request frame over an {@link RpcTransport} and reads the
 * answer from the response frame: what a node uses for partitions it does not lead (step 12), and, in the
 * {@code --loopback-rpc} test mode, for its own ({@link #loopback}), so that every partition call is encoded and
 * decoded both ways and a value the codecs lose or change shows up in the compatibility suite.
 *
 * <p>OK answers complete the call and ERROR answers fail it with their refusal; the others (NOT_LEADER,
 * WRONG_PARTITION, ...) fail it with an {@link RpcRefusedException} for the Router to act on (§12.3), and a frame
 * that got no answer fails it with the transport's {@link RpcTransportException}.
 */
public final class RpcPartitionClient implements PartitionClient {
    private static final Logger LOG = LoggerFactory.getLogger(RpcPartitionClient.class);
    /** The routing deadline's default (§12.3), sent with every frame. */
    static final int DEADLINE_MILLIS = 5_000;

    private final RpcTransport transport;
    private final AtomicLong nextRequest;
    private final int deadlineMillis;

    public RpcPartitionClient(RpcTransport transport) {
        this(transport, new AtomicLong(), DEADLINE_MILLIS);
    }

    private RpcPartitionClient(RpcTransport transport, AtomicLong nextRequest, int deadlineMillis) {
        this.transport = requireNonNull(transport, "transport is null");
        this.nextRequest = nextRequest;
        if (deadlineMillis < 1) {
            throw new IllegalArgumentException("deadlineMillis must be positive: " + deadlineMillis);
        }
        this.deadlineMillis = deadlineMillis;
    }

    /**
     * This client with frames whose deadline is {@code millis} from when they are sent: the Router sends what is
     * left of its routing deadline, so that a peer that never answers fails the call in time (§12.3).
     */
    public RpcPartitionClient withDeadline(int millis) {
        return millis == deadlineMillis ? this : new RpcPartitionClient(transport, nextRequest, millis);
    }

    /** A client whose every call goes through the codecs to {@code local} in the same JVM. */
    public static PartitionClient loopback(PartitionClient local) {
        LOG.info("Loopback RPC mode: every partition call goes through the internal RPC's codecs");
        return new RpcPartitionClient(new InJvmRpcTransport(new PartitionRpcServer(local)));
    }

    @Override
    public CompletableFuture<EvaluatedWrite> write(PartitionId partition, byte[] itemKey, ItemOperation operation) {
        // One node answers with every image; trimming them to what the request returns is for the hop (§8.3).
        return call(new RpcRequest.Write(partition, 0, itemKey, operation, RpcRequest.RETURN_ALL_IMAGES));
    }

    @Override
    public List<CompletableFuture<EvaluatedWrite>> writeBatch(List<ItemWrite> writes) {
        List<RpcRequest.Write> requests = new ArrayList<>(writes.size());
        for (ItemWrite write : writes) {
            requests.add(new RpcRequest.Write(write.partition(), 0, write.itemKey(), write.operation(),
                    RpcRequest.RETURN_ALL_IMAGES));
        }
        CompletableFuture<List<Object>> batch = call(new RpcRequest.BatchWrite(requests));
        List<CompletableFuture<EvaluatedWrite>> results = new ArrayList<>(writes.size());
        for (int i = 0; i < writes.size(); i++) {
            int position = i;
            results.add(batch.thenCompose(outcomes -> {
                Object outcome = outcomes.get(position);
                if (outcome instanceof BasaltException refused) {
                    return CompletableFuture.failedFuture(refused);
                }
                if (outcome instanceof RpcResponse routed) {
                    // Its partition is not served there now: the sender's Router routes this write again.
                    return CompletableFuture.failedFuture(new RpcRefusedException(routed));
                }
                return CompletableFuture.completedFuture((EvaluatedWrite) outcome);
            }));
        }
        return results;
    }

    @Override
    public StoredItem get(PartitionId partition, byte[] itemKey, boolean consistent) {
        return join(call(new RpcRequest.PointRead(partition, itemKey, consistent)));
    }

    @Override
    public List<List<StoredItem>> getBatch(List<KeyGroup> groups) {
        return join(getBatchAsync(groups));
    }

    @Override
    public CompletableFuture<StoredItem> getAsync(PartitionId partition, byte[] itemKey, boolean consistent) {
        return call(new RpcRequest.PointRead(partition, itemKey, consistent));
    }

    /** Fails with the routing answer of the first group the peer did not serve, if any (see {@link #getBatchParts}). */
    @Override
    @SuppressWarnings("unchecked")
    public CompletableFuture<List<List<StoredItem>>> getBatchAsync(List<KeyGroup> groups) {
        return getBatchParts(groups).thenApply(parts -> {
            List<List<StoredItem>> found = new ArrayList<>(parts.size());
            for (Object part : parts) {
                if (part instanceof RpcResponse routed) {
                    throw new RpcRefusedException(routed);
                }
                found.add((List<StoredItem>) part);
            }
            return found;
        });
    }

    /**
     * A BATCH_READ answered part by part (docs/design/cluster.md §12.4): per group its items (a {@code
     * List<StoredItem>}) or, for a group whose partition the peer does not serve now, the routing answer (an
     * {@link RpcResponse}), so that the sender routes only those groups again.
     */
    public CompletableFuture<List<Object>> getBatchParts(List<KeyGroup> groups) {
        return call(new RpcRequest.BatchRead(groups));
    }

    @Override
    public CompletableFuture<ReadResult> readPage(PartitionId partition, ReadPlan plan) {
        return call(new RpcRequest.PageRead(partition, plan));
    }

    @Override
    public CompletableFuture<List<PrepareOutcome>> prepare(PartitionId partition, long transaction,
            long timestamp, String ledgerKey, List<byte[]> itemKeys, List<ItemOperation> operations) {
        return call(new RpcRequest.Prepare(partition, transaction, timestamp, ledgerKey, itemKeys, operations));
    }

    @Override
    public CompletableFuture<List<EvaluatedWrite>> commit(PartitionId partition, long transaction, long timestamp) {
        return call(new RpcRequest.Commit(partition, transaction, timestamp));
    }

    @Override
    public CompletableFuture<Void> release(PartitionId partition, long transaction, List<byte[]> itemKeys) {
        return call(new RpcRequest.Release(partition, transaction, itemKeys));
    }

    @Override
    public CompletableFuture<PartitionState.ReadRound> readForTransaction(PartitionId partition,
            List<byte[]> itemKeys) {
        return call(new RpcRequest.ReadRound(partition, itemKeys));
    }

    @Override
    public CompletableFuture<boolean[]> validate(PartitionId partition, TransactionWatch watch) {
        if (!(watch instanceof RemoteWatch remote)) {
            throw new IllegalArgumentException("not a watch a first round over the RPC returned: " + watch);
        }
        return call(new RpcRequest.Validate(partition, remote.id()));
    }

    @Override
    public CompletableFuture<IndexPosition> applyGlobalIndex(PartitionId indexPartition, GlobalIndexBatch batch) {
        return call(new RpcRequest.GlobalIndexApply(indexPartition, batch));
    }

    /** Sends {@code request}; completes with the OK answer's value, or fails with the ERROR answer's refusal. */
    @SuppressWarnings("unchecked")
    private <T> CompletableFuture<T> call(RpcRequest request) {
        long id = nextRequest.incrementAndGet();
        byte[] frame = RpcCodec.encodeRequest(id, deadlineMillis, request);
        return transport.call(frame).thenApply(bytes -> {
            RpcCodec.Frame<RpcResponse> answer = RpcCodec.decodeResponse(bytes, request);
            if (answer.requestId() != id) {
                throw new IllegalStateException("answer to request " + answer.requestId() + " for request " + id);
            }
            RpcResponse response = answer.content();
            if (response instanceof RpcResponse.Ok ok) {
                return (T) ok.value();
            }
            if (response instanceof RpcResponse.Error error) {
                throw error.error();
            }
            throw new RpcRefusedException(response);
        });
    }

    /** The value of a call, waited for (the in-JVM transport answers reads at once). */
    private static <T> T join(CompletableFuture<T> call) {
        try {
            return call.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }
}
