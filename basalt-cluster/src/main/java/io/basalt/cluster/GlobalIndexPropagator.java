package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.model.KeySchema;
import io.basalt.model.SecondaryIndex;
import io.basalt.partition.ChangeLog;
import io.basalt.partition.ChangeRecord;
import io.basalt.partition.GlobalIndexBatch;
import io.basalt.partition.IndexEntries;
import io.basalt.partition.IndexEntryOperation;
import io.basalt.partition.IndexMaintainer;
import io.basalt.partition.IndexPosition;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionRecord;
import io.basalt.partition.encoding.ItemCodec;
import io.basalt.partition.read.KeyRange;
import io.basalt.replication.SerialExecutor;
import io.basalt.storage.StorageIterator;
import io.basalt.storage.StorageReader;
import io.basalt.storage.WriteBatch;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds one base partition's share of its table's global secondary indexes (docs/design/cluster.md §15): reads the
 * partition's change records in log order, turns each into index entry operations ({@link IndexMaintainer}), splits
 * them by the entry key's hash over the index's partitions and sends each index partition its {@code GSI_APPLY}
 * batch through the node's {@link PartitionClient} — wherever that partition's leader is. The index partitions keep
 * how far they have applied this source ({@code 0x13}, written by the same entry as the entries), so a batch sent
 * twice, or resent after a failure or a restart, applies once; after a start the propagator asks them (a batch
 * without operations) and resumes from the lowest.
 *
 * <p>An index added to a table with items is first <em>backfilled</em>: the partition's items are copied into it
 * in chunks tagged {@code (as-of sequence, chunk number)}, and only then are the change records after the as-of
 * sequence applied on top. Every entry a chunk copies is the image of an item at some moment after that sequence,
 * and every later change of that item has a record whose old image names that entry, so the replay removes
 * whatever a chunk copied that is no longer current. Records are kept until every index partition has applied
 * them. A chunk is sent to every index partition (those it has nothing for only move their position), and a chunk
 * sent again after a failure gets a new number, so no partition skips a chunk whose content changed. A restart
 * during a backfill copies again from the partition's first item, as of the same sequence, numbering on.
 *
 * <p>Until that replay has caught up, an item may have two entries at once (the one a chunk copied and an older
 * one a replayed record puts back before a later record removes it again), so a partition reports its share of the
 * backfill done only once it has applied every record up to the partition's applied index as of its last chunk.
 * Afterwards a record is applied whole by each index partition in one entry, so a write that moves an item's index
 * key within one index partition is atomic to readers.
 *
 * <p>Each global index entry derives from one base item, and each base item belongs to one partition: the
 * propagators of different partitions never write the same entry.
 *
 * <p>All state is confined to a serial executor that never runs on the caller's thread; one round of batches is in
 * flight at a time.
 */
final class GlobalIndexPropagator {
    private static final Logger LOG = LoggerFactory.getLogger(GlobalIndexPropagator.class);
    private static final int RECORDS_PER_ROUND = 256;
    private static final int ITEMS_PER_BACKFILL_CHUNK = 256;
    private static final int TRIMS_PER_ROUND = 4096;
    /**
     * About how many bytes of entries a round or a backfill chunk sends at most (it stops between records, or items,
     * once past it): each index partition's batch must fit one RPC frame ({@code RpcCodec.MAX_FRAME_BYTES}, 64 MB)
     * and one log entry, and 256 items of 400 KB would not.
     */
    private static final long BYTES_PER_ROUND = 4L << 20;
    /** How long a round, a chunk or a position query waits before it is sent again after a failure. */
    private static final long RETRY_MILLIS = 100;
    /** How long the partition must stay idle before fewer than a round's worth of records are trimmed. */
    private static final long IDLE_TRIM_MILLIS = 1_000;

    private final PartitionDescriptor descriptor;
    private final PartitionId partition;
    private final long tableId;
    private final StorageReader storage;
    /** Logs the removal of change records every index has applied, as an entry of the base partition. */
    private final ChangeTrimmer trimmer;
    private final ChangeLog changeLog;
    private final KeySchema tableSchema;
    private final Clock clock;
    private final Supplier<GlobalIndexPropagation> settings;
    private final Supplier<PartitionClient> sender;
    private final ScheduledExecutorService timer;
    private final BackfillListener backfillListener;
    private final SerialExecutor executor;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    /** Per index, what {@link #lag} reports: the sequence every index partition has reached, and the phase. */
    private final ConcurrentHashMap<Integer, Progress> progress = new ConcurrentHashMap<>();
    private volatile long appliedThrough;
    private volatile boolean active;
    private volatile boolean closed;

