package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionIndexes;
import io.basalt.partition.PartitionMap;
import io.basalt.partition.PartitionRanges;
import io.basalt.partition.PartitionRecord;
import io.basalt.partition.apply.GroupStateMachine;
import io.basalt.partition.apply.GroupStore;
import io.basalt.replication.GlobalIndexLeader;
import io.basalt.replication.LocalReplicator;
import io.basalt.replication.PartitionLeader;
import io.basalt.storage.StorageReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The single node's tables (docs/design/cluster.md §3): one local replication group over the node's storage, whose
 * state machine applies every partition and metadata entry; the metadata state machine and catalog over the local
 * log; each table's partition leaders and global index propagators ({@link TableRuntime}), and the global index
 * partitions' leaders. Table commands are serialized by the control lock.
 */
final class LocalTables implements NodeTables {
    private final NodeConfig config;
    /** The local group's storage: its state machine is the one writer (docs/design/cluster.md §16). */
    private final GroupStore store;
    private final StorageReader storage;
    /** The single node is one local replication group: every partition entry is applied here. */
    private final GroupStateMachine stateMachine;
    private final LocalReplicator replicator;
    private final ExecutorService partitionPool;
    private final Catalog catalog;
    private final MetaStateMachine meta;
    private final GlobalIndexLifecycle globalIndexes;
    private final ConcurrentHashMap<Long, TableRuntime> runtimes = new ConcurrentHashMap<>();
    /** This node's partitions, reached in-process. */
    private final LocalPartitionClient localPartitions;
    /**
     * Which partition holds which hashes of every table (docs/design/cluster.md §4.2), swapped whole under the
     * control lock; each table's runtime routes through its slice.
     */
    private volatile PartitionMap partitionMap = PartitionMap.empty();
    private final Object controlLock = new Object();

