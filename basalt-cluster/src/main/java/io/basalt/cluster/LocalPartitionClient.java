package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.model.BasaltException;
import io.basalt.partition.EvaluatedWrite;
import io.basalt.partition.GlobalIndexBatch;
import io.basalt.partition.IndexPosition;
import io.basalt.partition.ItemOperation;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionMap;
import io.basalt.partition.PartitionState;
import io.basalt.partition.PrepareOutcome;
import io.basalt.partition.TransactionWatch;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.encoding.StoredItem;
import io.basalt.partition.read.KeyRange;
import io.basalt.partition.read.PartitionReader;
import io.basalt.partition.read.ReadPlan;
import io.basalt.partition.read.ReadResult;
import io.basalt.replication.GlobalIndexLeader;
import io.basalt.replication.PartitionLeader;
import io.basalt.storage.StorageReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The partitions this node leads, reached in-process: each call goes to the partition's {@link PartitionLeader}
 * (writes, transaction rounds) or to the storage that holds the partition (point reads, Query and Scan pages), with
 * nothing encoded or copied. It is what a
 * node runs for its own partitions, whether the call came from its own requests or from a frame another node sent.
 *
 * <p>A point read reads storage directly, as before the seam: on one node storage holds exactly the acknowledged
 * writes (reads.md), so every read is strongly consistent; the leader's read barrier comes with Raft (§10). Which
 * storage holds a partition is the {@link PartitionStores}' answer: on one node, the node's one storage; in a
 * cluster, the storage of the partition's replication group on this node.
 *
 * <p>A cluster node's client ({@link #LocalPartitionClient(ClusterPartitions, Supplier)}) serves the partitions of
 * its group members through a {@link ClusterPartitions} lookup: a partition's group comes from the node's partition
 * map, its leader from the group's open epoch, its storage from the member, and a consistent read (a point read or a
 * page) passes the group's read barrier first (§10). A partition this node cannot serve (another node leads its
 * group, or its epoch is catching up) fails with the routing answer the Router acts on. The one-node path pays a
 * null check for it on the slow paths only.
 */
final class LocalPartitionClient implements PartitionClient {
    private final PartitionStores stores;
    /**
     * The node's one storage when every partition lives in it, else null: read without asking {@link #stores},
     * so that a GetItem's {@code PartitionId} does not escape and is still scalar-replaced (SeamAllocationCheck).
     */
    private final StorageReader onlyStorage;
    /** The partitions of the tables the node runs, by id: their table's runtime and their position in it. */
    private final ConcurrentHashMap<PartitionId, Local> partitions = new ConcurrentHashMap<>();
    private final GlobalIndexLifecycle globalIndexes;
    /** A cluster node's partitions (null on one node). */
    private final ClusterPartitions cluster;
    /** A cluster node's partition map (its catalog's descriptors; null on one node). */
    private final Supplier<PartitionMap> map;
    /** The global index partitions this node leads, by id (cluster.md §15). */
    private final ConcurrentHashMap<PartitionId, GlobalIndexLeader> indexPartitions = new ConcurrentHashMap<>();

    /** A partition of this node: its table's runtime and its position among the table's partitions. */
    private record Local(TableRuntime runtime, int position) {
        PartitionLeader leader() {
            return runtime.partition(position);
        }
    }

    /** The client of a node whose every partition lives in {@code storage} (one node). */
    LocalPartitionClient(StorageReader storage, GlobalIndexLifecycle globalIndexes) {
        this(PartitionStores.single(storage), requireNonNull(storage, "storage is null"), globalIndexes);
    }

    LocalPartitionClient(PartitionStores stores, GlobalIndexLifecycle globalIndexes) {
        this(stores, null, globalIndexes);
    }