    // Confined to the executor.
    private final Map<Integer, PropagatedIndex> indexes = new LinkedHashMap<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private final List<Runnable> afterRound = new ArrayList<>();
    private long trimmedThrough;
    private boolean roundInFlight;
    private boolean trimInFlight;
    /** The applied index when the propagator was last found idle with records to trim, and since when. */
    private long idleAt = -1;
    private long idleSinceNanos;

    /** Logs the removal of the base partition's change records ({@code PartitionLeader#trimChanges}). */
    interface ChangeTrimmer {
        CompletableFuture<Void> trim(long afterSequence, long throughSequence);
    }

    /** Told when this partition has finished backfilling an index. */
    interface BackfillListener {
        void backfilled(PartitionId partition, int indexId);
    }

    enum Mode {
        /** Added, start not yet known: nothing is applied to it, and no record may be trimmed. */
        PENDING,
        /** Asking the index partitions how far they are. */
        STARTING,
        /** Being filled from the partition's items; records are kept for it from its as-of sequence. */
        BACKFILLING,
        /** Following the change records. */
        LIVE
    }

    private record Progress(long sequence, boolean backfilled) {
    }

    private record Waiter(long index, CompletableFuture<Void> done) {
    }

    GlobalIndexPropagator(PartitionDescriptor descriptor, StorageReader storage, ChangeTrimmer trimmer,
            ChangeLog changeLog, KeySchema tableSchema, Clock clock, Supplier<GlobalIndexPropagation> settings,
            Supplier<PartitionClient> sender, Executor pool, ScheduledExecutorService timer,
            BackfillListener backfillListener, long appliedThrough) {
        this.descriptor = requireNonNull(descriptor, "descriptor is null");
        this.partition = descriptor.id();
        this.tableId = descriptor.tableId();
        this.storage = requireNonNull(storage, "storage is null");
        this.trimmer = requireNonNull(trimmer, "trimmer is null");
        this.changeLog = requireNonNull(changeLog, "changeLog is null");
        this.tableSchema = requireNonNull(tableSchema, "tableSchema is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.sender = requireNonNull(sender, "sender is null");
        this.timer = requireNonNull(timer, "timer is null");
        this.backfillListener = requireNonNull(backfillListener, "backfillListener is null");
        this.executor = new SerialExecutor(pool, 0);
        this.appliedThrough = appliedThrough;
    }

    PartitionId partition() {
        return partition;
    }

    private IndexMaintainer maintainer(SecondaryIndex index) {
        return new IndexMaintainer(tableId, tableSchema, index);
    }

    /**
     * Starts following an index that is complete (created with its table, or backfilled before a restart), from the
     * positions its partitions report for this source.
     */
    void follow(SecondaryIndex index, List<PartitionDescriptor> indexPartitions) {
        submit(() -> {
            PropagatedIndex tracked = new PropagatedIndex(maintainer(index), indexPartitions, Mode.STARTING, true);
            indexes.put(index.id(), tracked);
            // Holds every record not yet trimmed until the index partitions say how far they are.
            changeLog.register(consumer(index.id()), trimmedThrough);
            active = true;
            askPositions(tracked, () -> {
                tracked.mode = Mode.LIVE;
                scheduleDrain();
            });
        });
    }

    /**
     * Registers an index that is being added: no record is trimmed from now until {@link #backfill} says where
     * it starts.
     */
    void add(SecondaryIndex index, List<PartitionDescriptor> indexPartitions) {
        submit(() -> {
            indexes.put(index.id(), new PropagatedIndex(maintainer(index), indexPartitions, Mode.PENDING, false));
            changeLog.register(consumer(index.id()), trimmedThrough);
            progress.put(index.id(), new Progress(0, false));
            active = true;
        });
    }

    /**
     * Fills an added index with the partition's items, then applies the records after the as-of sequence. A
     * backfill that a restart interrupted resumes as of the sequence its index partitions report, copying again
     * from the first item with the next chunk numbers; one whose copy had finished (a partition already follows
     * the records) goes straight to following them.
     *
     * @param firstIndex the log index of the first write evaluated with the index in place; every write before it
     *     is applied to storage
     */
    void backfill(int indexId, long firstIndex) {
        submit(() -> {
            PropagatedIndex tracked = indexes.get(indexId);
            if (tracked == null) {
                return;
            }
            tracked.mode = Mode.STARTING;
            askPositions(tracked, () -> {
                IndexPosition reached = tracked.max();
                if (reached.equals(IndexPosition.START)) {
                    tracked.asOf = firstIndex - 1;
                    tracked.nextChunk = 1;
                } else if (reached.sub() == 0) {
                    // Chunk positions have a sub; a record's has none: every chunk was copied before a restart.
                    tracked.mode = Mode.LIVE;
                    catchUpThenReport(tracked);
                    return;
                } else {
                    tracked.asOf = reached.sequence();
                    tracked.nextChunk = reached.sub() + 1;
                }
                changeLog.register(consumer(indexId), tracked.asOf);
                tracked.mode = Mode.BACKFILLING;
                tracked.backfillFrom = KeyLayout.partitionStart(descriptor);
                backfillChunk(tracked);
            });
        });
    }

    /** Stops maintaining an index; the future completes once no round of this propagator will touch it again. */
    CompletableFuture<Void> remove(int indexId) {
        CompletableFuture<Void> removed = new CompletableFuture<>();
        submit(() -> {
            indexes.remove(indexId);
            progress.remove(indexId);
            changeLog.unregister(consumer(indexId));
            completeWaiters();
            scheduleDrain();
            if (roundInFlight) {
                afterRound.add(() -> removed.complete(null));
            } else {
                removed.complete(null);
            }
        });
        return removed;
    }

    /**
     * Runs a first round once the indexes are registered: applies the records a restart left unapplied and trims
     * what no index needs.
     */
    void start() {
        active = true;
        scheduleDrain();
    }

    /** Told by the partition's leader that the entry at {@code logIndex} is applied. */
    void applied(long logIndex) {
        if (logIndex > appliedThrough) {
            appliedThrough = logIndex;
        }
        if (active) {
            scheduleDrain();
        }
    }

    /** Completes once every live index has applied the records up to {@code logIndex}. */
    CompletableFuture<Void> awaitPropagated(long logIndex) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        submit(() -> {
            waiters.add(new Waiter(logIndex, done));
            completeWaiters();
            scheduleDrain();
        });
        return done;
    }