    /**
     * Adopts {@code engine} as the local group's storage, bringing a store of an older layout to this one first
     * (§4.3). The tables start with {@link #start}.
     *
     * @param sender how the global index propagators reach index partitions (the node's partition client)
     */
    LocalTables(StorageReader engine, NodeConfig config, Supplier<PartitionClient> sender) {
        this.config = requireNonNull(config, "config is null");
        this.store = GroupStore.adopt(engine, GroupStateMachine.LOCAL_GROUP_ID);
        this.storage = store.reader();
        // Before anything reads storage: a store of an older layout is brought to this one (§4.3).
        FormatMigration.run(store.unconfinedWriterForAllowListedClasses(), FormatMigration.NO_HOOK);
        this.stateMachine = store.stateMachine();
        this.replicator = new LocalReplicator(stateMachine, config.syncWrites() && storage.isPersistent());
        this.partitionPool = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                DaemonThreads.named("basalt-partition-"));
        this.catalog = new Catalog(storage);
        // The local group applies metadata entries too (cluster.md §3): the catalog follows what it applies.
        stateMachine.addMetaListener(catalog::apply);
        this.meta = new MetaStateMachine(catalog, controlLock, replicator::appendMeta);
        this.globalIndexes = new GlobalIndexLifecycle(storage, catalog, meta,
                controlLock, config, this::closeIndexPartitions, this::dropIndexData, sender,
                DaemonThreads.named("basalt-index-"), DaemonThreads.named("basalt-index-timer-"),
                DaemonThreads.named("basalt-control-"));
        this.localPartitions = new LocalPartitionClient(storage, globalIndexes);
    }

    /**
     * Starts the partitions of every table in the catalog.
     *
     * @return the catalog's tables by id
     */
    Map<Long, TableMetadata> start() {
        Map<Long, TableMetadata> tablesById = new HashMap<>();
        List<PartitionDescriptor> descriptors = new ArrayList<>();
        for (TableMetadata table : catalog.all()) {
            descriptors.addAll(table.partitions());
            descriptors.addAll(table.indexPartitions());
        }
        partitionMap = PartitionMap.of(descriptors);
        for (TableMetadata table : catalog.all()) {
            register(startPartitions(table));
            tablesById.put(table.id(), table);
        }
        return tablesById;
    }

    /**
     * Before serving: a store written before step 7 keeps decisions and tokens in 0x07/0x08 (§4.3 step 3), which
     * {@code settle} completes and copies.
     */
    void retireOldLedger(BiConsumer<Map<Long, TransactionRecord>, Map<String, TokenRecord>> settle) {
        FormatMigration.retireOldLedger(store.unconfinedWriterForAllowListedClasses(), settle::accept);
    }

    /** The node's partitions, reached in-process. */
    LocalPartitionClient localPartitions() {
        return localPartitions;
    }

    Map<Long, TableRuntime> runtimes() {
        return runtimes;
    }

    StorageReader storage() {
        return storage;
    }

    Catalog catalog() {
        return catalog;
    }

    GlobalIndexLifecycle globalIndexes() {
        return globalIndexes;
    }

    GroupStateMachine stateMachine() {
        return stateMachine;
    }

    /** Every partition leader of the node's tables. */
    List<PartitionLeader> ledPartitions() {
        List<PartitionLeader> leaders = new ArrayList<>();
        for (TableRuntime runtime : runtimes.values()) {
            leaders.addAll(runtime.partitions());
        }
        return leaders;
    }

    @Override
    public TableMetadata createTable(TableDefinition definition) {
        synchronized (controlLock) {
            Instant now = config.clock().instant();
            Instant readyAt = now.plus(config.tableCreationDelay());
            long tableId = meta.allocateTableId();
            int partitionCount = config.partitionsPerTable();
            // The table's partitions first, then its global indexes' (as the format migration numbers them).
            List<PartitionDescriptor> partitions = PartitionDescriptor.equalRanges(tableId,
                    KeyLayout.BASE_TABLE_INDEX, meta.allocatePartitionIds(partitionCount), partitionCount,
                    GroupStateMachine.LOCAL_GROUP_ID);
            List<IndexMetadata> indexes = new ArrayList<>(definition.indexes().size());
            for (IndexDefinition index : definition.indexes()) {
                IndexMetadata metadata = new IndexMetadata(index.withId(indexes.size() + 1), index.throughput(),
                        IndexPhase.STEADY, TableStatus.CREATING, readyAt);
                indexes.add(metadata.global() ? metadata.withPartitions(indexPartitions(tableId, metadata.id()))
                        : metadata);
            }
            TableMetadata table = new TableMetadata(definition.name(), tableId,
                    UUID.randomUUID().toString(), definition.keySchema(), definition.attributeDefinitions(),
                    definition.billingMode(), definition.throughput(), now,
                    // A table created on-demand reports its creation as its switch to on-demand.
                    definition.billingMode() == BillingMode.PAY_PER_REQUEST ? now : null, TableStatus.CREATING,
                    readyAt, definition.deletionProtection(), definition.tableClass(), definition.tags(),
                    partitions, indexes, indexes.size() + 1);
            // Checked (name in use) before the partitions start; logged once they have.
            MetaStateMachine.Evaluated created = meta.evaluate(new MetaCommand.CreateTable(table));
            partitionMap = partitionMap.withRanges(partitions);
            for (IndexMetadata index : table.globalIndexes()) {
                partitionMap = partitionMap.withRanges(index.partitions());
            }
            register(startPartitions(table));
            return meta.propose(created);
        }
    }

    @Override
    public Optional<TableMetadata> tryGetTable(String name) {
        return catalog.tryGet(name);
    }

    @Override
    public List<String> tableNamesAfter(String exclusiveStart, int limit) {
        return catalog.namesAfter(exclusiveStart, limit);
    }

    @Override
    public TableMetadata updateTable(String name, TableChange change) {
        synchronized (controlLock) {
            if (change instanceof TableChange.AddGlobalIndex add && add.indexPartitions().isEmpty()) {
                change = add.withIndexPartitions(indexPartitions(add.expected().id(), add.indexId()));
            }
            TableMetadata updated = meta.submit(new MetaCommand.UpdateTable(name, change));
            if (updated == null) {
                throw MetaStateMachine.tableNotFound(name);
            }
            if (change instanceof TableChange.AddGlobalIndex add) {
                IndexMetadata added = updated.indexes().stream().filter(index -> index.id() == add.indexId())
                        .findFirst().orElseThrow();
                openIndexPartitions(added);
                globalIndexes.startBackfill(updated, added.index(), runtimes.get(updated.id()));
            } else if (change instanceof TableChange.StartIndexDrop drop) {
                IndexMetadata dropped = updated.indexes().stream().filter(index -> index.id() == drop.indexId())
                        .findFirst().orElseThrow();
                globalIndexes.startDrop(updated, dropped, runtimes.get(updated.id()));
            }
            return updated;
        }
    }

    @Override
    public TableMetadata deleteTable(TableMetadata table) {
        synchronized (controlLock) {
            MetaStateMachine.Evaluated deleted = meta.evaluate(new MetaCommand.DeleteTable(table));
            TableRuntime runtime = runtimes.remove(table.id());
            if (runtime != null) {
                localPartitions.remove(runtime);
                runtime.close().join();
            }
            for (PartitionDescriptor partition : table.indexPartitions()) {
                GlobalIndexLeader leader = localPartitions.removeIndexPartition(partition.id());
                if (leader != null) {
                    leader.close().join();
                }
            }
            // Applying the entry closes the table's partitions in the state machine and drops their data.
            TableMetadata deletedTable = meta.propose(deleted);
            partitionMap = partitionMap.withoutTable(table.id());
            return deletedTable;
        }
    }

    @Override
    public boolean isLive(long tableId) {
        return runtimes.containsKey(tableId);
    }

    @Override
    public PartitionMap partitionMap() {
        return partitionMap;
    }

    @Override
    public TableStatistics statistics(TableMetadata table) {
        return DurableStatistics.table(table, (partition, key) -> storage.get(key));
    }

    @Override
    public TableStatistics indexStatistics(TableMetadata table, IndexMetadata index) {
        return DurableStatistics.index(table, index, (partition, key) -> storage.get(key));
    }

    /** How far a global index is behind its table, summed over the partitions. */
    @Override
    public IndexLag globalIndexLag(TableMetadata table, IndexMetadata index) {
        TableRuntime runtime = runtimes.get(table.id());
        return runtime == null || !index.global() ? IndexLag.NONE : GlobalIndexLifecycle.lag(runtime, index);
    }

    @Override
    public void setGlobalIndexPropagation(GlobalIndexPropagation propagation) {
        globalIndexes.setPropagation(propagation, runtimes.values());
    }

    @Override
    public GlobalIndexPropagation globalIndexPropagation() {
        return globalIndexes.propagation();
    }

    /**
     * New partitions for global index {@code indexId} of table {@code tableId}: as many equal ranges of the index
     * key's hash as a table gets, with ids from the metadata state machine (docs/design/cluster.md §15).
     */
    private List<PartitionDescriptor> indexPartitions(long tableId, int indexId) {
        int count = config.partitionsPerTable();
        return PartitionDescriptor.equalRanges(tableId, indexId, meta.allocatePartitionIds(count), count,
                GroupStateMachine.LOCAL_GROUP_ID);
    }

    /** Makes a started table's partitions reachable: by table id, and each by its partition id. */
    private void register(TableRuntime runtime) {
        localPartitions.add(runtime);
        runtimes.put(runtime.tableId(), runtime);
    }

    private TableRuntime startPartitions(TableMetadata table) {
        List<PartitionLeader> leaders = new ArrayList<>(table.partitionCount());
        List<GlobalIndexPropagator> propagators = new ArrayList<>(table.partitionCount());
        java.time.Clock clock = config.clock();
        List<Integer> localIndexIds = table.localIndexes().stream().map(IndexMetadata::id).toList();
        PartitionRanges ranges = partitionMap.getRanges(table.id(), KeyLayout.BASE_TABLE_INDEX);
        for (PartitionDescriptor partition : ranges.descriptors()) {
            stateMachine.openPartition(partition, localIndexIds);
            long applied = PartitionRecord.metadataOf(
                    storage.get(KeyLayout.partitionRecordKey(table.id(), partition.id()))).appliedIndex();
            // The leader tells the propagator what it applied; the propagator logs its trims through the leader.
            GlobalIndexPropagator[] propagator = new GlobalIndexPropagator[1];
            PartitionLeader leader = new PartitionLeader(partition, storage, table.keySchema(), clock::millis,
                    replicator, partitionPool, index -> propagator[0].applied(index));
            propagator[0] = globalIndexes.newPropagator(table, partition, applied, leader::trimChanges);
            propagators.add(propagator[0]);
            leaders.add(leader);
        }
        startIndexPartitions(table.indexPartitions());
        TableRuntime runtime = new TableRuntime(table.id(), ranges, leaders, propagators);
        runtime.configure(PartitionIndexes.of(table.keySchema(), table.maintainedIndexes()));
        globalIndexes.resume(table, runtime);
        return runtime;
    }

    /** Makes a global index's partitions known: in the partition map, open in the local group, with leaders. */
    private void openIndexPartitions(IndexMetadata index) {
        partitionMap = partitionMap.withRanges(index.partitions());
        startIndexPartitions(index.partitions());
    }

    /** Opens global index partitions in the local group and starts their leaders (cluster.md §15). */
    private void startIndexPartitions(List<PartitionDescriptor> indexPartitions) {
        for (PartitionDescriptor partition : indexPartitions) {
            stateMachine.openPartition(partition, List.of());
            localPartitions.addIndexPartition(new GlobalIndexLeader(partition, storage, config.clock()::millis,
                    replicator, partitionPool));
        }
    }

    /** Forgets a dropped global index's partitions, once the index has left the catalog. */
    private void closeIndexPartitions(IndexMetadata index) {
        if (index.partitions().isEmpty()) {
            return;
        }
        partitionMap = partitionMap.withoutIndex(index.partitions().get(0).tableId(), index.id());
        stopIndexPartitions(index.partitions());
    }

    /** Stops the leaders of global index partitions and closes the partitions in the local group. */
    private void stopIndexPartitions(List<PartitionDescriptor> indexPartitions) {
        for (PartitionDescriptor partition : indexPartitions) {
            GlobalIndexLeader leader = localPartitions.removeIndexPartition(partition.id());
            if (leader != null) {
                leader.close();
            }
            stateMachine.closePartition(partition.id());
        }
    }

    /**
     * Removes a dropping global index's entries, positions and partition records through each of its partitions'
     * own log (cluster.md §15); completes once every such entry is applied.
     */
    private CompletableFuture<Void> dropIndexData(TableMetadata table, IndexMetadata index) {
        List<PartitionId> sources = table.partitions().stream().map(PartitionDescriptor::id).toList();
        List<CompletableFuture<Void>> dropped = new ArrayList<>();
        for (PartitionDescriptor partition : index.partitions()) {
            GlobalIndexLeader leader = localPartitions.indexPartition(partition.id());
            if (leader != null) {
                dropped.add(leader.drop(sources));
            }
        }
        return CompletableFuture.allOf(dropped.toArray(CompletableFuture[]::new));
    }

    @Override
    public void close() {
        replicator.close();
        globalIndexes.close(runtimes.values());
        partitionPool.shutdown();
        try {
            partitionPool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
    }
}
