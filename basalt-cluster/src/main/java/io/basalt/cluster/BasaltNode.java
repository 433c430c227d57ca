package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.rpc.RpcPartitionClient;
import io.basalt.model.BasaltException;
import io.basalt.model.Item;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.EvaluatedWrite;
import io.basalt.partition.ItemOperation;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionMap;
import io.basalt.partition.apply.GroupStateMachine;
import io.basalt.partition.encoding.StoredItem;
import io.basalt.partition.read.ReadPlan;
import io.basalt.partition.read.ReadResult;
import io.basalt.partition.read.ReadSpec;
import io.basalt.storage.StorageReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * ({@link ClusterPartitions}). The two forms differ only in their tables ({@link NodeTables}: {@link LocalTables}
 * on one node, {@link ClusterTables} on a cluster node); this class keeps the data plane and transactions.
 */
public final class BasaltNode implements AutoCloseable {
    private final NodeConfig config;
    /** The node's tables: the single node's own ({@link LocalTables}) or a cluster node's ({@link ClusterTables}). */
    private final NodeTables tables;
    /** The single node's tables (null on a cluster node). */
    private final LocalTables local;
    /** A cluster node's tables (null on one node). */
    private final ClusterTables clusterTables;
    private final ReadService reads;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ExecutorService transactionReaders;
    private final TransactionCoordinator transactions;
    /** The rows of the internal ledger table: transaction decisions and tokens. */
    private final Ledger ledger;
    /** Finishes prepared transactions whose coordinator is gone, at start and periodically. */
    private final TransactionResolver resolver;
    /** This node's partitions, reached in-process. */
    private final LocalPartitionClient localPartitions;
    /** How the node reaches a partition: {@link #localPartitions}, or through the RPC codecs in loopback mode. */
    private final PartitionClient partitions;
    /** Fault injection: holds prepared transactions before their decision (tests). */
    private final CommitDelay commitDelay = new CommitDelay();
    /** A cluster node's own partitions: those of its group members (null on one node). */
    private final ClusterPartitions cluster;

    private BasaltNode(StorageReader engine, NodeConfig config, PartitionRouting routing) {
        requireNonNull(routing, "routing is null");
        this.config = requireNonNull(config, "config is null");
        this.cluster = null;
        this.clusterTables = null;
        this.local = new LocalTables(engine, config, this::partitionClient);
        this.tables = local;
        this.transactionReaders = Executors.newFixedThreadPool(2, DaemonThreads.named("basalt-transaction-"));
        this.localPartitions = local.localPartitions();
        this.partitions = config.loopbackRpc() ? RpcPartitionClient.loopback(localPartitions)
                : requireNonNull(routing.client(localPartitions), "routing gave no client");
        // Query and Scan pages go through the client, partition by partition, only when partitions may be served
        // elsewhere; one node reads its one storage directly (ReadService, cluster.md §9.3).
        this.reads = new ReadService(local.storage(), partitions,
                config.loopbackRpc() || routing != PartitionRouting.LOCAL);
        Catalog catalog = local.catalog();
        this.ledger = new Ledger(() -> catalog.tryGet(InternalTables.LEDGER).orElse(null), this::partitionOf,
                partitions);
        this.transactions = new TransactionCoordinator(config.clock(), local::isLive, this::partitionOf,
                partitions, ledger, config.transactionResolveAfter(), transactionReaders, commitDelay);
        Map<Long, TableMetadata> tablesById = local.start();
        // The ledger table is created by a metadata command on the first start (cluster.md §14), like any table.
        TableMetadata ledgerTable = catalog.tryGet(InternalTables.LEDGER)
                .orElseGet(() -> createTable(InternalTables.ledgerDefinition()));
        // Before serving: a store written before step 7 keeps decisions and tokens in 0x07/0x08 (§4.3 step 3).
        local.retireOldLedger((decisions, tokens) -> settleOldLedger(decisions, tokens, tablesById));
        long ledgerTableId = ledgerTable.id();
        this.resolver = new TransactionResolver(config.clock(), config.transactionResolveAfter(),
                local::ledPartitions, () -> ledgerTableId, ledger);
        // No coordinator outlives its process: every prepare record found at start is settled now.
        resolver.sweep(true);
        resolver.start(DaemonThreads.named("basalt-resolver-"));
    }

    /** A cluster node (see the class): nothing of the single node's storage, log or catalog. */
    private BasaltNode(ControlPlane control, ClusterPartitions cluster, NodeConfig config, PartitionRouting routing,
            ClusterFigures figures) {
        requireNonNull(routing, "routing is null");
        this.config = requireNonNull(config, "config is null");
        this.cluster = requireNonNull(cluster, "cluster is null");
        this.local = null;
        this.clusterTables = new ClusterTables(control, cluster, config, figures);
        this.tables = clusterTables;
        this.transactionReaders = Executors.newFixedThreadPool(2, DaemonThreads.named("basalt-transaction-"));
        this.localPartitions = new LocalPartitionClient(cluster, this::partitionMap);
        this.partitions = requireNonNull(routing.client(localPartitions), "routing gave no client");
        // Pages go through the routed client to the node serving each partition (cluster.md §9.2).
        this.reads = new ReadService(null, partitions, true);
        this.ledger = new Ledger(() -> control.tryGetTable(InternalTables.LEDGER).orElse(null), this::partitionOf,
                partitions);
        this.transactions = new TransactionCoordinator(config.clock(), tables::isLive, this::partitionOf, partitions,
                ledger, config.transactionResolveAfter(), transactionReaders, commitDelay);
        // The data groups' global index propagators send through this node's routed client (cluster.md §15).
        cluster.globalIndexes().bind(partitions, control, config.globalIndexPropagation());
        // The ledger table is created once per cluster, by whichever node gets there first (ClusterServe).
        this.resolver = new TransactionResolver(config.clock(), config.transactionResolveAfter(),
                cluster::ledPartitions, clusterTables::ledgerTableId, ledger);
        resolver.start(DaemonThreads.named("basalt-resolver-"));
    }