    /**
     * How far {@code indexId} is behind the partition: the change records not yet applied by all its partitions and
     * the age of the oldest. Reads storage on the caller's thread.
     */
    IndexLag lag(int indexId) {
        Progress reached = progress.getOrDefault(indexId, new Progress(0, true));
        long[] pendingAndOldest = {0, -1};
        changeLog.read(storage, reached.sequence(), Long.MAX_VALUE, record -> {
            if (pendingAndOldest[1] < 0) {
                pendingAndOldest[1] = record.timestampMillis();
            }
            pendingAndOldest[0]++;
            return true;
        });
        long pending = pendingAndOldest[0];
        long oldest = pendingAndOldest[1];
        long ageMillis = oldest < 0 ? 0 : Math.max(0, clock.millis() - oldest);
        return new IndexLag(pending, ageMillis, reached.backfilled());
    }

    CompletableFuture<Void> close() {
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        closed = true;
        executor.execute(() -> {
            for (Waiter waiter : waiters) {
                waiter.done().complete(null);
            }
            waiters.clear();
            afterRound.forEach(Runnable::run);
            afterRound.clear();
            stopped.complete(null);
        });
        return stopped;
    }

    private void submit(Runnable task) {
        executor.execute(() -> {
            if (closed) {
                return;
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                // Storage failures end here; the records stay, so a restart resumes where this stopped.
                LOG.error("Global index propagation on partition {} failed", partition, e);
            }
        });
    }

