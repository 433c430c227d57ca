package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.model.BasaltException;
import io.basalt.partition.EvaluatedWrite;
import io.basalt.partition.ItemOperation;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionMap;
import io.basalt.partition.PartitionState;
import io.basalt.partition.PrepareOutcome;
import io.basalt.partition.TransactionWatch;
import io.basalt.partition.encoding.StoredItem;
import io.basalt.replication.PartitionLeader;
import io.basalt.storage.StorageReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The partitions this node leads, reached in-process: each call goes to the partition's {@link PartitionLeader}
 * (writes, transaction rounds) or to the node's storage (point reads), with nothing encoded or copied. It is what a
 * node runs for its own partitions, whether the call came from its own requests or from a frame another node sent.
 *
 * <p>A point read reads storage directly, as before the seam: on one node storage holds exactly the acknowledged
 * writes (reads.md), so every read is strongly consistent.
 *
 * <p>In a cluster the same client serves the partitions of this node's group members through a {@link
 * ClusterPartitions} lookup: a partition's group comes from the partition map, its leader from the group's open
 * epoch, its storage from the member, and a consistent read passes the group's read barrier first (§10). A partition
 * this node cannot serve (another leads its group, or its epoch is catching up) fails with the routing answer the
 * Router acts on. The one-node path pays one null check for it on reads, nothing on writes.
 */
final class LocalPartitionClient implements PartitionClient {
    private final StorageReader storage;
    /** The partitions of the tables the node runs, by id: their table's runtime and their position in it. */
    private final ConcurrentHashMap<PartitionId, Local> partitions = new ConcurrentHashMap<>();
    private final GlobalIndexLifecycle globalIndexes;
    /** A cluster node's partitions (null on one node). */
    private final ClusterPartitions cluster;
    /** A cluster node's partition map (its catalog's descriptors; null on one node). */
    private final Supplier<PartitionMap> map;

    /** A partition of this node: its table's runtime and its position among the table's partitions. */
    private record Local(TableRuntime runtime, int position) {
        PartitionLeader leader() {
            return runtime.partition(position);
        }
    }

    LocalPartitionClient(StorageReader storage, GlobalIndexLifecycle globalIndexes) {
        this.storage = requireNonNull(storage, "storage is null");
        this.globalIndexes = requireNonNull(globalIndexes, "globalIndexes is null");
        this.cluster = null;
        this.map = null;
    }

    /** A cluster node's client of the partitions of its group members. */
    LocalPartitionClient(ClusterPartitions cluster, Supplier<PartitionMap> map) {
        this.storage = null;
        this.globalIndexes = null;
        this.cluster = requireNonNull(cluster, "cluster is null");
        this.map = requireNonNull(map, "map is null");
    }

    /** Makes the partitions of a started table reachable. */
    void add(TableRuntime runtime) {
        List<PartitionLeader> leaders = runtime.partitions();
        for (int i = 0; i < leaders.size(); i++) {
            partitions.put(leaders.get(i).id(), new Local(runtime, i));
        }
    }

    /** Forgets the partitions of a table being closed: calls to them fail as for a deleted table. */
    void remove(TableRuntime runtime) {
        for (PartitionLeader leader : runtime.partitions()) {
            partitions.remove(leader.id());
        }
    }

    @Override
    public CompletableFuture<EvaluatedWrite> write(PartitionId partition, byte[] itemKey, ItemOperation operation) {
        Local local = partitions.get(partition);
        if (local == null) {
            return cluster == null ? CompletableFuture.failedFuture(resourceNotFound())
                    : clusterWrite(partition, itemKey, operation);
        }
        TableRuntime runtime = local.runtime();
        CompletableFuture<EvaluatedWrite> written = local.leader().write(itemKey, operation);
        if (!runtime.hasGlobalIndexes() || !globalIndexes.propagation().synchronous()) {
            return written;
        }
        GlobalIndexPropagator propagator = runtime.propagator(local.position());
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

    private CompletableFuture<EvaluatedWrite> clusterWrite(PartitionId partition, byte[] itemKey,
            ItemOperation operation) {
        PartitionLeader leader;
        try {
            leader = leader(partition);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return leader == null ? CompletableFuture.failedFuture(resourceNotFound())
                : routed(leader.write(itemKey, operation));
    }

    /** A cluster leader's future, its Raft failures turned into the routing answers the Router retries. */
    private <T> CompletableFuture<T> routed(CompletableFuture<T> future) {
        return future.exceptionallyCompose(failure -> CompletableFuture.failedFuture(cluster.routingFailure(failure)));
    }

    @Override
    public StoredItem get(PartitionId partition, byte[] itemKey, boolean consistent) {
        if (cluster != null) {
            return clusterGet(partition, itemKey, consistent);
        }
        byte[] stored = storage.get(itemKey);
        return stored == null ? null : StoredItem.of(stored);
    }

    private StoredItem clusterGet(PartitionId partition, byte[] itemKey, boolean consistent) {
        Optional<PartitionDescriptor> descriptor = map.get().tryGet(partition);
        if (descriptor.isEmpty()) {
            return null; // the table is gone: nothing to read
        }
        return cluster.read(descriptor.get().groupId(), consistent, reader -> {
            byte[] stored = reader.get(itemKey);
            return stored == null ? null : StoredItem.of(stored);
        });
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
    public CompletableFuture<List<PrepareOutcome>> prepare(PartitionId partition, long transaction,
            long timestamp, String ledgerKey, List<byte[]> itemKeys, List<ItemOperation> operations) {
        PartitionLeader leader = leader(partition);
        return leader == null ? CompletableFuture.failedFuture(resourceNotFound())
                : clustered(leader.prepare(transaction, timestamp, ledgerKey, itemKeys, operations));
    }

    @Override
    public CompletableFuture<List<EvaluatedWrite>> commit(PartitionId partition, long transaction, long timestamp) {
        PartitionLeader leader = leader(partition);
        return leader == null ? CompletableFuture.failedFuture(resourceNotFound())
                : clustered(leader.commit(transaction, timestamp));
    }

    @Override
    public CompletableFuture<Void> release(PartitionId partition, long transaction, List<byte[]> itemKeys) {
        PartitionLeader leader = leader(partition);
        return leader == null ? CompletableFuture.failedFuture(resourceNotFound())
                : clustered(leader.release(transaction, itemKeys));
    }

    @Override
    public CompletableFuture<PartitionState.ReadRound> readForTransaction(PartitionId partition,
            List<byte[]> itemKeys) {
        PartitionLeader leader = leader(partition);
        return leader == null ? CompletableFuture.failedFuture(resourceNotFound())
                : clustered(leader.readForTransaction(itemKeys));
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
        return clustered(leader.validate(local));
    }

    private <T> CompletableFuture<T> clustered(CompletableFuture<T> future) {
        return cluster == null ? future : routed(future);
    }

    /**
     * The leader of {@code partition} on this node, or null when its table is gone.
     *
     * @throws io.basalt.cluster.rpc.RpcRefusedException in a cluster, when this node does not serve it now
     */
    private PartitionLeader leader(PartitionId partition) {
        Local local = partitions.get(partition);
        if (local != null) {
            return local.leader();
        }
        if (cluster == null) {
            return null;
        }
        Optional<PartitionDescriptor> descriptor = map.get().tryGet(partition);
        return descriptor.isEmpty() ? null : cluster.leader(descriptor.get().groupId(), partition);
    }

    private static BasaltException resourceNotFound() {
        return BasaltException.resourceNotFound("Requested resource not found");
    }
}