    /**
     * Opens a cluster node's API side (docs/design/cluster.md §11–§12): table commands and the catalog through
     * {@code control}, its own partitions through {@code cluster}, every partition call through the client
     * {@code routing} builds around the node's local one (a {@code RoutedPartitionClient}). The node owns no storage;
     * closing it leaves {@code control} and {@code cluster} open.
     */
    public static BasaltNode openCluster(ControlPlane control, ClusterPartitions cluster, NodeConfig config,
            PartitionRouting routing) {
        return new BasaltNode(control, cluster, config, routing, null);
    }

    /**
     * Opens a cluster node's API side as {@link #openCluster(ControlPlane, ClusterPartitions, NodeConfig,
     * PartitionRouting)} does, whose statistics, index lag and propagation setting are the whole cluster's through
     * {@code figures} (docs/design/cluster.md, "s18 statistics and index settings"); without it they are this node's.
     */
    public static BasaltNode openCluster(ControlPlane control, ClusterPartitions cluster, NodeConfig config,
            PartitionRouting routing, ClusterFigures figures) {
        return new BasaltNode(control, cluster, config, routing, requireNonNull(figures, "figures is null"));
    }

    /**
     * Makes sure the cluster's internal ledger table exists (docs/design/cluster.md §14): created once per cluster,
     * by whichever node gets there first ("already exists" is success), once the metadata group has a leader;
     * refusals meanwhile (no leader yet: 503) are retried until {@code timeout}.
     *
     * @throws IllegalStateException when no metadata leader created or showed it within {@code timeout}
     */
    public TableMetadata createLedgerTable(Duration timeout) {
        return clusterTables.createLedgerTable(timeout);
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
        TransactionResolver.completeOldDecisions(decisions, local.runtimes(), tablesById);
        ledger.copyOldTokens(tokens, now());
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
        return local.storage();
    }

    /** The ledger table's rows, for tests of this package that build or check transaction crash states. */
    Ledger ledger() {
        return ledger;
    }

    /** The internal ledger table, for tests of this package. */
    TableMetadata ledgerTable() {
        return local.catalog().tryGet(InternalTables.LEDGER).orElseThrow();
    }

    /** How this node reaches partitions, for tests of this package that check the loopback mode. */
    PartitionClient partitionClient() {
        return partitions;
    }

    /** The global index lifecycle, for tests of this package that build a partition client of their own. */
    GlobalIndexLifecycle globalIndexes() {
        return local.globalIndexes();
    }

    /** The local group's state machine, for tests of this package that watch what it applies. */
    GroupStateMachine stateMachine() {
        return local.stateMachine();
    }

    public Instant now() {
        return config.clock().instant();
    }

    // ---- control plane ----

    /** @throws BasaltException ResourceInUseException when a table of that name exists */
    public TableMetadata createTable(TableDefinition definition) {
        return tables.createTable(definition);
    }

    /** The table a client names; internal tables ({@link InternalTables}) are never found. */
    public Optional<TableMetadata> tryGetTable(String name) {
        if (InternalTables.isInternal(name)) {
            return Optional.empty();
        }
        return tables.tryGetTable(name);
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
        return tables.updateTable(name, change);
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
        return tables.deleteTable(table);
    }

    /**
     * The item count and size of one secondary index, from what is durable (a global index's lag aside): a global
     * index's partition records, a local index's states beside its table's partitions.
     */
    public TableStatistics indexStatistics(TableMetadata table, IndexMetadata index) {
        return tables.indexStatistics(table, index);
    }

    /** Up to {@code limit} table names after {@code exclusiveStart} (null: from the first), in name order. */
    public List<String> listTableNames(String exclusiveStart, int limit) {
        return tables.tableNamesAfter(exclusiveStart, limit);
    }

    /**
     * The item count and size of a table, from what is durable: the node's storage on one node; on a cluster node,
     * its replicas of the table's groups.
     */
    public TableStatistics statistics(TableMetadata table) {
        return tables.statistics(table);
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
        return tables.partitionMap();
    }

    /**
     * The partition that holds {@code itemKey}: a floor lookup of the key's hash in the partition map
     * (docs/design/cluster.md §4.2).
     *
     * @throws BasaltException ResourceNotFoundException when the table was deleted meanwhile
     */
    PartitionId partitionOf(TableMetadata table, byte[] itemKey) {
        return tables.partitionMap().tryGetRanges(table.id(), KeyLayout.BASE_TABLE_INDEX)
                .orElseThrow(() -> BasaltException.resourceNotFound("Requested resource not found"))
                .locate(KeyLayout.hashOfItemKey(itemKey)).id();
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
        if (!tables.isLive(table.id())) {
            throw resourceNotFound();
        }
        return reads.read(table, plan);
    }

    /** How far a global index is behind its table, summed over the partitions (on a cluster node: those it leads). */
    public IndexLag globalIndexLag(TableMetadata table, IndexMetadata index) {
        return tables.globalIndexLag(table, index);
    }

    /** Changes how global indexes follow writes, from the next write on (a cluster node: where it leads). */
    public void setGlobalIndexPropagation(GlobalIndexPropagation propagation) {
        tables.setGlobalIndexPropagation(propagation);
    }

    public GlobalIndexPropagation globalIndexPropagation() {
        return tables.globalIndexPropagation();
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
        tables.close();
    }
}
