package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.model.BasaltException;
import io.basalt.partition.EvaluatedWrite;
import io.basalt.partition.GlobalIndexBatch;
import io.basalt.partition.IndexPosition;
import io.basalt.partition.ItemOperation;
import io.basalt.partition.PartitionId;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

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
        GlobalIndexLeader leader = indexPartitions.get(indexPartition);
        return leader == null ? CompletableFuture.failedFuture(resourceNotFound()) : leader.apply(batch);
    }

    @Override
    public CompletableFuture<EvaluatedWrite> write(PartitionId partition, byte[] itemKey, ItemOperation operation) {
        Local local = partitions.get(partition);
        if (local == null) {
            return CompletableFuture.failedFuture(resourceNotFound());
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

    @Override
    public StoredItem get(PartitionId partition, byte[] itemKey, boolean consistent) {
        byte[] stored = storageOf(partition).get(itemKey);
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
        StorageReader storage = storageOf(partition);
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
                : leader.prepare(transaction, timestamp, ledgerKey, itemKeys, operations);
    }

    @Override
    public CompletableFuture<List<EvaluatedWrite>> commit(PartitionId partition, long transaction, long timestamp) {
        PartitionLeader leader = leader(partition);
        return leader == null ? CompletableFuture.failedFuture(resourceNotFound())
                : leader.commit(transaction, timestamp);
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

    /** The leader of {@code partition} on this node, or null when its table is gone. */
    private PartitionLeader leader(PartitionId partition) {
        Local local = partitions.get(partition);
        return local == null ? null : local.leader();
    }

    private static BasaltException resourceNotFound() {
        return BasaltException.resourceNotFound("Requested resource not found");
    }
}
