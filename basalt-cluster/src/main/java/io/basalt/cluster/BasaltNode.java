package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.model.BasaltException;
import io.basalt.model.Item;
import io.basalt.model.KeyAttribute;
import io.basalt.model.PrimaryKey;
import io.basalt.model.SecondaryIndex;
import io.basalt.partition.EvaluatedWrite;
import io.basalt.partition.ItemCondition;
import io.basalt.partition.IndexPartitionState;
import io.basalt.partition.ItemOperation;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionIndexes;
import io.basalt.partition.PartitionMetadata;
import io.basalt.partition.encoding.ItemCodec;
import io.basalt.partition.read.KeyRange;
import io.basalt.partition.read.PageReader;
import io.basalt.replication.LocalReplicator;
import io.basalt.replication.PartitionLeader;
import io.basalt.storage.StorageEngine;
import io.basalt.storage.WriteBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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
    private final LocalReplicator replicator;
    private final ExecutorService partitionPool;
    private final Catalog catalog;
    private final ConcurrentHashMap<Long, TableRuntime> runtimes = new ConcurrentHashMap<>();
    private final Object controlLock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Global index propagation and backfill: background work, never on a request's thread. */
    private final ExecutorService indexPool;
    private final ScheduledExecutorService indexTimer;
    /** Control-plane follow-ups that take the control lock (an index finished backfilling or dropping). */
    private final ExecutorService controlTasks;
    /** Per index being backfilled ("tableId/indexId"): the partitions that have finished. */
    private final ConcurrentHashMap<String, java.util.Set<Integer>> backfilledPartitions = new ConcurrentHashMap<>();
    private volatile GlobalIndexPropagation propagation;

    private BasaltNode(StorageEngine storage, NodeConfig config) {
        this.config = requireNonNull(config, "config is null");
        this.storage = requireNonNull(storage, "storage is null");
        this.replicator = new LocalReplicator(storage, config.syncWrites() && storage.isPersistent());
        this.partitionPool = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                namedDaemonThreads("basalt-partition-"));
        this.indexPool = Executors.newFixedThreadPool(2, namedDaemonThreads("basalt-index-"));
        this.indexTimer = Executors.newSingleThreadScheduledExecutor(namedDaemonThreads("basalt-index-timer-"));
        this.controlTasks = Executors.newSingleThreadExecutor(namedDaemonThreads("basalt-control-"));
        this.propagation = config.globalIndexPropagation();
        this.catalog = new Catalog(storage);
        for (TableMetadata table : catalog.all()) {
            runtimes.put(table.id(), startPartitions(table));
        }
    }

    /** Opens a node over {@code storage}, recovering the tables it holds. The node owns the storage from now on. */
    public static BasaltNode open(StorageEngine storage, NodeConfig config) {
        return new BasaltNode(storage, config);
    }

    public NodeConfig config() {
        return config;
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
            startBackfill(updated, added.index(), runtimes.get(updated.id()));
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
            startDrop(updated, updated.index(indexName).orElseThrow(), runtimes.get(updated.id()));
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
        TableRuntime runtime = runtimes.get(table.id());
        if (runtime == null) {
            return CompletableFuture.failedFuture(resourceNotFound());
        }
        int partition = runtime.partitionIndexFor(KeyLayout.hashOfItemKey(itemKey));
        CompletableFuture<EvaluatedWrite> written = runtime.partition(partition).write(itemKey, operation);
        if (!runtime.hasGlobalIndexes() || !propagation.synchronous()) {
            return written;
        }
        GlobalIndexPropagator propagator = runtime.propagator(partition);
        return written.thenCompose(write -> propagator.awaitPropagated(write.entry().index()).thenApply(x -> write));
    }

    /** The durable image of an item, or null when it does not exist. */
    public Item read(TableMetadata table, PrimaryKey key) {
        byte[] stored = storage.get(KeyLayout.itemKey(table.id(), KeyLayout.BASE_TABLE_INDEX, table.keySchema(),
                key));
        return stored == null ? null : ItemCodec.decode(stored);
    }

    /**
     * Reads one page of a table's items in {@code range} (a Query's key range or a Scan segment) from a consistent
     * view of what is durable.
     */
    public PageReader.Page readPage(TableMetadata table, KeyRange range, boolean forward, int limit,
            ItemCondition filter) {
        if (!runtimes.containsKey(table.id())) {
            throw resourceNotFound();
        }
        return PageReader.read(storage, range, forward, limit, filter);
    }

    /** The storage key of an item of {@code table}, for paging ranges that start after it. */
    public byte[] itemKey(TableMetadata table, PrimaryKey key) {
        return KeyLayout.itemKey(table.id(), KeyLayout.BASE_TABLE_INDEX, table.keySchema(), key);
    }

    private TableRuntime startPartitions(TableMetadata table) {
        List<PartitionLeader> leaders = new ArrayList<>(table.partitionCount());
        List<GlobalIndexPropagator> propagators = new ArrayList<>(table.partitionCount());
        java.time.Clock clock = config.clock();
        for (int i = 0; i < table.partitionCount(); i++) {
            PartitionId id = new PartitionId(table.id(), i);
            long applied = PartitionMetadata.decode(storage.get(KeyLayout.partitionMetadataKey(id))).appliedIndex();
            GlobalIndexPropagator propagator = new GlobalIndexPropagator(id, table.partitionCount(), storage,
                    table.keySchema(), clock, () -> propagation, indexPool, indexTimer,
                    (partition, indexId) -> partitionBackfilled(table.name(), table.id(), partition, indexId),
                    applied);
            propagators.add(propagator);
            leaders.add(new PartitionLeader(id, storage, table.keySchema(), clock::millis, replicator, partitionPool,
                    propagator::applied));
        }
        TableRuntime runtime = new TableRuntime(table.id(), leaders, propagators);
        runtime.configure(PartitionIndexes.of(table.keySchema(), table.maintainedIndexes()));
        for (IndexMetadata index : table.globalIndexes()) {
            switch (index.phase()) {
                case STEADY -> propagators.forEach(propagator -> propagator.follow(index.index()));
                case BACKFILLING -> startBackfill(table, index.index(), runtime);
                case DELETING -> startDrop(table, index, runtime);
                default -> throw new IllegalStateException("unknown phase " + index.phase());
            }
        }
        for (GlobalIndexPropagator propagator : propagators) {
            // Once every index is registered (a first round before would trim the records they still need):
            // replays what a restart interrupted, and trims records left by indexes dropped before it.
            propagator.start();
        }
        return runtime;
    }

    /**
     * Starts (or, after a restart, resumes) filling a global index added to {@code table}: every partition
     * registers it, then its writes maintain it, then its items are copied into it. Call under the control lock
     * with the table as just stored.
     */
    private void startBackfill(TableMetadata table, SecondaryIndex index, TableRuntime runtime) {
        backfilledPartitions.put(table.id() + "/" + index.id(), ConcurrentHashMap.newKeySet());
        for (GlobalIndexPropagator propagator : runtime.propagators()) {
            propagator.add(index);
        }
        List<CompletableFuture<Long>> firsts = runtime.configure(
                PartitionIndexes.of(table.keySchema(), table.maintainedIndexes()));
        // A deliberate propagation delay holds the backfill back too, so tests can watch an index being built.
        long delayMillis = propagation.synchronous() ? 0 : propagation.delay().toMillis();
        for (int i = 0; i < firsts.size(); i++) {
            GlobalIndexPropagator propagator = runtime.propagator(i);
            firsts.get(i).thenAccept(first -> {
                if (delayMillis == 0) {
                    propagator.backfill(index.id(), first);
                } else {
                    indexTimer.schedule(() -> propagator.backfill(index.id(), first), delayMillis,
                            TimeUnit.MILLISECONDS);
                }
            });
        }
    }

    /** Records that one partition has finished backfilling an index; the last one makes the index ACTIVE. */
    private void partitionBackfilled(String tableName, long tableId, PartitionId partition, int indexId) {
        java.util.Set<Integer> done = backfilledPartitions.get(tableId + "/" + indexId);
        if (done == null) {
            return;
        }
        done.add(partition.index());
        controlTasks.execute(() -> {
            synchronized (controlLock) {
                TableMetadata current = catalog.tryGet(tableName).orElse(null);
                if (current == null || current.id() != tableId || done.size() < current.partitionCount()) {
                    return;
                }
                IndexMetadata index = current.indexes().stream().filter(i -> i.id() == indexId).findFirst()
                        .orElse(null);
                if (index == null || index.phase() != IndexPhase.BACKFILLING) {
                    return;
                }
                backfilledPartitions.remove(tableId + "/" + indexId);
                catalog.put(current.withIndex(index.name(), i -> new IndexMetadata(i.index(), i.throughput(),
                        IndexPhase.STEADY, TableStatus.CREATING, now())));
            }
        });
    }

    /**
     * Starts dropping a global index: the partitions stop maintaining it, then its entries and states are removed,
     * then it leaves the catalog. Call under the control lock with the table as just stored.
     */
    private void startDrop(TableMetadata table, IndexMetadata index, TableRuntime runtime) {
        List<CompletableFuture<?>> stopped = new ArrayList<>();
        for (CompletableFuture<Long> first : runtime.configure(
                PartitionIndexes.of(table.keySchema(), table.maintainedIndexes()))) {
            stopped.add(first);
        }
        for (GlobalIndexPropagator propagator : runtime.propagators()) {
            stopped.add(propagator.remove(index.id()));
        }
        backfilledPartitions.remove(table.id() + "/" + index.id());
        CompletableFuture.allOf(stopped.toArray(CompletableFuture[]::new)).thenRunAsync(() -> {
            synchronized (controlLock) {
                TableMetadata current = catalog.tryGet(table.name()).orElse(null);
                if (current == null || current.id() != table.id()) {
                    return;
                }
                storage.write(new WriteBatch()
                        .deleteRange(KeyLayout.indexStart(table.id(), index.id()),
                                KeyLayout.indexEnd(table.id(), index.id()))
                        .deleteRange(KeyLayout.indexStateStart(table.id(), index.id()),
                                KeyLayout.indexStateEnd(table.id(), index.id())), true);
                List<IndexMetadata> remaining = new ArrayList<>(current.indexes());
                remaining.removeIf(i -> i.id() == index.id());
                // DynamoDB forgets the definitions of attributes no key uses any more.
                List<KeyAttribute> definitions = new ArrayList<>(current.attributeDefinitions());
                definitions.removeIf(definition -> !current.keySchema().isKeyAttribute(definition.name())
                        && remaining.stream().noneMatch(i -> i.index().isKeyAttribute(definition.name())));
                catalog.put(current.withIndexes(remaining, current.nextIndexId())
                        .withAttributeDefinitions(definitions));
            }
        }, controlTasks);
    }

    /** How far a global index is behind its table, summed over the partitions. */
    public IndexLag globalIndexLag(TableMetadata table, IndexMetadata index) {
        TableRuntime runtime = runtimes.get(table.id());
        if (runtime == null || !index.global()) {
            return IndexLag.NONE;
        }
        IndexLag lag = IndexLag.NONE;
        for (GlobalIndexPropagator propagator : runtime.propagators()) {
            lag = lag.plus(propagator.lag(index.id()));
        }
        return lag;
    }

    /** Changes how global indexes follow writes, from the next write on. */
    public void setGlobalIndexPropagation(GlobalIndexPropagation newPropagation) {
        propagation = requireNonNull(newPropagation, "newPropagation is null");
        for (TableRuntime runtime : runtimes.values()) {
            runtime.propagators().forEach(propagator -> propagator.applied(0));
        }
    }

    public GlobalIndexPropagation globalIndexPropagation() {
        return propagation;
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
        for (TableRuntime runtime : runtimes.values()) {
            runtime.propagators().forEach(GlobalIndexPropagator::close);
        }
        controlTasks.shutdown();
        indexTimer.shutdownNow();
        indexPool.shutdown();
        try {
            indexPool.awaitTermination(10, TimeUnit.SECONDS);
            controlTasks.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
