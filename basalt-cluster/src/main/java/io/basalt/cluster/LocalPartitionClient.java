package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.model.BasaltException;
import io.basalt.partition.EvaluatedWrite;
import io.basalt.partition.ItemOperation;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionState;
import io.basalt.partition.TransactionWatch;
import io.basalt.partition.encoding.StoredItem;
import io.basalt.replication.PartitionLeader;
import io.basalt.storage.StorageEngine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The partitions this node leads, reached in-process: each call goes to the partition's {@link PartitionLeader}
 * (writes, transaction rounds) or to the node's storage (point reads), with nothing encoded or copied. It is what a
 * node runs for its own partitions, whether the call came from its own requests or from a frame another node sent.
 *
 * <p>A point read reads storage directly, as before the seam: on one node storage holds exactly the acknowledged
 * writes (reads.md), so every read is strongly consistent; the leader's read barrier comes with Raft (§10).
 */
final class LocalPartitionClient implements PartitionClient {
    private final StorageEngine storage;
    private final ConcurrentHashMap<Long, TableRuntime> runtimes;
    private final GlobalIndexLifecycle globalIndexes;

    LocalPartitionClient(StorageEngine storage, ConcurrentHashMap<Long, TableRuntime> runtimes,
            GlobalIndexLifecycle globalIndexes) {
        this.storage = requireNonNull(storage, "storage is null");
        this.runtimes = requireNonNull(runtimes, "runtimes is null");
        this.globalIndexes = requireNonNull(globalIndexes, "globalIndexes is null");
    }

    @Override
    public CompletableFuture<EvaluatedWrite> write(PartitionId partition, byte[] itemKey, ItemOperation operation) {
        TableRuntime runtime = runtimes.get(partition.tableId());
        if (runtime == null) {
            return CompletableFuture.failedFuture(resourceNotFound());
        }
        CompletableFuture<EvaluatedWrite> written = runtime.partition(partition.index()).write(itemKey, operation);
        if (!runtime.hasGlobalIndexes() || !globalIndexes.propagation().synchronous()) {
            return written;
        }
        GlobalIndexPropagator propagator = runtime.propagator(partition.index());
        return written.thenCompose(write -> propagator.awaitPropagated(write.entry().sequence())
                .thenApply(x -> write));
    }

    @Override
    public List<CompletableFuture<EvaluatedWrite>> writeBatch(List<ItemWrite> writes) {
        List<CompletableFuture<EvaluatedWrite>> results = new ArrayList<>(writes.size());
        for (ItemWrite write : writes) {
            results.add(write(write.partition(), write.itemKey(), write.operation()));
        }
        return results;
    }

    @Override
    public StoredItem get(PartitionId partition, byte[] itemKey, boolean consistent) {
        byte[] stored = storage.get(itemKey);
        return stored == null ? null : StoredItem.of(stored);
    }

    @Override
    public List<List<StoredItem>> getBatch(List<KeyGroup> groups) {
        List<List<StoredItem>> results = new ArrayList<>(groups.size());
        for (KeyGroup group : groups) {
            StoredItem[] items = new StoredItem[group.itemKeys().size()];
            for (int i = 0; i < items.length; i++) {
                items[i] = get(group.partition(), group.itemKeys().get(i), group.consistent());
            }
            results.add(Arrays.asList(items));
        }
        return results;
    }

    @Override
    public CompletableFuture<List<Object>> prepare(PartitionId partition, long transaction, long timestamp,
            List<byte[]> itemKeys, List<ItemOperation> operations) {
        PartitionLeader leader = leader(partition);
        return leader == null ? CompletableFuture.failedFuture(resourceNotFound())
                : leader.prepare(transaction, timestamp, itemKeys, operations);
    }

    @Override
    public CompletableFuture<List<EvaluatedWrite>> commit(PartitionId partition, long transaction, long timestamp,
            List<PartitionState.Staged> staged) {
        PartitionLeader leader = leader(partition);
        return leader == null ? CompletableFuture.failedFuture(resourceNotFound())
                : leader.commit(transaction, timestamp, staged);
    }

    @Override
    public CompletableFuture<Void> release(PartitionId partition, long transaction, List<byte[]> itemKeys) {
        PartitionLeader leader = leader(partition);
        return leader == null ? CompletableFuture.failedFuture(resourceNotFound())
                : leader.release(transaction, itemKeys);
    }

    @Override
    public CompletableFuture<PartitionState.ReadRound> readForTransaction(PartitionId partition,
            List<byte[]> itemKeys) {
        PartitionLeader leader = leader(partition);
        return leader == null ? CompletableFuture.failedFuture(resourceNotFound())
                : leader.readForTransaction(itemKeys);
    }

    @Override
    public CompletableFuture<boolean[]> validate(PartitionId partition, TransactionWatch watch) {
        PartitionLeader leader = leader(partition);
        if (leader == null) {
            return CompletableFuture.failedFuture(resourceNotFound());
        }
        if (!(watch instanceof PartitionState.ReadWatch local)) {
            throw new IllegalArgumentException("not a watch of this node's partitions: " + watch);
        }
        return leader.validate(local);
    }

    /** The leader of {@code partition} on this node, or null when its table is gone. */
    private PartitionLeader leader(PartitionId partition) {
        TableRuntime runtime = runtimes.get(partition.tableId());
        return runtime == null ? null : runtime.partition(partition.index());
    }

    private static BasaltException resourceNotFound() {
        return BasaltException.resourceNotFound("Requested resource not found");
    }
}
