package io.basalt.cluster.routing;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.PartitionClient;
import io.basalt.cluster.rpc.RpcPartitionClient;
import io.basalt.cluster.rpc.ServingGuard;
import io.basalt.cluster.rpc.RpcRefusedException;
import io.basalt.cluster.rpc.RpcResponse;
import io.basalt.cluster.rpc.RpcTransportException;
import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The {@link PartitionClient} of a node in a cluster (docs/design/cluster.md §12.3, §12.4): every call goes to the
 * node the {@link Router} picks for its partition, through the retry table; calls for partitions this node serves
 * go to its own client directly, with nothing encoded.
 *
 * <p>Batches fan out: the groups of a BatchGetItem and the writes of a BatchWriteItem are split by serving node,
 * one {@code BATCH_*} frame per node, all sent at once. A node answers each part for itself: the parts of a
 * partition it does not serve now (moved, or its leader changed) come back with their routing answer and only they
 * are routed again, one partition at a time through the retry table, as are all the parts of a frame that never
 * reached its node. A part whose partition cannot be reached before the routing deadline becomes unprocessed
 * (a null group for reads, a ServiceUnavailable failure of the write, which BatchWriteItem reports in
 * {@code UnprocessedItems}) instead of failing the batch (DynamoDB's documented behaviour for partial batch
 * failures, Developer Guide "Batch operations and error handling").
 */
public final class RoutedPartitionClient implements PartitionClient {
    private final Router router;
    private final PartitionClient local;

    public RoutedPartitionClient(Router router, PartitionClient local) {
        this.router = requireNonNull(router, "router is null");
        this.local = requireNonNull(local, "local is null");
    }

    @Override
    public CompletableFuture<EvaluatedWrite> write(PartitionId partition, byte[] itemKey, ItemOperation operation) {
        return router.call(partition, true, (client, node) -> client.write(partition, itemKey, operation));
    }

    @Override
    public List<CompletableFuture<EvaluatedWrite>> writeBatch(List<ItemWrite> writes) {
        Map<Long, List<Integer>> byNode = new LinkedHashMap<>();
        for (int i = 0; i < writes.size(); i++) {
            byNode.computeIfAbsent(nodeOf(writes.get(i).partition()), node -> new ArrayList<>()).add(i);
        }
        List<CompletableFuture<EvaluatedWrite>> results = new ArrayList<>(writes.size());
        for (int i = 0; i < writes.size(); i++) {
            results.add(null);
        }
        byNode.forEach((node, positions) -> {
            List<ItemWrite> share = new ArrayList<>(positions.size());
            positions.forEach(position -> share.add(writes.get(position)));
            List<CompletableFuture<EvaluatedWrite>> sent = sendBatch(node, share);
            for (int i = 0; i < positions.size(); i++) {
                ItemWrite write = share.get(i);
                results.set(positions.get(i), sent.get(i).handle((value, failure) -> failure != null
                        ? rerouteWrite(node, write, Router.unwrap(failure))
                        : CompletableFuture.completedFuture(value)).thenCompose(x -> x));
            }
        });
        return results;
    }