    private LocalPartitionClient(PartitionStores stores, StorageReader onlyStorage,
            GlobalIndexLifecycle globalIndexes) {
        this.stores = requireNonNull(stores, "stores is null");
        this.onlyStorage = onlyStorage;
        this.globalIndexes = requireNonNull(globalIndexes, "globalIndexes is null");
        this.cluster = null;
        this.map = null;
    }

    /** A cluster node's client of the partitions of its group members (see the class). */
    LocalPartitionClient(ClusterPartitions cluster, Supplier<PartitionMap> map) {
        this.cluster = requireNonNull(cluster, "cluster is null");
        this.map = requireNonNull(map, "map is null");
        this.stores = partition -> null;
        this.onlyStorage = null;
        this.globalIndexes = null;
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

    /** Makes a global index partition's leader reachable ({@link #applyGlobalIndex}). */
    void addIndexPartition(GlobalIndexLeader leader) {
        indexPartitions.put(leader.id(), leader);
    }

    /** Forgets a global index partition's leader: batches for it fail as for a deleted table. */
    GlobalIndexLeader removeIndexPartition(PartitionId partition) {
        return indexPartitions.remove(partition);
    }

    /** The leader of a global index partition of this node, or null. */
    GlobalIndexLeader indexPartition(PartitionId partition) {
        return indexPartitions.get(partition);
    }

    @Override
    public CompletableFuture<IndexPosition> applyGlobalIndex(PartitionId indexPartition, GlobalIndexBatch batch) {
        if (cluster != null) {
            return clusterApplyGlobalIndex(indexPartition, batch);
        }
        GlobalIndexLeader leader = indexPartitions.get(indexPartition);
        return leader == null ? CompletableFuture.failedFuture(resourceNotFound()) : leader.apply(batch);
    }

    /** A batch for a global index partition whose group this cluster node leads (cluster.md §15). */
    private CompletableFuture<IndexPosition> clusterApplyGlobalIndex(PartitionId indexPartition,
            GlobalIndexBatch batch) {
        Optional<PartitionDescriptor> descriptor = map.get().tryGet(indexPartition);
        if (descriptor.isEmpty()) {
            return CompletableFuture.failedFuture(resourceNotFound());
        }
        GlobalIndexLeader leader;
        try {
            leader = cluster.indexLeader(descriptor.get().groupId(), indexPartition);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return routed(leader.apply(batch));
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
        if (leader == null) {
            return CompletableFuture.failedFuture(resourceNotFound());
        }
        CompletableFuture<EvaluatedWrite> written = routed(leader.write(itemKey, operation));
        // The synchronous test mode: the write completes once its table's global indexes have it (cluster.md §15).
        GlobalIndexPropagator propagator = cluster.globalIndexes().synchronousPropagator(
                leader.descriptor().groupId(), partition);
        return propagator == null ? written : written.thenCompose(write -> propagator.awaitPropagated(
                write.entry().sequence()).thenApply(ignored -> write));
    }

    /** A cluster leader's future, its Raft failures turned into the routing answers the Router retries. */
    private <T> CompletableFuture<T> routed(CompletableFuture<T> future) {
        return future.exceptionallyCompose(failure -> CompletableFuture.failedFuture(cluster.routingFailure(failure)));
    }

    private <T> CompletableFuture<T> clustered(CompletableFuture<T> future) {
        return cluster == null ? future : routed(future);
    }

    @Override
    public StoredItem get(PartitionId partition, byte[] itemKey, boolean consistent) {
        if (cluster != null) {
            return inGroup(partition, consistent, reader -> {
                byte[] stored = reader.get(itemKey);
                return stored == null ? null : StoredItem.of(stored);
            });
        }
        byte[] stored = storageOf(partition).get(itemKey);
        return stored == null ? null : StoredItem.of(stored);
    }

    /**
     * Runs {@code read} on the storage of a cluster node's member of the partition's group (after the group's read
     * barrier when {@code consistent}).
     *
     * @throws BasaltException ResourceNotFoundException when the partition's table is gone
     */
    private <T> T inGroup(PartitionId partition, boolean consistent, Function<StorageReader, T> read) {
        Optional<PartitionDescriptor> descriptor = map.get().tryGet(partition);
        if (descriptor.isEmpty()) {
            throw resourceNotFound();
        }
        return cluster.read(descriptor.get().groupId(), consistent, read);
    }

    /**
     * On a cluster node a strong read's barrier may take up to 2 s (§10): the answer completes when the barrier has
     * passed, so that the RPC server, which calls this on the event loop that delivered the frame, never waits on it
     * ("s18 robustness" in cluster.md).
     */
    @Override
    public CompletableFuture<StoredItem> getAsync(PartitionId partition, byte[] itemKey, boolean consistent) {
        if (cluster == null) {
            return PartitionClient.super.getAsync(partition, itemKey, consistent);
        }
        Optional<PartitionDescriptor> descriptor = map.get().tryGet(partition);
        if (descriptor.isEmpty()) {
            return CompletableFuture.failedFuture(resourceNotFound());
        }
        return cluster.readAsync(descriptor.get().groupId(), consistent, reader -> {
            byte[] stored = reader.get(itemKey);
            return stored == null ? null : StoredItem.of(stored);
        });
    }

    /** As {@link #getAsync}: every key's read may wait for its group's barrier, none of them on the caller. */
    @Override
    public CompletableFuture<List<List<StoredItem>>> getBatchAsync(List<KeyGroup> groups) {
        if (cluster == null) {
            return PartitionClient.super.getBatchAsync(groups);
        }
        List<List<CompletableFuture<StoredItem>>> reads = new ArrayList<>(groups.size());
        List<CompletableFuture<StoredItem>> all = new ArrayList<>();
        for (KeyGroup group : groups) {
            List<CompletableFuture<StoredItem>> items = new ArrayList<>(group.itemKeys().size());
            for (byte[] itemKey : group.itemKeys()) {
                items.add(getAsync(group.partition(), itemKey, group.consistent()));
            }
            reads.add(items);
            all.addAll(items);
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            List<List<StoredItem>> results = new ArrayList<>(reads.size());
            for (List<CompletableFuture<StoredItem>> items : reads) {
                results.add(Arrays.asList(items.stream().map(CompletableFuture::join).toArray(StoredItem[]::new)));
            }
            return results;
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
    public CompletableFuture<ReadResult> readPage(PartitionId partition, ReadPlan plan) {
        try {
            return CompletableFuture.completedFuture(read(partition, plan));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * {@link #readPage}, answered on the calling thread. The range is the caller's cut (see
     * {@link PartitionClient#readPage}); it is only checked to stay within the keys of the plan's table or index,
     * so that no plan reads another table's items.
     */
    ReadResult read(PartitionId partition, ReadPlan plan) {
        if (cluster != null) {
            return inGroup(partition, plan.spec().consistent(), storage -> read(storage, plan));
        }
        return read(storageOf(partition), plan);
    }

    private static ReadResult read(StorageReader storage, ReadPlan plan) {
        long tableId = plan.spec().tableId();
        int indexId = plan.spec().source().indexId();
        KeyRange range = plan.range();
        if (!range.isEmpty() && (Arrays.compareUnsigned(range.lowerInclusive(),
                KeyLayout.indexStart(tableId, indexId)) < 0
                || Arrays.compareUnsigned(range.upperExclusive(), KeyLayout.indexEnd(tableId, indexId)) > 0)) {
            throw new IllegalArgumentException("the range of a page of table " + tableId + " index " + indexId
                    + " reaches past its keys");
        }
        return PartitionReader.read(storage, plan);
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

    /** The storage holding {@code partition} on this node. */
    private StorageReader storageOf(PartitionId partition) {
        if (onlyStorage != null) {
            return onlyStorage;
        }
        StorageReader storage = stores.storageOf(partition);
        if (storage == null) {
            throw resourceNotFound();
        }
        return storage;
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
