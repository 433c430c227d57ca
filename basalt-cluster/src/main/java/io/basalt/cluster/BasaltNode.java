package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.rpc.RpcPartitionClient;
import io.basalt.model.BasaltException;
import io.basalt.model.Item;
import io.basalt.model.KeyAttribute;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.EvaluatedWrite;
import io.basalt.partition.IndexPartitionState;
import io.basalt.partition.ItemOperation;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionHash;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionIndexes;
import io.basalt.partition.PartitionMetadata;
import io.basalt.partition.apply.GroupStateMachine;
import io.basalt.partition.encoding.StoredItem;
import io.basalt.partition.read.ReadPlan;
import io.basalt.partition.read.ReadResult;
import io.basalt.partition.read.ReadSpec;
import io.basalt.replication.LocalReplicator;
import io.basalt.replication.PartitionLeader;
import io.basalt.storage.StorageEngine;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * One Basalt node: its storage, its log, its catalog and the partitions of every table. The server reaches
 * tables and items only through this class. Thread-safe: data-plane calls run concurrently; control-plane
 * changes (create, update, delete) are serialized.
 */
public final class BasaltNode implements AutoCloseable {
    private final NodeConfig config;
    private final StorageEngine storage;
    /** The single node is one local replication group: every partition entry is applied here. */
    private final GroupStateMachine stateMachine;
    private final LocalReplicator replicator;
    private final ExecutorService partitionPool;
    private final Catalog catalog;
    private final ReadService reads;
    private final ConcurrentHashMap<Long, TableRuntime> runtimes = new ConcurrentHashMap<>();
    private final Object controlLock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final GlobalIndexLifecycle globalIndexes;
    private final ExecutorService transactionReaders;
    private final TransactionCoordinator transactions;
    /** How this node reaches partitions: in-process, or through the encoding loopback transport (tests). */
    private final PartitionClient partitions;
    /** Fault injection: holds prepared transactions before their decision (tests). */
    private final CommitDelay commitDelay = new CommitDelay();

