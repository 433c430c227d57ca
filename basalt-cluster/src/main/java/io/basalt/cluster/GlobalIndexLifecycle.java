package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.model.SecondaryIndex;
import io.basalt.partition.ChangeLog;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionIndexes;
import io.basalt.storage.StorageReader;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background side of a node's global secondary indexes: the propagators' threads, adding an index to a live
 * table (registration, the partitions' switch, backfill, then ACTIVE in the catalog), dropping one, resuming both
 * after a restart, and how indexes follow writes (docs/design/indexes.md). Catalog changes are metadata commands
 * ({@link TableChange.IndexBackfilled}, {@link TableChange.IndexDropped}); a dropped index's entries are removed by
 * its partitions' own log entries (cluster.md §15), and the change records every index has applied by entries of
 * their base partitions: nothing here writes storage.
 *
 * <p>Catalog changes take the node's control lock, always on a thread of this class (never on a propagator's),
 * so a control-plane operation that waits for the propagators under the lock cannot deadlock with them.
 */
final class GlobalIndexLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(GlobalIndexLifecycle.class);

    private final StorageReader storage;
    private final Catalog catalog;
    private final MetaStateMachine meta;
    private final Object controlLock;
    private final Clock clock;
    /** Told (under the control lock) when a dropped index has left the catalog, to forget its partitions. */
    private final Consumer<IndexMetadata> indexDropped;
    /** Removes a dropping index's data through its partitions' logs (the node's GSI partition leaders). */
    private final BiFunction<TableMetadata, IndexMetadata, CompletableFuture<Void>> dropIndexData;
    /** How propagators reach the index partitions' leaders (the node's partition client). */
    private final Supplier<PartitionClient> sender;
    private final ExecutorService pool;
    private final ScheduledExecutorService timer;
    /** Control-plane follow-ups that take the control lock (an index finished backfilling or dropping). */
    private final ExecutorService controlTasks;
    /** Per index being backfilled ("tableId/indexId"): the partitions that have finished. */
    private final ConcurrentHashMap<String, Set<PartitionId>> backfilledPartitions = new ConcurrentHashMap<>();
    private volatile GlobalIndexPropagation propagation;

    GlobalIndexLifecycle(StorageReader storage, Catalog catalog, MetaStateMachine meta, Object controlLock,
            NodeConfig config, Consumer<IndexMetadata> indexDropped,
            BiFunction<TableMetadata, IndexMetadata, CompletableFuture<Void>> dropIndexData,
            Supplier<PartitionClient> sender, ThreadFactory poolThreads, ThreadFactory timerThreads,
            ThreadFactory controlThreads) {
        this.storage = requireNonNull(storage, "storage is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.meta = requireNonNull(meta, "meta is null");
        this.controlLock = requireNonNull(controlLock, "controlLock is null");
        this.indexDropped = requireNonNull(indexDropped, "indexDropped is null");
        this.dropIndexData = requireNonNull(dropIndexData, "dropIndexData is null");
        this.sender = requireNonNull(sender, "sender is null");
        this.clock = config.clock();
        this.propagation = config.globalIndexPropagation();
        this.pool = Executors.newFixedThreadPool(2, poolThreads);
        this.timer = Executors.newSingleThreadScheduledExecutor(timerThreads);
        this.controlTasks = Executors.newSingleThreadExecutor(controlThreads);
    }

    GlobalIndexPropagation propagation() {
        return propagation;
    }

    void setPropagation(GlobalIndexPropagation newPropagation, Iterable<TableRuntime> runtimes) {
        propagation = requireNonNull(newPropagation, "newPropagation is null");
        for (TableRuntime runtime : runtimes) {
            runtime.propagators().forEach(propagator -> propagator.applied(0));
        }
    }

    /**
     * The propagator of one partition of {@code table}, whose log has applied up to {@code appliedIndex}, trimming
     * its change records through {@code trimmer} (the partition's leader).
     */
    GlobalIndexPropagator newPropagator(TableMetadata table, PartitionDescriptor partition, long appliedIndex,
            GlobalIndexPropagator.ChangeTrimmer trimmer) {
        return new GlobalIndexPropagator(partition, storage, trimmer, new ChangeLog(table.id(), partition.id()),
                table.keySchema(), clock, this::propagation, sender, pool, timer,
                (done, indexId) -> partitionBackfilled(table.name(), table.id(), done, indexId), appliedIndex);
    }

    /**
     * Brings a table's freshly started partitions in line with its global indexes: follows the complete ones,
     * resumes backfills and drops a restart interrupted, then lets every propagator run.
     */
    void resume(TableMetadata table, TableRuntime runtime) {
        for (IndexMetadata index : table.globalIndexes()) {
            switch (index.phase()) {
                case STEADY -> runtime.propagators().forEach(propagator -> propagator.follow(index.index(),
                        index.partitions()));
                case BACKFILLING -> startBackfill(table, index.index(), runtime);
                case DELETING -> startDrop(table, index, runtime);
                default -> throw new IllegalStateException("unknown phase " + index.phase());
            }
        }
        for (GlobalIndexPropagator propagator : runtime.propagators()) {
            // Once every index is registered (a first round before would trim the records they still need):
            // replays what a restart interrupted, and trims records left by indexes dropped before it.
            propagator.start();
        }
    }

    /**
     * Starts (or, after a restart, resumes) filling a global index added to {@code table}: every partition
     * registers it, then its writes maintain it, then its items are copied into it. Call under the control lock
     * with the table as just stored.
     */
    void startBackfill(TableMetadata table, SecondaryIndex index, TableRuntime runtime) {
        backfilledPartitions.put(table.id() + "/" + index.id(), ConcurrentHashMap.newKeySet());
        List<PartitionDescriptor> indexPartitions = table.indexes().stream().filter(each -> each.id() == index.id())
                .findFirst().orElseThrow().partitions();
        for (GlobalIndexPropagator propagator : runtime.propagators()) {
            propagator.add(index, indexPartitions);
        }
        List<CompletableFuture<Long>> firsts = runtime.configure(
                PartitionIndexes.of(table.keySchema(), table.maintainedIndexes()));
        // A deliberate propagation delay holds the backfill back too, so tests can watch an index being built.
        CompletableFuture<Void> due = afterDeliberateDelay();
        for (int i = 0; i < firsts.size(); i++) {
            GlobalIndexPropagator propagator = runtime.propagator(i);
            firsts.get(i).thenAcceptBoth(due, (first, ignored) -> propagator.backfill(index.id(), first));
        }
    }

    /** Records that one partition has finished backfilling an index; the last one makes the index ACTIVE. */
    private void partitionBackfilled(String tableName, long tableId, PartitionId partition, int indexId) {
        Set<PartitionId> done = backfilledPartitions.get(tableId + "/" + indexId);
        if (done == null) {
            return;
        }
        done.add(partition);
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
                meta.submit(new MetaCommand.UpdateTable(tableName,
                        new TableChange.IndexBackfilled(tableId, indexId, clock.instant())));
            }
        });
    }

    /**
     * Starts dropping a global index: the partitions stop maintaining it, then its entries and states are removed,
     * then it leaves the catalog. Call under the control lock with the table as just stored.
     */
    void startDrop(TableMetadata table, IndexMetadata index, TableRuntime runtime) {
        List<CompletableFuture<?>> stopped = new ArrayList<>(runtime.configure(
                PartitionIndexes.of(table.keySchema(), table.maintainedIndexes())));
        for (GlobalIndexPropagator propagator : runtime.propagators()) {
            stopped.add(propagator.remove(index.id()));
        }
        backfilledPartitions.remove(table.id() + "/" + index.id());
        // Like a backfill, a drop is held back by a deliberate propagation delay, so tests can watch it DELETING.
        stopped.add(afterDeliberateDelay());
        CompletableFuture.allOf(stopped.toArray(CompletableFuture[]::new))
                .thenComposeAsync(ignored -> dropIndexData.apply(table, index), controlTasks)
                .thenRunAsync(() -> {
                    synchronized (controlLock) {
                        TableMetadata current = catalog.tryGet(table.name()).orElse(null);
                        if (current == null || current.id() != table.id()) {
                            return;
                        }
                        // The entries are gone through the index partitions' logs; the catalog change is a
                        // metadata command, then the node forgets the partitions.
                        meta.submit(new MetaCommand.UpdateTable(table.name(),
                                new TableChange.IndexDropped(table.id(), index.id())));
                        indexDropped.accept(index);
                    }
                }, controlTasks)
                .exceptionally(failure -> {
                    // The catalog keeps the index DELETING: a restart resumes the drop.
                    LOG.error("Dropping index {} of table {} failed", index.name(), table.name(), failure);
                    return null;
                });
    }

    private CompletableFuture<Void> afterDeliberateDelay() {
        return GlobalIndexPropagation.afterDeliberateDelay(() -> propagation, clock, timer);
    }

    /** How far a global index is behind its table, summed over the partitions. */
    static IndexLag lag(TableRuntime runtime, IndexMetadata index) {
        IndexLag lag = IndexLag.NONE;
        for (GlobalIndexPropagator propagator : runtime.propagators()) {
            lag = lag.plus(propagator.lag(index.id()));
        }
        return lag;
    }

    /** Stops the propagators and waits for the background work in progress. */
    void close(Iterable<TableRuntime> runtimes) {
        for (TableRuntime runtime : runtimes) {
            runtime.propagators().forEach(GlobalIndexPropagator::close);
        }
        controlTasks.shutdown();
        timer.shutdownNow();
        pool.shutdown();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
            controlTasks.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