    private List<CompletableFuture<EvaluatedWrite>> sendBatch(long node, List<ItemWrite> share) {
        List<CompletableFuture<EvaluatedWrite>> results = new ArrayList<>(share.size());
        List<ItemWrite> sent = share;
        if (node == router.localNode()) {
            // This node's share skips the RPC server, so its guard is asked here, write by write as the server
            // does (BatchServing): a refused write is rerouted, the others are served here.
            sent = new ArrayList<>(share.size());
            for (ItemWrite write : share) {
                RpcResponse refusal = router.localRefusal(write.partition(), true);
                results.add(refusal == null ? null : CompletableFuture.failedFuture(new RpcRefusedException(refusal)));
                if (refusal == null) {
                    sent.add(write);
                }
            }
        } else {
            share.forEach(write -> results.add(null));
        }
        List<CompletableFuture<EvaluatedWrite>> answers;
        try {
            answers = sent.isEmpty() ? List.of()
                    : router.client(node, router.config().routingDeadline().toMillis()).writeBatch(sent);
        } catch (RuntimeException e) {
            answers = new ArrayList<>(sent.size());
            for (int i = 0; i < sent.size(); i++) {
                answers.add(CompletableFuture.failedFuture(e));
            }
        }
        int next = 0;
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i) == null) {
                results.set(i, answers.get(next++));
            }
        }
        return results;
    }

    /** A write its node refused (or whose frame was never written) goes alone through the retry table. */
    private CompletableFuture<EvaluatedWrite> rerouteWrite(long node, ItemWrite write, Throwable failure) {
        if (failure instanceof RpcRefusedException refused) {
            router.learn(node, refused.response());
            return write(write.partition(), write.itemKey(), write.operation());
        }
        if (failure instanceof RpcTransportException transport && !transport.written()) {
            return write(write.partition(), write.itemKey(), write.operation());
        }
        if (failure instanceof RpcTransportException) {
            return CompletableFuture.failedFuture(Router.ambiguous(failure));
        }
        return CompletableFuture.failedFuture(failure);
    }

    @Override
    public StoredItem get(PartitionId partition, byte[] itemKey, boolean consistent) {
        if (router.readsReplicaLocally(partition, consistent) || router.servesLocally(partition, false)) {
            return local.get(partition, itemKey, consistent);
        }
        return join(getAsync(partition, itemKey, consistent));
    }

    @Override
    public CompletableFuture<StoredItem> getAsync(PartitionId partition, byte[] itemKey, boolean consistent) {
        if (router.readsReplicaLocally(partition, consistent)) {
            return local.getAsync(partition, itemKey, false);
        }
        return router.call(partition, false, (client, node) -> client.getAsync(partition, itemKey, consistent));
    }

    @Override
    public List<List<StoredItem>> getBatch(List<KeyGroup> groups) {
        return join(getBatchAsync(groups));
    }

    @Override
    public CompletableFuture<List<List<StoredItem>>> getBatchAsync(List<KeyGroup> groups) {
        Map<Long, List<Integer>> byNode = new LinkedHashMap<>();
        List<Integer> replicaReads = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            KeyGroup group = groups.get(i);
            if (router.readsReplicaLocally(group.partition(), group.consistent())) {
                replicaReads.add(i);
            } else {
                byNode.computeIfAbsent(nodeOf(group.partition()), node -> new ArrayList<>()).add(i);
            }
        }
        if (replicaReads.size() == groups.size()) {
            return local.getBatchAsync(groups);
        }
        List<CompletableFuture<List<StoredItem>>> results = new ArrayList<>(groups.size());
        for (int i = 0; i < groups.size(); i++) {
            results.add(null);
        }
        byNode.forEach((node, positions) -> {
            List<KeyGroup> share = new ArrayList<>(positions.size());
            positions.forEach(position -> share.add(groups.get(position)));
            CompletableFuture<List<Object>> sent = sendGroups(node, share);
            for (int i = 0; i < positions.size(); i++) {
                int index = i;
                KeyGroup group = share.get(i);
                results.set(positions.get(i), sent.handle((parts, failure) -> failure != null
                        ? rerouteGroup(node, group, Router.unwrap(failure))
                        : parts.get(index) instanceof RpcResponse routed
                                ? rerouteGroup(node, group, new RpcRefusedException(routed))
                                : CompletableFuture.completedFuture(items(parts.get(index))))
                        .thenCompose(x -> x));
            }
        });
        if (!replicaReads.isEmpty()) {
            List<KeyGroup> share = new ArrayList<>(replicaReads.size());
            replicaReads.forEach(position -> share.add(groups.get(position)));
            CompletableFuture<List<List<StoredItem>>> read = local.getBatchAsync(share);
            for (int i = 0; i < replicaReads.size(); i++) {
                int index = i;
                results.set(replicaReads.get(i), read.thenApply(found -> found.get(index)));
            }
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            List<List<StoredItem>> found = new ArrayList<>(results.size());
            results.forEach(result -> found.add(result.join()));
            return found;
        });
    }

    /**
     * A group whose node's frame failed goes alone through the retry table; if its partition stays out of reach
     * until the deadline, the group is null (its keys are unprocessed). A read is safe to send again whatever
     * became of the first frame.
     */
    private CompletableFuture<List<StoredItem>> rerouteGroup(long node, KeyGroup group, Throwable failure) {
        if (!(failure instanceof RpcRefusedException || failure instanceof RpcTransportException)) {
            return CompletableFuture.failedFuture(failure);
        }
        if (failure instanceof RpcRefusedException refused) {
            router.learn(node, refused.response());
        }
        return router.call(group.partition(), false, (client, serving) -> client.getBatchAsync(List.of(group)))
                .handle((found, again) -> {
                    if (again == null) {
                        return found.get(0);
                    }
                    Throwable cause = Router.unwrap(again);
                    if (cause instanceof BasaltException basalt && basalt.code() == ErrorCode.SERVICE_UNAVAILABLE) {
                        return null;
                    }
                    throw cause instanceof RuntimeException runtime ? runtime : new CompletionException(cause);
                });
    }

    /**
     * A page goes through the retry table as a read: re-sending it is safe whatever became of an earlier frame, so
     * a lost or timed-out page read is retried until the routing deadline (then 503). The Router sends it to the
     * group's leader, which a strongly consistent page needs (§10); an eventual page is read from this node's own
     * member of the group when it has one and eventual reads come from replicas, else from the leader.
     */
    @Override
    public CompletableFuture<ReadResult> readPage(PartitionId partition, ReadPlan plan) {
        if (router.readsReplicaLocally(partition, plan.spec().consistent())) {
            return local.readPage(partition, plan);
        }
        return router.call(partition, false, (client, node) -> client.readPage(partition, plan));
    }

    @Override
    public CompletableFuture<List<PrepareOutcome>> prepare(PartitionId partition, long transaction,
            long timestamp, String ledgerKey, List<byte[]> itemKeys, List<ItemOperation> operations) {
        return router.call(partition, true, (client, node) -> client.prepare(partition, transaction, timestamp,
                ledgerKey, itemKeys, operations));
    }

    @Override
    public CompletableFuture<List<EvaluatedWrite>> commit(PartitionId partition, long transaction, long timestamp) {
        return router.call(partition, true, (client, node) -> client.commit(partition, transaction, timestamp));
    }

    @Override
    public CompletableFuture<Void> release(PartitionId partition, long transaction, List<byte[]> itemKeys) {
        return router.call(partition, true, (client, node) -> client.release(partition, transaction, itemKeys));
    }

    @Override
    public CompletableFuture<PartitionState.ReadRound> readForTransaction(PartitionId partition,
            List<byte[]> itemKeys) {
        // Not retried once written: the first round leaves a watch on the node that served it.
        return router.call(partition, true, (client, node) -> client.readForTransaction(partition, itemKeys)
                .thenApply(round -> round.watch() == null ? round
                        : new PartitionState.ReadRound(round.items(), round.states(),
                                new RoutedWatch(node, round.watch()))));
    }

    @Override
    public CompletableFuture<boolean[]> validate(PartitionId partition, TransactionWatch watch) {
        if (!(watch instanceof RoutedWatch routed)) {
            throw new IllegalArgumentException("not a watch a routed first round returned: " + watch);
        }
        return router.callNode(routed.node(), (client, node) -> client.validate(partition, routed.watch()));
    }

    /**
     * Routed as a write (to the index partition's leader). Unlike an item write, a batch is safe to send again
     * after an ambiguous failure (idempotent by position, cluster.md §15): the propagator that sent it does so on
     * its next round, so the Router needs no rule of its own for it.
     */
    @Override
    public CompletableFuture<IndexPosition> applyGlobalIndex(PartitionId indexPartition, GlobalIndexBatch batch) {
        return router.call(indexPartition, true, (client, node) -> client.applyGlobalIndex(indexPartition, batch));
    }

    /**
     * One node's share of a BatchGetItem, answered per group: its items, or the routing answer of a group whose
     * partition the node does not serve now (this node's own share is checked against its guard here, as its RPC
     * server checks the shares of others: BatchServing).
     */
    private CompletableFuture<List<Object>> sendGroups(long node, List<KeyGroup> share) {
        try {
            if (node != router.localNode()) {
                PartitionClient client = router.client(node, router.config().routingDeadline().toMillis());
                if (client instanceof RpcPartitionClient peer) {
                    return peer.getBatchParts(share);
                }
                return client.getBatchAsync(share).thenApply(List::<Object>copyOf);
            }
            ServingGuard guard = router::localRefusal;
            return guard.readServed(local, share);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<StoredItem> items(Object part) {
        return (List<StoredItem>) part;
    }

    private long nodeOf(PartitionId partition) {
        return router.route(partition).map(Router.Target::node).orElse(router.localNode());
    }

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