    private void scheduleLater(long delayMillis, Runnable task) {
        try {
            timer.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // The node is closing; the records stay and a restart applies them.
        }
    }

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            submit(this::drain);
        }
    }

    /** Sends one batch to one index partition; a failure to send completes the future exceptionally. */
    private CompletableFuture<IndexPosition> send(PropagatedIndex tracked, int position, GlobalIndexBatch batch) {
        try {
            return sender.get().applyGlobalIndex(tracked.partitions.get(position).id(), batch);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Sends every batch of {@code sends}, then, on the executor, records the positions acknowledged and runs
     * {@code then} with whether every batch was acknowledged.
     */
    private void sendAll(List<Send> sends, Consumer<Boolean> then) {
        List<CompletableFuture<IndexPosition>> answers = new ArrayList<>(sends.size());
        for (Send each : sends) {
            answers.add(send(each.tracked(), each.position(), each.batch()));
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).whenComplete((ignored, failure) -> submit(
                () -> {
                    for (int i = 0; i < sends.size(); i++) {
                        Send each = sends.get(i);
                        CompletableFuture<IndexPosition> answer = answers.get(i);
                        if (answer.isDone() && !answer.isCompletedExceptionally()) {
                            each.tracked().positions[each.position()] = IndexPosition.max(
                                    each.tracked().positions[each.position()], answer.join());
                        }
                    }
                    if (failure != null) {
                        LOG.warn("A global index batch from partition {} was not applied; sending again",
                                partition, failure);
                    }
                    then.accept(failure == null);
                }));
    }

    private record Send(PropagatedIndex tracked, int position, GlobalIndexBatch batch) {
    }

    /** Asks every partition of an index how far it has applied this source, then runs {@code then}. */
    private void askPositions(PropagatedIndex tracked, Runnable then) {
        List<Send> asks = new ArrayList<>(tracked.partitions.size());
        for (int i = 0; i < tracked.partitions.size(); i++) {
            asks.add(new Send(tracked, i, new GlobalIndexBatch(tableId, tracked.index.id(), partition,
                    IndexPosition.START, List.of())));
        }
        sendAll(asks, acknowledged -> {
            if (indexes.get(tracked.index.id()) != tracked) {
                return;
            }
            if (acknowledged) {
                updateProgress(tracked);
                then.run();
            } else {
                scheduleLater(RETRY_MILLIS, () -> submit(() -> askPositions(tracked, then)));
            }
        });
    }

    /** Applies the next round of change records to the live indexes, trims what every index has, repeats. */
    private void drain() {
        drainScheduled.set(false);
        boolean idle = !roundInFlight && !sendRound();
        trim(idle);
        reportCaughtUp();
        completeWaiters();
    }

    /** @return whether a round was sent */
    private boolean sendRound() {
        long applied = appliedThrough;
        long from = Long.MAX_VALUE;
        for (PropagatedIndex tracked : indexes.values()) {
            if (tracked.mode == Mode.LIVE) {
                from = Math.min(from, tracked.min().sequence());
            }
        }
        if (from == Long.MAX_VALUE || from >= applied) {
            return false;
        }
        GlobalIndexPropagation propagation = settings.get();
        long delayMillis = propagation.synchronous() ? 0 : propagation.delay().toMillis();
        long now = clock.millis();
        Map<Integer, List<GlobalIndexBatch.Tagged>[]> shares = new LinkedHashMap<>();
        long[] reachedAndCount = {from, 0};
        long[] bytes = {0};
        boolean[] stoppedEarly = {false};
        changeLog.read(storage, from, applied, record -> {
            if (reachedAndCount[1] == RECORDS_PER_ROUND || bytes[0] >= BYTES_PER_ROUND) {
                stoppedEarly[0] = true;
                return false;
            }
            long logIndex = record.logIndex();
            long dueAt = record.timestampMillis() + delayMillis;
            if (delayMillis > 0 && dueAt > now) {
                // Nothing at or after this record is due yet: the indexes reach only the record before it.
                scheduleLater(Math.min(dueAt - now, 100), this::scheduleDrain);
                stoppedEarly[0] = true;
                return false;
            }
            // A record is applied whole (one position for all its changes), so a transaction's changes on this
            // partition reach each index partition together.
            IndexPosition position = new IndexPosition(logIndex, 0);
            for (PropagatedIndex tracked : indexes.values()) {
                if (tracked.mode != Mode.LIVE || tracked.min().sequence() >= logIndex) {
                    continue;
                }
                List<GlobalIndexBatch.Tagged>[] byPartition = shares.computeIfAbsent(tracked.index.id(),
                        id -> tracked.emptyShares());
                for (ChangeRecord.Change change : record.changes()) {
                    for (IndexEntryOperation operation : tracked.maintainer
                            .delta(change.oldItem(), change.newItem()).replayOperations()) {
                        int target = tracked.partitionOf(operation.entryKey());
                        if (position.isAfter(tracked.positions[target])) {
                            byPartition[target].add(new GlobalIndexBatch.Tagged(position, operation));
                            bytes[0] += bytesOf(operation);
                        }
                    }
                }
            }
            reachedAndCount[0] = logIndex;
            reachedAndCount[1]++;
            return true;
        });
        long reached = reachedAndCount[0];
        // Without an early stop every record up to `applied` has been seen: log indexes without a record (writes
        // made before the table had a global index) need nothing.
        IndexPosition through = new IndexPosition(stoppedEarly[0] ? reached : applied, 0);
        List<Send> sends = new ArrayList<>();
        for (PropagatedIndex tracked : indexes.values()) {
            if (tracked.mode != Mode.LIVE) {
                continue;
            }
            List<GlobalIndexBatch.Tagged>[] byPartition = shares.get(tracked.index.id());
            boolean anyOperations = byPartition != null && Arrays.stream(byPartition).anyMatch(each -> !each.isEmpty());
            for (int i = 0; i < tracked.partitions.size(); i++) {
                List<GlobalIndexBatch.Tagged> operations = byPartition == null ? List.of() : byPartition[i];
                // A partition the round has nothing for is only told the position (a log entry of its own) once a
                // round has nothing for any partition, or it lags a whole round behind: a busy index does not cost
                // an entry per partition per round.
                boolean tellPosition = through.isAfter(tracked.positions[i]) && (!anyOperations
                        || through.sequence() - tracked.positions[i].sequence() >= RECORDS_PER_ROUND);
                if (!operations.isEmpty() || tellPosition) {
                    sends.add(new Send(tracked, i, new GlobalIndexBatch(tableId, tracked.index.id(), partition,
                            IndexPosition.max(through, tracked.positions[i]), operations)));
                }
            }
        }
        if (sends.isEmpty()) {
            return false;
        }
        roundInFlight = true;
        sendAll(sends, acknowledged -> {
            roundInFlight = false;
            afterRound.forEach(Runnable::run);
            afterRound.clear();
            indexes.values().forEach(this::updateProgress);
            reportCaughtUp();
            completeWaiters();
            if (!acknowledged) {
                scheduleLater(RETRY_MILLIS, this::scheduleDrain);
            } else {
                // The next round, or (nothing left to send) the trim of what this one completed.
                scheduleDrain();
            }
        });
        return true;
    }

    /**
     * Copies the next chunk of the partition's items into a backfilling index; the last chunk makes it live. A
     * chunk is tagged with the as-of sequence and a chunk number never used before for this source, so a chunk sent
     * again after a failure (its items read again, perhaps different) is applied by every index partition.
     */
    private void backfillChunk(PropagatedIndex tracked) {
        if (indexes.get(tracked.index.id()) != tracked || tracked.mode != Mode.BACKFILLING) {
            return;
        }
        byte[] end = KeyLayout.partitionEnd(descriptor);
        IndexPosition position = new IndexPosition(tracked.asOf, tracked.nextChunk++);
        List<GlobalIndexBatch.Tagged>[] byPartition = tracked.emptyShares();
        byte[] lastKey = null;
        int count = 0;
        long bytes = 0;
        boolean finished;
        try (StorageIterator items = storage.iterator(tracked.backfillFrom, end)) {
            for (items.seekToFirst(); items.isValid() && count < ITEMS_PER_BACKFILL_CHUNK && bytes < BYTES_PER_ROUND;
                    items.next()) {
                lastKey = items.key();
                count++;
                IndexEntryOperation.IndexEntryPut entry = tracked.maintainer
                        .backfillEntry(ItemCodec.decode(items.value()));
                if (entry != null) {
                    byPartition[tracked.partitionOf(entry.entryKey())].add(new GlobalIndexBatch.Tagged(position,
                            entry));
                    bytes += bytesOf(entry);
                }
            }
            finished = !items.isValid();
        }
        byte[] next = finished ? null : KeyRange.successor(lastKey);
        List<Send> sends = new ArrayList<>(byPartition.length);
        for (int i = 0; i < byPartition.length; i++) {
            sends.add(new Send(tracked, i, new GlobalIndexBatch(tableId, tracked.index.id(), partition, position,
                    byPartition[i])));
        }
        sendAll(sends, acknowledged -> {
            if (indexes.get(tracked.index.id()) != tracked || tracked.mode != Mode.BACKFILLING) {
                return;
            }
            if (!acknowledged) {
                scheduleLater(RETRY_MILLIS, () -> submit(() -> backfillChunk(tracked)));
                return;
            }
            updateProgress(tracked);
            if (finished) {
                tracked.mode = Mode.LIVE;
                tracked.backfillFrom = null;
                catchUpThenReport(tracked);
            } else {
                tracked.backfillFrom = next;
                // One chunk per task, so record propagation for the other indexes interleaves with a long backfill.
                submit(() -> backfillChunk(tracked));
            }
        });
    }

    /**
     * Reports a finished backfill once the replay of the change records reaches the partition's applied index as
     * read now, after the last chunk: every image a chunk copied is at or before it.
     */
    private void catchUpThenReport(PropagatedIndex tracked) {
        tracked.catchUpTo = PartitionRecord.metadataOf(storage.get(KeyLayout.partitionRecordKey(tableId, partition)))
                .appliedIndex();
        updateProgress(tracked);
        reportCaughtUp();
        scheduleDrain();
    }

    private void reportCaughtUp() {
        for (PropagatedIndex tracked : indexes.values()) {
            if (tracked.catchUpTo >= 0 && tracked.mode == Mode.LIVE
                    && tracked.min().sequence() >= tracked.catchUpTo) {
                tracked.catchUpTo = -1;
                updateProgress(tracked);
                backfillListener.backfilled(partition, tracked.index.id());
            }
        }
    }

    private void updateProgress(PropagatedIndex tracked) {
        if (indexes.get(tracked.index.id()) == tracked) {
            progress.put(tracked.index.id(), new Progress(tracked.min().sequence(),
                    tracked.steady || tracked.mode == Mode.LIVE && tracked.catchUpTo < 0));
        }
    }

    /**
     * Logs the removal of the records every consumer of the change log has consumed (all of them when the table has
     * no global index left) as an entry of the base partition; the change log decides which (retention belongs to
     * it, REVIEW-2026-12 problem 5). Only when a whole round of records can go, or the partition has been idle for
     * {@link #IDLE_TRIM_MILLIS}: a trim is a log entry, and it moves the positions the next round tells, so one
     * trim per write under a light load would cost more entries than the writes.
     */
    private void trim(boolean idle) {
        for (PropagatedIndex tracked : indexes.values()) {
            if (tracked.mode == Mode.LIVE) {
                changeLog.advance(consumer(tracked.index.id()), tracked.min().sequence());
            } else if (tracked.mode == Mode.BACKFILLING) {
                changeLog.advance(consumer(tracked.index.id()), tracked.asOf);
            }
        }
        if (trimInFlight) {
            return;
        }
        WriteBatch found = new WriteBatch();
        long through = changeLog.trim(storage, trimmedThrough, appliedThrough, TRIMS_PER_ROUND, found);
        if (found.isEmpty()) {
            trimmedThrough = through;
        } else if (found.size() >= RECORDS_PER_ROUND || idle && idleLongEnough()) {
            long after = trimmedThrough;
            trimInFlight = true;
            trimmer.trim(after, through).whenComplete((ignored, failure) -> submit(() -> {
                trimInFlight = false;
                if (failure == null) {
                    trimmedThrough = Math.max(trimmedThrough, through);
                } else {
                    LOG.debug("Trimming change records of partition {} failed", partition, failure);
                }
            }));
        }
        if (indexes.isEmpty()) {
            active = trimmedThrough < appliedThrough || trimInFlight;
        }
    }

    /** Whether the partition has applied nothing new for {@link #IDLE_TRIM_MILLIS}; starts the wait if it just did. */
    private boolean idleLongEnough() {
        long applied = appliedThrough;
        if (applied != idleAt) {
            idleAt = applied;
            idleSinceNanos = System.nanoTime();
            scheduleLater(IDLE_TRIM_MILLIS, this::scheduleDrain);
            return false;
        }
        return System.nanoTime() - idleSinceNanos >= TimeUnit.MILLISECONDS.toNanos(IDLE_TRIM_MILLIS);
    }

    /** About what an entry operation adds to a batch. */
    private static long bytesOf(IndexEntryOperation operation) {
        return operation instanceof IndexEntryOperation.IndexEntryPut put
                ? operation.entryKey().length + IndexEntries.size(put.projectedItem())
                : operation.entryKey().length;
    }

    /** The change log consumer name of one global index. */
    private static String consumer(int indexId) {
        return "gsi-" + indexId;
    }

    private void completeWaiters() {
        if (waiters.isEmpty()) {
            return;
        }
        long reached = Long.MAX_VALUE;
        for (PropagatedIndex tracked : indexes.values()) {
            if (tracked.mode == Mode.LIVE) {
                reached = Math.min(reached, tracked.min().sequence());
            } else if (tracked.mode == Mode.STARTING && tracked.steady) {
                // A complete index whose partitions have not said how far they are yet: nothing is known reached.
                reached = -1;
            }
        }
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext();) {
            Waiter waiter = it.next();
            if (waiter.index() <= reached) {
                waiter.done().complete(null);
                it.remove();
            }
        }
    }
}
