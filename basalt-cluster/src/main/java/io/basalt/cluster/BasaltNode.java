package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.rpc.RpcPartitionClient;
import io.basalt.model.BasaltException;
import io.basalt.model.Item;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.EvaluatedWrite;
import io.basalt.partition.IndexPartitionState;
import io.basalt.partition.ItemOperation;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionIndexes;
import io.basalt.partition.PartitionMap;
import io.basalt.partition.PartitionMetadata;
import io.basalt.partition.PartitionRanges;
import io.basalt.partition.PartitionRecord;
import io.basalt.partition.apply.GroupStateMachine;
import io.basalt.partition.apply.GroupStore;
import io.basalt.partition.encoding.StoredItem;
import io.basalt.partition.read.ReadPlan;
import io.basalt.partition.read.ReadResult;
import io.basalt.partition.read.ReadSpec;
import io.basalt.replication.GlobalIndexLeader;
import io.basalt.replication.LocalReplicator;
import io.basalt.replication.PartitionLeader;
import io.basalt.storage.StorageReader;
import java.time.Duration;
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
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One Basalt node: its storage, its log, its catalog and the partitions of every table. The server reaches
 * tables and items only through this class. Thread-safe: data-plane calls run concurrently; control-plane
 * changes (create, update, delete) are serialized.
 *
 * <p>In cluster mode ({@link #openCluster}) the node shares the data plane — writes, batches, point reads,
 * transactions and Query/Scan go through the {@link PartitionClient} as on one node, routed to the partitions'
 * leaders — while table commands and catalog reads go through the {@link ControlPlane} (the metadata group), the
 * partition map follows the catalog's descriptors, and its own partitions are those of its Raft group members
 * ({@link ClusterPartitions}). The single-node fields (storage, log, catalog, runtimes) are then unused.
 */
public final class BasaltNode implements AutoCloseable {
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
    private final ReadService reads;
    private final ConcurrentHashMap<Long, TableRuntime> runtimes = new ConcurrentHashMap<>();
    /**
     * Which partition holds which hashes of every table (docs/design/cluster.md §4.2), swapped whole under the
     * control lock; each table's runtime routes through its slice.
     */
    private volatile PartitionMap partitionMap = PartitionMap.empty();
    private final Object controlLock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final GlobalIndexLifecycle globalIndexes;
    private final ExecutorService transactionReaders;
    private final TransactionCoordinator transactions;
    /** The rows of the internal ledger table: transaction decisions and tokens. */
    private final Ledger ledger;
    /** Finishes prepared transactions whose coordinator is gone, at start and periodically. */
    private final TransactionResolver resolver;
    /** How this node reaches partitions: in-process, or through the encoding loopback transport (tests). */
    /** This node's partitions, reached in-process. */
    private final LocalPartitionClient localPartitions;
    /** How the node reaches a partition: {@link #localPartitions}, or through the RPC codecs in loopback mode. */
    private final PartitionClient partitions;
    /** Fault injection: holds prepared transactions before their decision (tests). */
    private final CommitDelay commitDelay = new CommitDelay();
    /** A cluster node's table commands and catalog (null on one node). */
    private final ControlPlane control;
    /** A cluster node's own partitions: those of its group members (null on one node). */
    private final ClusterPartitions cluster;

    private BasaltNode(StorageReader engine, NodeConfig config, PartitionRouting routing) {
        requireNonNull(routing, "routing is null");
        this.config = requireNonNull(config, "config is null");
        this.control = null;
        this.cluster = null;
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
                controlLock, config, this::closeIndexPartitions, this::dropIndexData, this::partitionClient,
                DaemonThreads.named("basalt-index-"), DaemonThreads.named("basalt-index-timer-"),
                DaemonThreads.named("basalt-control-"));
        this.transactionReaders = Executors.newFixedThreadPool(2, DaemonThreads.named("basalt-transaction-"));
        LocalPartitionClient local = new LocalPartitionClient(storage, globalIndexes);
        this.localPartitions = local;
        this.partitions = config.loopbackRpc() ? RpcPartitionClient.loopback(local)
                : requireNonNull(routing.client(local), "routing gave no client");
        // Query and Scan pages go through the client, partition by partition, only when partitions may be served
        // elsewhere; one node reads its one storage directly (ReadService, cluster.md §9.3).
        this.reads = new ReadService(storage, partitions, config.loopbackRpc() || routing != PartitionRouting.LOCAL);
        this.ledger = new Ledger(() -> catalog.tryGet(InternalTables.LEDGER).orElse(null), this::partitionOf,
                partitions);
        this.transactions = new TransactionCoordinator(config.clock(), runtimes::containsKey, this::partitionOf,
                partitions, ledger, config.transactionResolveAfter(), transactionReaders, commitDelay);
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
        // The ledger table is created by a metadata command on the first start (cluster.md §14), like any table.
        TableMetadata ledgerTable = catalog.tryGet(InternalTables.LEDGER)
                .orElseGet(() -> createTable(InternalTables.ledgerDefinition()));
        // Before serving: a store written before step 7 keeps decisions and tokens in 0x07/0x08 (§4.3 step 3).
        FormatMigration.retireOldLedger(store.unconfinedWriterForAllowListedClasses(),
                (decisions, tokens) -> settleOldLedger(decisions, tokens, tablesById));
        long ledgerTableId = ledgerTable.id();
        this.resolver = new TransactionResolver(config.clock(), config.transactionResolveAfter(), this::ledPartitions,
                () -> ledgerTableId, ledger);
        // No coordinator outlives its process: every prepare record found at start is settled now.
        resolver.sweep(true);
        resolver.start(DaemonThreads.named("basalt-resolver-"));
    }

    /** A cluster node (see the class): nothing of the single node's storage, log or catalog. */
    private BasaltNode(ControlPlane control, ClusterPartitions cluster, NodeConfig config, PartitionRouting routing) {
        requireNonNull(routing, "routing is null");
        this.config = requireNonNull(config, "config is null");
        this.control = requireNonNull(control, "control is null");
        this.cluster = requireNonNull(cluster, "cluster is null");
        this.store = null;
        this.storage = null;
        this.stateMachine = null;
        this.replicator = null;
        this.partitionPool = null;
        this.catalog = null;
        this.meta = null;
        this.globalIndexes = null;
        this.transactionReaders = Executors.newFixedThreadPool(2, DaemonThreads.named("basalt-transaction-"));
        LocalPartitionClient local = new LocalPartitionClient(cluster, () -> partitionMap);
        this.localPartitions = local;
        this.partitions = requireNonNull(routing.client(local), "routing gave no client");
        // Pages go through the routed client to the node serving each partition (cluster.md §9.2).
        this.reads = new ReadService(null, partitions, true);
        this.ledger = new Ledger(() -> control.tryGetTable(InternalTables.LEDGER).orElse(null), this::partitionOf,
                partitions);
        this.transactions = new TransactionCoordinator(config.clock(), this::isLive, this::partitionOf, partitions,
                ledger, config.transactionResolveAfter(), transactionReaders, commitDelay);
        control.addChangeListener(this::followCatalog);
        followCatalog();
        // The data groups' global index propagators send through this node's routed client (cluster.md §15).
        cluster.globalIndexes().bind(partitions, control, config.globalIndexPropagation());
        // The ledger table is created once per cluster, by whichever node gets there first (ClusterServe).
        this.resolver = new TransactionResolver(config.clock(), config.transactionResolveAfter(),
                cluster::ledPartitions, () -> control.tryGetTable(InternalTables.LEDGER).map(TableMetadata::id)
                        .orElse(-1L), ledger);
        resolver.start(DaemonThreads.named("basalt-resolver-"));
    }

    /**
     * A cluster node's partition map follows its catalog: every table's and global index's descriptors (cluster.md
     * §4.2), swapped whole after each metadata entry this node applies.
     */
    private void followCatalog() {
        List<PartitionDescriptor> descriptors = new ArrayList<>();
        for (TableMetadata table : control.tables()) {
            descriptors.addAll(table.partitions());
            descriptors.addAll(table.indexPartitions());
        }
        partitionMap = PartitionMap.of(descriptors);
    }

    /** Whether table {@code tableId} is live: started on one node, in the partition map of a cluster node. */
    private boolean isLive(long tableId) {
        return cluster == null ? runtimes.containsKey(tableId)
                : partitionMap.tryGetRanges(tableId, KeyLayout.BASE_TABLE_INDEX).isPresent();
    }

    /**
     * Opens a cluster node's API side (docs/design/cluster.md §11–§12): table commands and the catalog through
     * {@code control}, its own partitions through {@code cluster}, every partition call through the client
     * {@code routing} builds around the node's local one (a {@code RoutedPartitionClient}). The node owns no storage;
     * closing it leaves {@code control} and {@code cluster} open.
     */
    public static BasaltNode openCluster(ControlPlane control, ClusterPartitions cluster, NodeConfig config,
            PartitionRouting routing) {
        return new BasaltNode(control, cluster, config, routing);
    }

    /**
     * Makes sure the cluster's internal ledger table exists (docs/design/cluster.md §14): created once per cluster,
     * by whichever node gets there first ("already exists" is success), once the metadata group has a leader;
     * refusals meanwhile (no leader yet: 503) are retried until {@code timeout}.
     *
     * @throws IllegalStateException when no metadata leader created or showed it within {@code timeout}
     */
    public TableMetadata createLedgerTable(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (true) {
            Optional<TableMetadata> existing = control.tryGetTable(InternalTables.LEDGER);
            if (existing.isPresent()) {
                return existing.get();
            }
            try {
                return control.createTable(InternalTables.ledgerDefinition(), Duration.ZERO);
            } catch (RuntimeException e) {
                // ResourceInUse: another node created it, this node's catalog shows it next; else no leader yet.
                last = e;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the metadata group had no leader to create the ledger table within "
                        + timeout, last);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating the ledger table", e);
            }
        }
    }

    /** Whether this node runs in cluster mode. */
    public boolean isClusterNode() {
        return cluster != null;
    }

    /** A cluster node's partitions (its Raft side), for the admin endpoints that describe the node. */
    public Optional<ClusterPartitions> clusterPartitions() {
        return Optional.ofNullable(cluster);
    }

    /** The client this node's {@code PartitionRpcServer} serves other nodes from: its own partitions, in-process. */
    public PartitionClient localPartitionClient() {
        return localPartitions;
    }

    /**
     * Settles what the old ledger held: completes its decisions on the partitions that still hold their prepare
     * records, and copies each live token into a COMMITTED ledger row (its retry is answered from it as before).
     */
    private void settleOldLedger(Map<Long, TransactionRecord> decisions, Map<String, TokenRecord> tokens,
            Map<Long, TableMetadata> tablesById) {
        TransactionResolver.completeOldDecisions(decisions, runtimes, tablesById);
        ledger.copyOldTokens(tokens, now());
    }

    /** Every partition leader of the node's tables (one node). */
    private List<PartitionLeader> ledPartitions() {
        List<PartitionLeader> leaders = new ArrayList<>();
        for (TableRuntime runtime : runtimes.values()) {
            leaders.addAll(runtime.partitions());
        }
        return leaders;
    }

    /**
     * Runs the ledger's expiry sweep now over the ledger partitions this node leads (tests; it runs each minute).
     *
     * @return how many expired rows it deleted
     */
    public int dropExpiredLedgerRowsNow() {
        return resolver.dropExpiredRows();
    }

    /**
     * Opens a node over an opened storage engine ({@code io.basalt.storage.StorageEngine}), recovering the tables it
     * holds (after bringing a store of an older storage format to the current one). The node owns the engine from
     * now on: its local group's state machine is the only writer, so the node names it by its read view
     * (docs/design/cluster.md §16).
     *
     * @throws UnsupportedStorageFormatException when the store is of a newer format (the storage is left open)
     */
    public static BasaltNode open(StorageReader engine, NodeConfig config) {
        return new BasaltNode(engine, config, PartitionRouting.LOCAL);
    }

    /**
     * Opens a node as {@link #open(StorageReader, NodeConfig)} does, reaching partitions through the client
     * {@code routing} builds around the node's own (cluster.md §12.3); the loopback test mode ignores it.
     */
    public static BasaltNode open(StorageReader engine, NodeConfig config, PartitionRouting routing) {
        return new BasaltNode(engine, config, routing);
    }

    public NodeConfig config() {
        return config;
    }

    /** The node's storage, for tests of this package that look at what it keeps. */
    StorageReader storage() {
        return storage;
    }

    /** The ledger table's rows, for tests of this package that build or check transaction crash states. */
    Ledger ledger() {
        return ledger;
    }

    /** The internal ledger table, for tests of this package. */
    TableMetadata ledgerTable() {
        return catalog.tryGet(InternalTables.LEDGER).orElseThrow();
    }

    /** How this node reaches partitions, for tests of this package that check the loopback mode. */
    PartitionClient partitionClient() {
        return partitions;
    }

    /** The global index lifecycle, for tests of this package that build a partition client of their own. */
    GlobalIndexLifecycle globalIndexes() {
        return globalIndexes;
    }

    /** The local group's state machine, for tests of this package that watch what it applies. */
    GroupStateMachine stateMachine() {
        return stateMachine;
    }

    public Instant now() {
        return config.clock().instant();
    }

    // ---- control plane ----

    /** @throws BasaltException ResourceInUseException when a table of that name exists */
    public TableMetadata createTable(TableDefinition definition) {
        if (control != null) {
            return control.createTable(definition, config.tableCreationDelay());
        }
        synchronized (controlLock) {
            Instant now = now();
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

    /** The table a client names; internal tables ({@link InternalTables}) are never found. */
    public Optional<TableMetadata> tryGetTable(String name) {
        if (InternalTables.isInternal(name)) {
            return Optional.empty();
        }
        return control == null ? catalog.tryGet(name) : control.tryGetTable(name);
    }

    /** @throws BasaltException ResourceNotFoundException naming the table, as DescribeTable reports it */
    public TableMetadata describeTable(String name) {
        return tryGetTable(name).orElseThrow(() -> tableNotFound(name));
    }

    /**
     * Changes a table's metadata (docs/design/cluster.md §11). Adding a global index starts its backfill; starting
     * an index drop stops its maintenance and removes its data in the background.
     *
     * @return the table after the change
     * @throws BasaltException ResourceNotFoundException when the table does not exist; the change's own refusals
     * @throws TableChangedException when the change expected a version of the table that is no longer current:
     *     read it again, check the request again and retry
     */
    public TableMetadata updateTable(String name, TableChange change) {
        if (control != null) {
            return control.updateTable(name, change);
        }
        synchronized (controlLock) {
            if (change instanceof TableChange.AddGlobalIndex add && add.indexPartitions().isEmpty()) {
                change = add.withIndexPartitions(indexPartitions(add.expected().id(), add.indexId()));
            }
            TableMetadata updated = meta.submit(new MetaCommand.UpdateTable(name, change));
            if (updated == null) {
                throw tableNotFound(name);
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

    /**
     * Deletes a table and all its items, if it is still exactly {@code table} (the version the caller checked
     * DynamoDB's preconditions against). Writes already accepted finish first; later ones fail with
     * ResourceNotFoundException.
     *
     * @throws BasaltException ResourceNotFoundException when no table of that name exists
     * @throws TableChangedException when the table changed since {@code table} was read: check again and retry
     */
    public TableMetadata deleteTable(TableMetadata table) {
        if (control != null) {
            // The tables' groups drop its partitions through their own logs once their leaders see it gone.
            return control.deleteTable(table);
        }
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

    /**
     * New partitions for global index {@code indexId} of table {@code tableId}: as many equal ranges of the index
     * key's hash as a table gets, with ids from the metadata state machine (docs/design/cluster.md §15).
     */
    private List<PartitionDescriptor> indexPartitions(long tableId, int indexId) {
        int count = config.partitionsPerTable();
        return PartitionDescriptor.equalRanges(tableId, indexId, meta.allocatePartitionIds(count), count,
                GroupStateMachine.LOCAL_GROUP_ID);
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

    /**
     * The item count and size of one secondary index, from what is durable (a global index's lag aside): a global
     * index's partition records, a local index's states beside its table's partitions.
     */
    public TableStatistics indexStatistics(TableMetadata table, IndexMetadata index) {
        long items = 0;
        long bytes = 0;
        if (index.global()) {
            for (PartitionDescriptor partition : index.partitions()) {
                PartitionMetadata metadata = PartitionRecord.metadataOf(
                        durable(partition, KeyLayout.partitionRecordKey(table.id(), partition.id())));
                items += metadata.itemCount();
                bytes += metadata.sizeBytes();
            }
            return new TableStatistics(items, bytes);
        }
        for (PartitionDescriptor partition : table.partitions()) {
            IndexPartitionState state = IndexPartitionState.decode(
                    durable(partition, KeyLayout.indexStateKey(table.id(), partition.id(), index.id())));
            items += state.itemCount();
            bytes += state.sizeBytes();
        }
        return new TableStatistics(items, bytes);
    }

    /** Up to {@code limit} table names after {@code exclusiveStart} (null: from the first), in name order. */
    public List<String> listTableNames(String exclusiveStart, int limit) {
        return control == null ? catalog.namesAfter(exclusiveStart, limit)
                : control.tableNamesAfter(exclusiveStart, limit);
    }

    /** The item count and size of a table, from what is durable. */
    public TableStatistics statistics(TableMetadata table) {
        long items = 0;
        long bytes = 0;
        for (PartitionDescriptor partition : table.partitions()) {
            PartitionMetadata metadata = PartitionRecord.metadataOf(
                    durable(partition, KeyLayout.partitionRecordKey(table.id(), partition.id())));
            items += metadata.itemCount();
            bytes += metadata.sizeBytes();
        }
        return new TableStatistics(items, bytes);
    }

    /**
     * A statistics key of {@code partition}: from the node's storage, or a cluster node's replica of the partition's
     * group once it has applied every write acknowledged before (all nodes hold every group with up to three nodes;
     * a group this node holds no member of, or that has no leader now, counts as empty, cluster.md §20 step 12).
     */
    private byte[] durable(PartitionDescriptor partition, byte[] key) {
        if (cluster == null) {
            return storage.get(key);
        }
        try {
            // Live, as on one node (compatibility.md): the replica first applies what was acknowledged before.
            return cluster.readReplica(partition.groupId(), reader -> reader.get(key));
        } catch (RuntimeException e) {
            return null;
        }
    }

    // ---- data plane ----

    /**
     * The table for an item operation.
     *
     * @throws BasaltException ResourceNotFoundException when it does not exist or is not yet active
     */
    public TableMetadata tableForItems(String name) {
        TableMetadata table = tryGetTable(name).orElseThrow(BasaltNode::resourceNotFound);
        if (table.status(now()) == TableStatus.CREATING) {
            throw resourceNotFound();
        }
        return table;
    }

    /** Evaluates {@code operation} on its item and makes the result durable. */
    public CompletableFuture<EvaluatedWrite> write(TableMetadata table, ItemOperation operation) {
        byte[] itemKey = KeyLayout.itemKey(table.id(), KeyLayout.BASE_TABLE_INDEX, table.keySchema(),
                operation.key());
        return partitions.write(partitionOf(table, itemKey), itemKey, operation);
    }

    /**
     * A BatchWriteItem's writes, {@code operations.get(i)} on {@code tables.get(i)}, sent together (one
     * {@code BATCH_WRITE} frame per serving node once partitions live on several nodes, §12.4).
     *
     * @return one future per write, in order; a refused write fails its own future only
     */
    public List<CompletableFuture<EvaluatedWrite>> writeBatch(List<TableMetadata> tables,
            List<ItemOperation> operations) {
        List<PartitionClient.ItemWrite> writes = new ArrayList<>(operations.size());
        for (int i = 0; i < operations.size(); i++) {
            TableMetadata table = tables.get(i);
            byte[] itemKey = KeyLayout.itemKey(table.id(), KeyLayout.BASE_TABLE_INDEX, table.keySchema(),
                    operations.get(i).key());
            writes.add(new PartitionClient.ItemWrite(partitionOf(table, itemKey), itemKey, operations.get(i)));
        }
        return partitions.writeBatch(writes);
    }

    /**
     * Runs a TransactWriteItems: every action commits or none does, serializably with every other write and
     * transaction. Fails with {@link io.basalt.partition.TransactionCanceledException} (one reason per action, in
     * order) when a condition fails, an item is held by another transaction, or an action cannot be applied.
     *
     * @param clientRequestToken null when the request has none; a retry within 10 minutes with the same token and
     *     the same {@code requestFingerprint} returns the first outcome without applying anything again, and one
     *     with another fingerprint fails with IdempotentParameterMismatchException
     * @param requestFingerprint what identifies the request's content (the handler's canonical form of it)
     * @return what each action did, in request order (sizes for capacity), and whether this was a retry
     */
    public CompletableFuture<TransactionResult> transactWrite(List<TransactionAction> actions,
            String clientRequestToken, String requestFingerprint) {
        return transactions.write(actions, clientRequestToken, requestFingerprint);
    }

    /**
     * Runs a TransactGetItems: the items' images at one point in time (null where an item does not exist).
     * Fails with {@link io.basalt.partition.TransactionCanceledException} when an item is held by a transaction in
     * progress.
     */
    public CompletableFuture<List<Item>> transactGet(List<TransactionGet> gets) {
        return transactions.read(gets);
    }

    /**
     * Fault injection: every transaction from now on holds its items for {@code delay} between its prepare and its
     * commit, so that tests can race single writes, reads and other transactions against one in flight. The
     * transactions held by the previous delay commit now ({@code Duration.ZERO} releases them and turns it off).
     */
    public void setTransactionCommitDelay(Duration delay) {
        commitDelay.set(delay);
    }

    /** The commit delay in force ({@link #setTransactionCommitDelay}). */
    public Duration transactionCommitDelay() {
        return commitDelay.get();
    }

    /** How many transactions the commit delay holds now: prepared (their prepare records durable), not decided. */
    public int heldTransactions() {
        return commitDelay.held();
    }

    /** The durable image of an item, or null when it does not exist (a strongly consistent read, for tests). */
    public Item read(TableMetadata table, PrimaryKey key) {
        StoredItem stored = getItem(table, key, true);
        return stored == null ? null : stored.item();
    }

    /**
     * A GetItem: the item's image in its stored form (decoded when the caller needs its attributes), or null when
     * it does not exist, read through the item's partition.
     */
    public StoredItem getItem(TableMetadata table, PrimaryKey key, boolean consistent) {
        byte[] itemKey = KeyLayout.itemKey(table.id(), KeyLayout.BASE_TABLE_INDEX, table.keySchema(), key);
        return partitions.get(partitionOf(table, itemKey), itemKey, consistent);
    }

    /**
     * A BatchGetItem's reads: the keys of every table grouped by partition, each partition's share read as one
     * group (docs/design/cluster.md §12.4).
     *
     * @return per table of {@code reads}, per key in order, the item's stored image or null, and which keys could
     *     not be reached (in a cluster; never on one node)
     */
    public List<TableReads> getItems(List<TableKeys> reads) {
        return BatchGets.read(reads, partitions, this::partitionOf);
    }

    /** The partitions of every table this node runs (the map a routed client reads until the metadata group's). */
    public PartitionMap partitionMap() {
        return partitionMap;
    }

    /**
     * The partition that holds {@code itemKey}: a floor lookup of the key's hash in the partition map
     * (docs/design/cluster.md §4.2).
     *
     * @throws BasaltException ResourceNotFoundException when the table was deleted meanwhile
     */
    PartitionId partitionOf(TableMetadata table, byte[] itemKey) {
        return partitionMap.tryGetRanges(table.id(), KeyLayout.BASE_TABLE_INDEX)
                .orElseThrow(() -> BasaltException.resourceNotFound("Requested resource not found"))
                .locate(KeyLayout.hashOfItemKey(itemKey)).id();
    }

    /** Makes a started table's partitions reachable: by table id, and each by its partition id. */
    private void register(TableRuntime runtime) {
        localPartitions.add(runtime);
        runtimes.put(runtime.tableId(), runtime);
    }

    /**
     * Plans a Query or Scan page of {@code table}: fixes the key range it reads and checks its ExclusiveStartKey
     * against the read, without reading ({@link ReadService#plan}).
     */
    public ReadPlan planRead(TableMetadata table, ReadSpec spec) {
        return reads.plan(table, spec);
    }

    /** Reads one page of {@code table} as {@code plan} describes, from a consistent view of what is durable. */
    public ReadResult read(TableMetadata table, ReadPlan plan) {
        if (!isLive(table.id())) {
            throw resourceNotFound();
        }
        return reads.read(table, plan);
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

    /** How far a global index is behind its table, summed over the partitions (on a cluster node: those it leads). */
    public IndexLag globalIndexLag(TableMetadata table, IndexMetadata index) {
        if (cluster != null) {
            return index.global() ? cluster.globalIndexes().lag(table, index) : IndexLag.NONE;
        }
        TableRuntime runtime = runtimes.get(table.id());
        return runtime == null || !index.global() ? IndexLag.NONE : GlobalIndexLifecycle.lag(runtime, index);
    }

    /** Changes how global indexes follow writes, from the next write on (a cluster node: where it leads). */
    public void setGlobalIndexPropagation(GlobalIndexPropagation propagation) {
        if (globalIndexes != null) {
            globalIndexes.setPropagation(propagation, runtimes.values());
        } else {
            cluster.globalIndexes().setPropagation(propagation);
        }
    }

    public GlobalIndexPropagation globalIndexPropagation() {
        return globalIndexes == null ? cluster.globalIndexes().propagation() : globalIndexes.propagation();
    }

    private static BasaltException tableNotFound(String name) {
        return MetaStateMachine.tableNotFound(name);
    }

    private static BasaltException resourceNotFound() {
        return BasaltException.resourceNotFound("Requested resource not found");
    }


    /** Stops accepting work, makes every accepted write durable, and closes the storage. */
    @Override
    public void close() {
        // Shutdown paths overlap (a shutdown hook, try-with-resources, a test server's close): only the first
        // close may touch the storage, which refuses every call once closed.
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        resolver.close();
        transactionReaders.shutdown();
        if (cluster != null) {
            cluster.globalIndexes().unbind();
            return;
        }
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
