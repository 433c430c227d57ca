package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.ChangeLog;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionIndexes;
import io.basalt.replication.GlobalIndexLeader;
import io.basalt.replication.PartitionLeader;
import io.basalt.replication.Replicator;
import io.basalt.storage.StorageReader;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The global secondary indexes of a cluster node's data groups (docs/design/cluster.md §15, "GSIs on a cluster"):
 * what a data group's epoch builds beside its {@link PartitionLeader}s while this node leads the group, and stops when
 * the epoch closes.
 * <ul>
 * <li>Beside each base partition's leader a {@link GlobalIndexPropagator}, reading the partition's change log from
 * the member's storage and sending {@code GSI_APPLY} batches through the node's routed {@link PartitionClient}
 * (bound once the node serves, {@link #bind}); a new leader resumes from the positions the index partitions
 * report.</li>
 * <li>For each global index partition the group holds a {@link GlobalIndexLeader} over the member's storage and
 * the group's replicator, which the node's {@code GSI_APPLY} calls reach ({@link #indexLeader}).</li>
 * <li>Following the catalog (this node's copy, after every metadata entry and once a second): an index added to a
 * table is registered and backfilled by each base partition's leader, which then reports
 * {@link TableChange.PartitionBackfilled} to the metadata leader; an index being dropped stops being maintained,
 * each of its partitions' leaders logs the removal of its data and reports {@link TableChange.IndexPartitionDropped}.
 * Reports are sent again every second until the catalog has moved on; the metadata leader gathers them
 * ({@link MetadataGroup}).</li>
 * </ul>
 *
 * <p>Thread-safe. Epochs are opened and closed on the group's leadership thread; catalog follow-ups run on one
 * thread of this class, in order; reports (which wait for the metadata leader) on another.
 */
public final class GroupGlobalIndexes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GroupGlobalIndexes.class);
    /** How often reports are sent again and the catalog is followed as a safety net. */
    private static final long FOLLOW_MILLIS = 1_000;

    private final MetadataGroup metadata;
    private final Clock clock;
    private final ExecutorService pool;
    private final ScheduledExecutorService timer;
    private final ExecutorService followUps;
    private final ExecutorService reportSender;
    /** What the partitions' leaders of this node owe the metadata leader (sent again every second). */
    private final IndexPartitionReports reports;
    /** The open epochs of the groups this node leads, by group id. */
    private final ConcurrentHashMap<Long, Epoch> epochs = new ConcurrentHashMap<>();
    private volatile PartitionClient sender;
    private volatile GlobalIndexPropagation propagation = GlobalIndexPropagation.ASYNCHRONOUS;

    /** What one epoch of a group built. */
    private static final class Epoch {
        private final long number;
        private final ConcurrentHashMap<PartitionId, Base> bases = new ConcurrentHashMap<>();
        private final ConcurrentHashMap<PartitionId, GlobalIndexLeader> indexLeaders = new ConcurrentHashMap<>();
        /** Index partitions whose drop is logged or being logged in this epoch. */
        private final Set<PartitionId> dropping = ConcurrentHashMap.newKeySet();

        private Epoch(long number) {
            this.number = number;
        }
    }

    /** A base partition's leader and its propagator, and which indexes of its table it knows in which phase. */
    private static final class Base {
        private final long tableId;
        private final PartitionLeader leader;
        private final GlobalIndexPropagator propagator;
        /** Guarded by this. */
        private final Map<Integer, IndexPhase> known = new HashMap<>();
        /** Guarded by this: the ids of the indexes the leader maintains, null before the first configuration. */
        private List<Integer> maintained;
        private volatile boolean globalIndexes;

        private Base(long tableId, PartitionLeader leader, GlobalIndexPropagator propagator) {
            this.tableId = tableId;
            this.leader = leader;
            this.propagator = propagator;
        }
    }

    public GroupGlobalIndexes(MetadataGroup metadata, Clock clock, String threadPrefix) {
        this.metadata = requireNonNull(metadata, "metadata is null");
        this.clock = requireNonNull(clock, "clock is null");
        requireNonNull(threadPrefix, "threadPrefix is null");
        this.pool = Executors.newFixedThreadPool(2, DaemonThreads.named(threadPrefix + "index-"));
        this.timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named(threadPrefix + "index-timer-"));
        this.followUps = Executors.newSingleThreadExecutor(DaemonThreads.named(threadPrefix + "index-follow-"));
        this.reportSender = Executors.newSingleThreadExecutor(DaemonThreads.named(threadPrefix + "index-report-"));
        this.reports = new IndexPartitionReports(metadata, reportSender);
        timer.scheduleWithFixedDelay(this::safetyNet, FOLLOW_MILLIS, FOLLOW_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Binds what the node's serving side provides: the routed client the propagators send through, the control
     * plane the reports go to, and how indexes follow writes. Until then batches fail and are sent again.
     */
    public void bind(PartitionClient routedClient, ControlPlane controlPlane, GlobalIndexPropagation initial) {
        this.sender = requireNonNull(routedClient, "routedClient is null");
        reports.bind(requireNonNull(controlPlane, "controlPlane is null"));
        setPropagation(initial);
    }

    /** Forgets what {@link #bind} gave (the serving side is closing); batches fail and are sent again. */
    public void unbind() {
        this.sender = null;
        reports.bind(null);
    }

    public GlobalIndexPropagation propagation() {
        return propagation;
    }

    /** Changes how this node's propagators follow writes, from the next round on. */
    public void setPropagation(GlobalIndexPropagation newPropagation) {
        propagation = requireNonNull(newPropagation, "newPropagation is null");
        for (Epoch epoch : epochs.values()) {
            epoch.bases.values().forEach(base -> base.propagator.applied(0));
        }
    }

    private PartitionClient sender() {
        PartitionClient current = sender;
        if (current == null) {
            throw new IllegalStateException("the node does not serve yet");
        }
        return current;
    }

    // ---- epochs (on the group's leadership thread) ----

    /**
     * Builds the leader of base partition {@code descriptor} of {@code table} for epoch {@code epochNumber} of group
     * {@code groupId}, with its propagator, configured for the table's indexes as the catalog shows them.
     */
    public PartitionLeader openBase(long groupId, long epochNumber, PartitionDescriptor descriptor,
            TableMetadata table, StorageReader storage, Replicator replicator, Executor partitionPool) {
        Epoch epoch = epoch(groupId, epochNumber);
        GlobalIndexPropagator[] propagator = new GlobalIndexPropagator[1];
        // The leader tells the propagator what it applied; the propagator logs its trims through the leader.
        PartitionLeader leader = new PartitionLeader(descriptor, storage, table.keySchema(), clock::millis,
                replicator, partitionPool, index -> propagator[0].applied(index));
        propagator[0] = new GlobalIndexPropagator(descriptor, storage, leader::trimChanges,
                new ChangeLog(table.id(), descriptor.id()), table.keySchema(), clock, this::propagation,
                this::sender, pool, timer, (partition, indexId) -> backfilled(table, partition, indexId),
                leader.appliedThrough());
        Base base = new Base(table.id(), leader, propagator[0]);
        follow(base, table);
        Base replaced = epoch.bases.put(descriptor.id(), base);
        if (replaced != null) {
            replaced.propagator.close();
        }
        // Once every index is registered: replays what the last epoch left unapplied, trims what no index needs.
        base.propagator.start();
        return leader;
    }

    /**
     * Builds the leader of global index partition {@code descriptor} for the epoch, if the catalog still has its
     * index (a partition of an index being dropped logs the removal of its data at once). Does nothing when the
     * epoch has one already.
     */
    public void openIndex(long groupId, long epochNumber, PartitionDescriptor descriptor, StorageReader storage,
            Replicator replicator) {
        Epoch epoch = epoch(groupId, epochNumber);
        if (epoch.indexLeaders.containsKey(descriptor.id())) {
            return;
        }
        Optional<TableMetadata> table = metadata.isOpen() ? metadata.tryGetTable(descriptor.tableId())
                : Optional.empty();
        IndexMetadata index = table.flatMap(found -> indexOf(found, descriptor.indexId())).orElse(null);
        if (index == null) {
            return;
        }
        GlobalIndexLeader leader = new GlobalIndexLeader(descriptor, storage, clock::millis, replicator, pool);
        epoch.indexLeaders.put(descriptor.id(), leader);
        if (index.phase() == IndexPhase.DELETING) {
            drop(epoch, table.get(), index, leader);
        }
    }

    /** Stops what epoch {@code epochNumber} of group {@code groupId} built (its leaders are closed already). */
    public void closeEpoch(long groupId, long epochNumber) {
        Epoch epoch = epochs.get(groupId);
        if (epoch != null && epoch.number == epochNumber && epochs.remove(groupId, epoch)) {
            close(epoch);
        }
    }

    /** Stops what the open epoch of group {@code groupId} built for partitions the group dropped. */
    public void dropped(long groupId, long epochNumber, List<PartitionId> partitions) {
        Epoch epoch = epochs.get(groupId);
        if (epoch == null || epoch.number != epochNumber) {
            return;
        }
        for (PartitionId partition : partitions) {
            Base base = epoch.bases.remove(partition);
            if (base != null) {
                base.propagator.close();
            }
            GlobalIndexLeader leader = epoch.indexLeaders.remove(partition);
            if (leader != null) {
                leader.close();
            }
        }
    }

    /** The epoch {@code number} of a group; a stale one left behind is closed. */
    private Epoch epoch(long groupId, long number) {
        Epoch current = epochs.get(groupId);
        if (current != null && current.number == number) {
            return current;
        }
        Epoch fresh = new Epoch(number);
        Epoch stale = epochs.put(groupId, fresh);
        if (stale != null) {
            close(stale);
        }
        return fresh;
    }

    private static void close(Epoch epoch) {
        epoch.bases.values().forEach(base -> base.propagator.close());
        epoch.indexLeaders.values().forEach(GlobalIndexLeader::close);
    }

    // ---- what the node's partition client reaches ----

    /** The leader of global index partition {@code partition} in this node's open epoch of its group, or null. */
    public GlobalIndexLeader indexLeader(long groupId, PartitionId partition) {
        Epoch epoch = epochs.get(groupId);
        return epoch == null ? null : epoch.indexLeaders.get(partition);
    }

    /**
     * The propagator beside base partition {@code partition}'s leader on this node when its table has a global
     * index and writes wait for them ({@link GlobalIndexPropagation#synchronous()}), else null.
     */
    GlobalIndexPropagator synchronousPropagator(long groupId, PartitionId partition) {
        if (!propagation.synchronous()) {
            return null;
        }
        Epoch epoch = epochs.get(groupId);
        Base base = epoch == null ? null : epoch.bases.get(partition);
        return base == null || !base.globalIndexes ? null : base.propagator;
    }

    /**
     * How far {@code index} is behind on the base partitions this node leads (their propagators' lag summed); not
     * backfilled while the catalog shows it BACKFILLING. The other nodes' partitions are not counted.
     */
    public IndexLag lag(TableMetadata table, IndexMetadata index) {
        IndexLag lag = new IndexLag(0, 0, index.phase() != IndexPhase.BACKFILLING);
        for (Epoch epoch : epochs.values()) {
            for (Base base : epoch.bases.values()) {
                if (base.tableId != table.id()) {
                    continue;
                }
                try {
                    lag = lag.plus(base.propagator.lag(index.id()));
                } catch (RuntimeException e) {
                    // The member's storage is closing (the node stops): its share is not known now.
                    LOG.debug("Reading the lag of index {} failed", index.name(), e);
                }
            }
        }
        return lag;
    }

    // ---- following the catalog ----

    /** Follows this node's catalog soon (call after every metadata entry it applies). */
    public void catalogChanged() {
        try {
            followUps.execute(this::followCatalog);
        } catch (RejectedExecutionException closing) {
            // Closing: nothing to follow.
        }
    }

    private void followCatalog() {
        if (!metadata.isOpen()) {
            return;
        }
        for (Epoch epoch : epochs.values()) {
            for (Map.Entry<PartitionId, Base> entry : epoch.bases.entrySet()) {
                Base base = entry.getValue();
                Optional<TableMetadata> table = metadata.tryGetTable(base.tableId);
                if (table.isEmpty()) {
                    // Deleted: the group drops the partition through its log; stop feeding its indexes now.
                    if (epoch.bases.remove(entry.getKey(), base)) {
                        base.propagator.close();
                    }
                } else {
                    follow(base, table.get());
                }
            }
            for (Map.Entry<PartitionId, GlobalIndexLeader> entry : epoch.indexLeaders.entrySet()) {
                GlobalIndexLeader leader = entry.getValue();
                Optional<TableMetadata> table = metadata.tryGetTable(leader.descriptor().tableId());
                IndexMetadata index = table.flatMap(found -> indexOf(found, leader.descriptor().indexId()))
                        .orElse(null);
                if (index == null) {
                    if (epoch.indexLeaders.remove(entry.getKey(), leader)) {
                        leader.close();
                    }
                } else if (index.phase() == IndexPhase.DELETING) {
                    drop(epoch, table.get(), index, leader);
                }
            }
        }
    }

    /**
     * Brings a base partition's leader and propagator in line with its table's indexes (as the single node's
     * control plane does when an index is added, dropped or resumed, GlobalIndexLifecycle): a complete index is
     * followed from its partitions' positions, one being added is registered, configured, then backfilled, one
     * being dropped is no longer maintained.
     */
    private void follow(Base base, TableMetadata table) {
        synchronized (base) {
            List<IndexMetadata> starting = new ArrayList<>();
            for (IndexMetadata index : table.globalIndexes()) {
                IndexPhase was = base.known.get(index.id());
                if (was == null) {
                    switch (index.phase()) {
                        case STEADY -> base.propagator.follow(index.index(), index.partitions());
                        case BACKFILLING -> {
                            base.propagator.add(index.index(), index.partitions());
                            starting.add(index);
                        }
                        case DELETING -> { }
                        default -> throw new IllegalStateException("unknown phase " + index.phase());
                    }
                } else if (index.phase() == IndexPhase.DELETING && was != IndexPhase.DELETING) {
                    base.propagator.remove(index.id());
                }
                base.known.put(index.id(), index.phase());
            }
            List<Integer> gone = new ArrayList<>();
            for (Map.Entry<Integer, IndexPhase> known : base.known.entrySet()) {
                if (indexOf(table, known.getKey()).isEmpty()) {
                    gone.add(known.getKey());
                    if (known.getValue() != IndexPhase.DELETING) {
                        base.propagator.remove(known.getKey());
                    }
                }
            }
            gone.forEach(base.known::remove);
            base.globalIndexes = table.globalIndexes().stream().anyMatch(index -> index.phase() != IndexPhase.DELETING);
            List<Integer> maintained = table.maintainedIndexes().stream().map(index -> index.id()).toList();
            if (maintained.equals(base.maintained)) {
                return;
            }
            base.maintained = maintained;
            CompletableFuture<Long> first = base.leader.configure(PartitionIndexes.of(table.keySchema(),
                    table.maintainedIndexes()));
            // A deliberate propagation delay holds a backfill back too (as on one node), so tests can watch it.
            CompletableFuture<Void> due = afterDeliberateDelay();
            for (IndexMetadata index : starting) {
                first.thenAcceptBoth(due, (firstIndex, ignored) -> base.propagator.backfill(index.id(), firstIndex));
            }
        }
    }

    /**
     * Logs the removal of a dropping index's data on one of its partitions (once per epoch, and again after a
     * failure), then reports it.
     */
    private void drop(Epoch epoch, TableMetadata table, IndexMetadata index, GlobalIndexLeader leader) {
        PartitionId partition = leader.id();
        if (!epoch.dropping.add(partition)) {
            return;
        }
        List<PartitionId> sources = table.partitions().stream().map(PartitionDescriptor::id).toList();
        // Like a backfill, a drop is held back by this node's deliberate propagation delay (as on one node).
        afterDeliberateDelay().thenCompose(ignored -> leader.drop(sources)).whenComplete((ignored, failure) -> {
            if (failure != null) {
                // The leader is closed: the next open of the partition in this epoch builds another and drops again.
                LOG.warn("Dropping index partition {} of index {} failed; retried", partition, index.name(), failure);
                epoch.indexLeaders.remove(partition, leader);
                epoch.dropping.remove(partition);
                return;
            }
            reports.dropped(table, index.id(), partition);
        });
    }

    private void backfilled(TableMetadata table, PartitionId partition, int indexId) {
        reports.backfilled(table, indexId, partition);
    }

    /** Every second: the reports the catalog has not seen through yet go again, and the catalog is followed. */
    private void safetyNet() {
        try {
            reports.resendAll();
            followUps.execute(this::followCatalog);
        } catch (RejectedExecutionException closing) {
            // Closing.
        } catch (RuntimeException e) {
            LOG.warn("Following the catalog's global indexes failed; retried in a second", e);
        }
    }

    private static Optional<IndexMetadata> indexOf(TableMetadata table, int indexId) {
        return table.indexes().stream().filter(index -> index.id() == indexId && index.global()).findFirst();
    }

    private CompletableFuture<Void> afterDeliberateDelay() {
        return GlobalIndexPropagation.afterDeliberateDelay(() -> propagation, clock, timer);
    }


    /** Stops every epoch's propagators and index leaders, and the threads. */
    @Override
    public void close() {
        for (Long groupId : List.copyOf(epochs.keySet())) {
            Epoch epoch = epochs.remove(groupId);
            if (epoch != null) {
                close(epoch);
            }
        }
        followUps.shutdownNow();
        reportSender.shutdownNow();
        timer.shutdownNow();
        pool.shutdown();
    }
}