    private BasaltNode(StorageEngine storage, NodeConfig config) {
        this.config = requireNonNull(config, "config is null");
        this.storage = requireNonNull(storage, "storage is null");
        this.stateMachine = new GroupStateMachine(storage, GroupStateMachine.LOCAL_GROUP_ID);
        this.replicator = new LocalReplicator(stateMachine, config.syncWrites() && storage.isPersistent());
        this.partitionPool = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                namedDaemonThreads("basalt-partition-"));
        this.catalog = new Catalog(storage);
        this.reads = new ReadService(storage, false);
        this.globalIndexes = new GlobalIndexLifecycle(storage, catalog, controlLock, config,
                namedDaemonThreads("basalt-index-"), namedDaemonThreads("basalt-index-timer-"),
                namedDaemonThreads("basalt-control-"));
        this.transactionReaders = Executors.newFixedThreadPool(2, namedDaemonThreads("basalt-transaction-"));
        PartitionClient local = new LocalPartitionClient(storage, runtimes, globalIndexes);
        this.partitions = config.loopbackRpc() ? RpcPartitionClient.loopback(local) : local;
        this.transactions = new TransactionCoordinator(storage, config.syncWrites() && storage.isPersistent(),
                config.clock(), runtimes::get, partitions, transactionReaders, commitDelay);
        Map<Long, TableMetadata> tablesById = new HashMap<>();
        for (TableMetadata table : catalog.all()) {
            runtimes.put(table.id(), startPartitions(table));
            tablesById.put(table.id(), table);
        }
        transactions.recover(tablesById);
    }

    /** Opens a node over {@code storage}, recovering the tables it holds. The node owns the storage from now on. */
    public static BasaltNode open(StorageEngine storage, NodeConfig config) {
        return new BasaltNode(storage, config);
    }

    public NodeConfig config() {
        return config;
    }

    /** The node's storage, for tests of this package that look at what it keeps. */
    StorageEngine storage() {
        return storage;
    }

    /** How this node reaches partitions, for tests of this package that check the loopback mode. */
    PartitionClient partitionClient() {
        return partitions;
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
        synchronized (controlLock) {
            if (catalog.tryGet(definition.name()).isPresent()) {
                throw BasaltException.resourceInUse("Table already exists: " + definition.name());
            }
            Instant now = now();
            Instant readyAt = now.plus(config.tableCreationDelay());
            List<IndexMetadata> indexes = new ArrayList<>(definition.indexes().size());
            for (IndexDefinition index : definition.indexes()) {
                indexes.add(new IndexMetadata(index.withId(indexes.size() + 1), index.throughput(), IndexPhase.STEADY,
                        TableStatus.CREATING, readyAt));
            }
            TableMetadata table = new TableMetadata(definition.name(), catalog.allocateTableId(),
                    UUID.randomUUID().toString(), definition.keySchema(), definition.attributeDefinitions(),
                    definition.billingMode(), definition.throughput(), now,
                    // A table created on-demand reports its creation as its switch to on-demand.
                    definition.billingMode() == BillingMode.PAY_PER_REQUEST ? now : null, TableStatus.CREATING,
                    readyAt, definition.deletionProtection(), definition.tableClass(), definition.tags(),
                    config.partitionsPerTable(), indexes, indexes.size() + 1);
            runtimes.put(table.id(), startPartitions(table));
            catalog.put(table);
            return table;
        }
    }

    public Optional<TableMetadata> tryGetTable(String name) {
        return catalog.tryGet(name);
    }

    /** @throws BasaltException ResourceNotFoundException naming the table, as DescribeTable reports it */
    public TableMetadata describeTable(String name) {
        return catalog.tryGet(name).orElseThrow(() -> tableNotFound(name));
    }

    /**
     * Replaces a table's metadata with {@code change} applied to the current one, atomically with respect to
     * other control-plane changes.
     */
    public TableMetadata updateTable(String name, UnaryOperator<TableMetadata> change) {
        synchronized (controlLock) {
            TableMetadata current = describeTable(name);
            TableMetadata updated = change.apply(current);
            if (updated != current) {
                catalog.put(updated);
            }
            return updated;
        }
    }

    /**
     * Deletes a table and all its items. Writes already accepted finish first; later ones fail with
     * ResourceNotFoundException.
     *
     * @param check runs under the control lock before anything changes (deletion protection)
     */
    public TableMetadata deleteTable(String name, java.util.function.Consumer<TableMetadata> check) {
        synchronized (controlLock) {
            TableMetadata table = describeTable(name);
            check.accept(table);
            TableRuntime runtime = runtimes.remove(table.id());
            if (runtime != null) {
                runtime.close().join();
            }
            for (int i = 0; i < table.partitionCount(); i++) {
                stateMachine.closePartition(new PartitionId(table.id(), i));
            }
            catalog.remove(table);
            return table;
        }
    }

    /**
     * Adds a global secondary index to a table that may hold items: the index is CREATING and backfilling until
     * every existing item is in it, while writes continue and reach it too; then ACTIVE.
     *
     * @param attributeDefinitions the table's attribute definitions after the change (the new index's key
     *     attributes defined)
     * @param check runs under the control lock, on the current table, before anything changes (the handler's
     *     checks that depend on the table's state, such as an index of that name existing)
     */
    public TableMetadata addGlobalIndex(String tableName, IndexDefinition index,
            List<KeyAttribute> attributeDefinitions, java.util.function.Consumer<TableMetadata> check) {
        synchronized (controlLock) {
            TableMetadata current = describeTable(tableName);
            check.accept(current);
            List<IndexMetadata> indexes = new ArrayList<>(current.indexes());
            IndexMetadata added = new IndexMetadata(index.withId(current.nextIndexId()), index.throughput(),
                    IndexPhase.BACKFILLING, TableStatus.CREATING, now());
            indexes.add(added);
            TableMetadata updated = current.withIndexes(indexes, current.nextIndexId() + 1)
                    .withAttributeDefinitions(attributeDefinitions);
            catalog.put(updated);
            globalIndexes.startBackfill(updated, added.index(), runtimes.get(updated.id()));
            return updated;
        }
    }

    /**
     * Starts dropping a global secondary index: it reports DELETING, is no longer maintained or readable, and
     * disappears from the table once its data is removed.
     *
     * @param check runs under the control lock, on the current table, before anything changes
     */
    public TableMetadata deleteGlobalIndex(String tableName, String indexName,
            java.util.function.Consumer<TableMetadata> check) {
        synchronized (controlLock) {
            TableMetadata current = describeTable(tableName);
            check.accept(current);
            TableMetadata updated = current.withIndex(indexName, index -> index.withPhase(IndexPhase.DELETING));
            catalog.put(updated);
            globalIndexes.startDrop(updated, updated.index(indexName).orElseThrow(), runtimes.get(updated.id()));
            return updated;
        }
    }

    /** The item count and size of one secondary index, from what is durable (a global index's lag aside). */
    public TableStatistics indexStatistics(TableMetadata table, IndexMetadata index) {
        long items = 0;
        long bytes = 0;
        for (int i = 0; i < table.partitionCount(); i++) {
            IndexPartitionState state = IndexPartitionState.decode(
                    storage.get(KeyLayout.indexStateKey(new PartitionId(table.id(), i), index.id())));
            items += state.itemCount();
            bytes += state.sizeBytes();
        }
        return new TableStatistics(items, bytes);
    }

    /** Up to {@code limit} table names after {@code exclusiveStart} (null: from the first), in name order. */
    public List<String> listTableNames(String exclusiveStart, int limit) {
        return catalog.namesAfter(exclusiveStart, limit);
    }

    /** The item count and size of a table, from what is durable. */
    public TableStatistics statistics(TableMetadata table) {
        long items = 0;
        long bytes = 0;
        for (int i = 0; i < table.partitionCount(); i++) {
            PartitionMetadata metadata = PartitionMetadata.decode(
                    storage.get(KeyLayout.partitionMetadataKey(new PartitionId(table.id(), i))));
            items += metadata.itemCount();
            bytes += metadata.sizeBytes();
        }
        return new TableStatistics(items, bytes);
    }

    // ---- data plane ----

    /**
     * The table for an item operation.
     *
     * @throws BasaltException ResourceNotFoundException when it does not exist or is not yet active
     */
    public TableMetadata tableForItems(String name) {
        TableMetadata table = catalog.tryGet(name).orElseThrow(BasaltNode::resourceNotFound);
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
    public void setTransactionCommitDelay(java.time.Duration delay) {
        commitDelay.set(delay);
    }

    /** The commit delay in force ({@link #setTransactionCommitDelay}). */
    public java.time.Duration transactionCommitDelay() {
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
     * @return per table of {@code reads}, per key in order, the item's stored image or null
     */
    public List<List<StoredItem>> getItems(List<TableKeys> reads) {
        return BatchGets.read(reads, partitions, BasaltNode::partitionOf);
    }

    /**
     * The partition that holds {@code itemKey}. On one node a table's partitions are its equal hash ranges
     * (step 2 puts the partition map here).
     */
    static PartitionId partitionOf(TableMetadata table, byte[] itemKey) {
        return new PartitionId(table.id(), PartitionHash.partitionIndex(KeyLayout.hashOfItemKey(itemKey),
                table.partitionCount()));
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
        if (!runtimes.containsKey(table.id())) {
            throw resourceNotFound();
        }
        return reads.read(table, plan);
    }

    private TableRuntime startPartitions(TableMetadata table) {
        List<PartitionLeader> leaders = new ArrayList<>(table.partitionCount());
        List<GlobalIndexPropagator> propagators = new ArrayList<>(table.partitionCount());
        java.time.Clock clock = config.clock();
        for (int i = 0; i < table.partitionCount(); i++) {
            PartitionId id = new PartitionId(table.id(), i);
            stateMachine.openPartition(id, table.partitionCount());
            long applied = PartitionMetadata.decode(storage.get(KeyLayout.partitionMetadataKey(id))).appliedIndex();
            GlobalIndexPropagator propagator = globalIndexes.newPropagator(table, id, applied);
            propagators.add(propagator);
            leaders.add(new PartitionLeader(id, storage, table.keySchema(), clock::millis, replicator, partitionPool,
                    propagator::applied));
        }
        TableRuntime runtime = new TableRuntime(table.id(), leaders, propagators);
        runtime.configure(PartitionIndexes.of(table.keySchema(), table.maintainedIndexes()));
        globalIndexes.resume(table, runtime);
        return runtime;
    }

    /** How far a global index is behind its table, summed over the partitions. */
    public IndexLag globalIndexLag(TableMetadata table, IndexMetadata index) {
        TableRuntime runtime = runtimes.get(table.id());
        return runtime == null || !index.global() ? IndexLag.NONE : GlobalIndexLifecycle.lag(runtime, index);
    }

    /** Changes how global indexes follow writes, from the next write on. */
    public void setGlobalIndexPropagation(GlobalIndexPropagation propagation) {
        globalIndexes.setPropagation(propagation, runtimes.values());
    }

    public GlobalIndexPropagation globalIndexPropagation() {
        return globalIndexes.propagation();
    }

    private static BasaltException tableNotFound(String name) {
        return BasaltException.resourceNotFound("Requested resource not found: Table: " + name + " not found");
    }

    private static BasaltException resourceNotFound() {
        return BasaltException.resourceNotFound("Requested resource not found");
    }

    private static java.util.concurrent.ThreadFactory namedDaemonThreads(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Stops accepting work, makes every accepted write durable, and closes the storage. */
    @Override
    public void close() {
        // Shutdown paths overlap (a shutdown hook, try-with-resources, a test server's close): only the first
        // close may touch the storage, which refuses every call once closed.
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        replicator.close();
        globalIndexes.close(runtimes.values());
        transactionReaders.shutdown();
        partitionPool.shutdown();
        try {
            partitionPool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        storage.sync();
        storage.close();
    }
}
