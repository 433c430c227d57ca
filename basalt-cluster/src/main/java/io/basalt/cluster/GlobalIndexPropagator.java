package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.model.KeySchema;
import io.basalt.model.SecondaryIndex;
import io.basalt.partition.ChangeLog;
import io.basalt.partition.ChangeRecord;
import io.basalt.partition.GlobalIndexApplier;
import io.basalt.partition.GlobalIndexBatch;
import io.basalt.partition.IndexEntryOperation;
import io.basalt.partition.IndexMaintainer;
import io.basalt.partition.IndexPartitionState;
import io.basalt.partition.IndexPosition;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionRecord;
import io.basalt.partition.encoding.ItemCodec;
import io.basalt.partition.log.OperationList;
import io.basalt.partition.read.KeyRange;
import io.basalt.replication.SerialExecutor;
import io.basalt.storage.WritableStorage;
import io.basalt.storage.StorageIterator;
import io.basalt.storage.WriteBatch;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one base partition's share of its table's global secondary indexes in step with the partition's writes:
 * reads the partition's change records in log order and applies each to every global index (delete the entry of
 * the old image, put the entry of the new one), then records how far it got in the same batch as the entries it
 * wrote, so a crash replays exactly the records not yet applied. Applying a record twice gives the same result as
 * once, so replaying is harmless.
 *
 * <p>An index added to a table with items is first <em>backfilled</em>: the partition's items are copied into it
 * in chunks, and only then are the change records written since the index was added applied on top. Every entry a
 * chunk copies is the image of an item at some moment after the index was added, and every later change of that
 * item has a record whose old image names that entry, so the replay removes whatever a chunk copied that is no
 * longer current. Records are kept until every index has applied them.
 *
 * <p>Until that replay has caught up, an item may have two entries at once: the one a chunk copied (its latest
 * image) and an older one that a replayed record puts back before a later record removes it again, possibly in the
 * next round's batch. So a partition reports its share of the backfill done only once it has applied every record
 * up to the partition's applied index as of its last chunk (which covers every image a chunk could have copied):
 * the index becomes readable (ACTIVE) only when no such transient entry is left. Afterwards every round applies whole
 * change records in one storage batch, so a write that moves an item's index key (delete the old entry, put the
 * new one) is atomic to readers, each of which reads a page from one consistent view.
 *
 * <p>Each global index entry derives from one base item, and each base item belongs to one partition: the
 * propagators of different partitions never write the same entry, and each keeps its own share of the index's
 * item count and size.
 *
 * <p>All state is confined to a serial executor that never runs on the caller's thread.
 */
final class GlobalIndexPropagator {
    private static final Logger LOG = LoggerFactory.getLogger(GlobalIndexPropagator.class);
    private static final int RECORDS_PER_ROUND = 256;
    private static final int ITEMS_PER_BACKFILL_CHUNK = 256;
    private static final int TRIMS_PER_ROUND = 4096;

    private final PartitionDescriptor descriptor;
    private final PartitionId partition;
    private final long tableId;
    private final WritableStorage storage;
    private final ChangeLog changeLog;
    private final KeySchema tableSchema;
    private final Clock clock;
    private final Supplier<GlobalIndexPropagation> settings;
    private final ScheduledExecutorService timer;
    private final BackfillListener backfillListener;
    private final SerialExecutor executor;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private volatile long appliedThrough;
    private volatile boolean active;
    private volatile boolean closed;

    // Confined to the executor.
    private final Map<Integer, Tracked> indexes = new LinkedHashMap<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private long trimmedThrough;

    /** Told when this partition has finished backfilling an index. */
    interface BackfillListener {
        void backfilled(PartitionId partition, int indexId);
    }

    private enum Mode {
        /** Added, start not yet known: nothing is applied to it, and no record may be trimmed. */
        PENDING,
        /** Being filled from the partition's items; records are kept for it from its start. */
        BACKFILLING,
        /** Following the change records. */
        LIVE
    }

    private static final class Tracked {
        final SecondaryIndex index;
        final IndexMaintainer maintainer;
        final byte[] stateKey;
        IndexPartitionState state;
        Mode mode;
        byte[] backfillFrom;
        /** After a backfill, the log index the replay must reach before the backfill is reported; -1 when none. */
        long catchUpTo = -1;

        Tracked(IndexMaintainer maintainer, byte[] stateKey, IndexPartitionState state, Mode mode) {
            this.index = maintainer.index();
            this.maintainer = maintainer;
            this.stateKey = stateKey;
            this.state = state;
            this.mode = mode;
        }
    }

    private record Waiter(long index, CompletableFuture<Void> done) {
    }

    GlobalIndexPropagator(PartitionDescriptor descriptor, WritableStorage storage, ChangeLog changeLog,
            KeySchema tableSchema,
            Clock clock, Supplier<GlobalIndexPropagation> settings, Executor pool, ScheduledExecutorService timer,
            BackfillListener backfillListener, long appliedThrough) {
        this.descriptor = requireNonNull(descriptor, "descriptor is null");
        this.partition = descriptor.id();
        this.tableId = descriptor.tableId();
        this.storage = requireNonNull(storage, "storage is null");
        this.changeLog = requireNonNull(changeLog, "changeLog is null");
        this.tableSchema = requireNonNull(tableSchema, "tableSchema is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.settings = requireNonNull(settings, "settings is null");
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
     * Starts following an index that is already complete in storage (created with its table, or backfilled before
     * a restart), from the position its stored state records.
     */
    void follow(SecondaryIndex index) {
        submit(() -> {
            byte[] stateKey = KeyLayout.indexStateKey(tableId, partition, index.id());
            Tracked tracked = new Tracked(maintainer(index), stateKey,
                    IndexPartitionState.decode(storage.get(stateKey)), Mode.LIVE);
            indexes.put(index.id(), tracked);
            changeLog.register(consumer(index.id()), tracked.state.propagatedIndex());
            active = true;
            scheduleDrain();
        });
    }

    /**
     * Registers an index that is being added: no record is trimmed from now until {@link #backfill} says where
     * it starts.
     */
    void add(SecondaryIndex index) {
        submit(() -> {
            byte[] stateKey = KeyLayout.indexStateKey(tableId, partition, index.id());
            indexes.put(index.id(), new Tracked(maintainer(index), stateKey, IndexPartitionState.EMPTY,
                    Mode.PENDING));
            // Holds every record not yet trimmed until the backfill says where the index starts.
            changeLog.register(consumer(index.id()), trimmedThrough);
            active = true;
        });
    }

    /**
     * Fills an added index with the partition's items, then applies the records from {@code firstIndex} on. A
     * backfill that a restart interrupted resumes from the start of its stored records (its stored state says
     * where); one that had finished goes straight to following the records.
     *
     * @param firstIndex the log index of the first write evaluated with the index in place; every write before it
     *     is applied to storage
     */
    void backfill(int indexId, long firstIndex) {
        submit(() -> {
            Tracked tracked = indexes.get(indexId);
            if (tracked == null) {
                return;
            }
            byte[] stored = storage.get(tracked.stateKey);
            if (stored != null) {
                tracked.state = IndexPartitionState.decode(stored);
                if (tracked.state.backfilled()) {
                    tracked.mode = Mode.LIVE;
                    catchUpThenReport(tracked);
                    return;
                }
            } else {
                tracked.state = new IndexPartitionState(0, 0, firstIndex - 1, false);
                storage.write(new WriteBatch().put(tracked.stateKey, tracked.state.encode()), false);
            }
            tracked.mode = Mode.BACKFILLING;
            tracked.backfillFrom = KeyLayout.partitionStart(descriptor);
            backfillChunk(tracked);
        });
    }

    /** Stops maintaining an index; the future completes once no round of this propagator will touch it again. */
    CompletableFuture<Void> remove(int indexId) {
        CompletableFuture<Void> removed = new CompletableFuture<>();
        submit(() -> {
            indexes.remove(indexId);
            changeLog.unregister(consumer(indexId));
            completeWaiters();
            scheduleDrain();
            removed.complete(null);
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
     * How far {@code indexId} is behind the partition: the change records not yet applied to it and the age of the
     * oldest. Reads storage on the caller's thread.
     */
    IndexLag lag(int indexId) {
        IndexPartitionState state = IndexPartitionState.decode(storage.get(KeyLayout.indexStateKey(tableId, partition,
                indexId)));
        long[] pendingAndOldest = {0, -1};
        changeLog.read(storage, state.propagatedIndex(), Long.MAX_VALUE, record -> {
            if (pendingAndOldest[1] < 0) {
                pendingAndOldest[1] = record.timestampMillis();
            }
            pendingAndOldest[0]++;
            return true;
        });
        long pending = pendingAndOldest[0];
        long oldest = pendingAndOldest[1];
        long ageMillis = oldest < 0 ? 0 : Math.max(0, clock.millis() - oldest);
        return new IndexLag(pending, ageMillis, state.backfilled());
    }

    CompletableFuture<Void> close() {
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        closed = true;
        executor.execute(() -> {
            for (Waiter waiter : waiters) {
                waiter.done().complete(null);
            }
            waiters.clear();
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

    private void scheduleLater(long delayMillis) {
        try {
            timer.schedule(this::scheduleDrain, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // The node is closing; the records stay and a restart applies them.
        }
    }

    private void scheduleDrain() {
        if (drainScheduled.compareAndSet(false, true)) {
            submit(this::drain);
        }
    }

    /** Applies the next round of change records to the live indexes, trims what every index has, repeats. */
    private void drain() {
        drainScheduled.set(false);
        long applied = appliedThrough;
        long from = Long.MAX_VALUE;
        for (Tracked tracked : indexes.values()) {
            if (tracked.mode == Mode.LIVE) {
                from = Math.min(from, tracked.state.propagatedIndex());
            }
        }
        WriteBatch batch = new WriteBatch();
        boolean more = false;
        if (from != Long.MAX_VALUE && from < applied) {
            more = applyRecords(from, applied, batch);
        }
        trim(batch);
        if (!batch.isEmpty()) {
            storage.write(batch, false);
        }
        reportCaughtUp();
        completeWaiters();
        if (more) {
            scheduleDrain();
        }
    }

    /** @return whether records remain that this round did not reach */
    private boolean applyRecords(long from, long applied, WriteBatch batch) {
        GlobalIndexPropagation propagation = settings.get();
        long delayMillis = propagation.synchronous() ? 0 : propagation.delay().toMillis();
        long now = clock.millis();
        Map<Integer, List<GlobalIndexBatch.Tagged>> operations = new HashMap<>();
        long[] reachedAndCount = {from, 0};
        boolean[] stoppedEarly = {false};
        changeLog.read(storage, from, applied, record -> {
            if (reachedAndCount[1] == RECORDS_PER_ROUND) {
                stoppedEarly[0] = true;
                return false;
            }
            long logIndex = record.logIndex();
            long dueAt = record.timestampMillis() + delayMillis;
            if (delayMillis > 0 && dueAt > now) {
                // Nothing at or after this record is due yet: the indexes reach only the record before it.
                scheduleLater(Math.min(dueAt - now, 100));
                stoppedEarly[0] = true;
                return false;
            }
            // A record is applied whole (one position for all its changes), so a transaction's changes on this
            // partition reach the index together.
            IndexPosition position = new IndexPosition(logIndex, 0);
            for (Tracked tracked : indexes.values()) {
                if (tracked.mode == Mode.LIVE && tracked.state.propagatedIndex() < logIndex) {
                    List<GlobalIndexBatch.Tagged> tagged = operations.computeIfAbsent(tracked.index.id(),
                            id -> new ArrayList<>());
                    for (ChangeRecord.Change change : record.changes()) {
                        for (IndexEntryOperation operation : tracked.maintainer
                                .delta(change.oldItem(), change.newItem()).replayOperations()) {
                            tagged.add(new GlobalIndexBatch.Tagged(position, operation));
                        }
                    }
                }
            }
            reachedAndCount[0] = logIndex;
            reachedAndCount[1]++;
            return true;
        });
        long reached = reachedAndCount[0];
        long count = reachedAndCount[1];
        // Without an early stop every record up to `applied` has been seen: log indexes without a record (writes
        // made before the table had a global index) need nothing.
        IndexPosition through = new IndexPosition(stoppedEarly[0] ? reached : applied, 0);
        GlobalIndexApplier applier = new GlobalIndexApplier(storage);
        for (Tracked tracked : indexes.values()) {
            if (tracked.mode == Mode.LIVE && through.isAfter(tracked.state.position())) {
                send(tracked, new GlobalIndexBatch(tableId, tracked.index.id(), partition, through,
                        operations.getOrDefault(tracked.index.id(), List.of())), applier, batch);
            }
        }
        return stoppedEarly[0] && count == RECORDS_PER_ROUND;
    }

    /**
     * Applies one {@code GSI_APPLY} batch to the index (for now beside the log, into this round's storage write;
     * cluster.md §20 step 8 as built) and keeps the index's state it returns.
     */
    private void send(Tracked tracked, GlobalIndexBatch indexBatch, GlobalIndexApplier applier, WriteBatch batch) {
        OperationList.Builder operations = OperationList.builder(indexBatch.operations().size() + 1);
        tracked.state = applier.apply(indexBatch, tracked.stateKey, tracked.state, operations).state();
        for (WriteBatch.Operation operation : operations.build()) {
            batch.add(operation);
        }
    }

    /**
     * Copies the next chunk of the partition's items into a backfilling index; the last chunk makes it live. A
     * chunk is tagged with the position the index's records start after and the next chunk number, so a chunk
     * replayed after the records have moved on is skipped.
     */
    private void backfillChunk(Tracked tracked) {
        if (indexes.get(tracked.index.id()) != tracked || tracked.mode != Mode.BACKFILLING) {
            return;
        }
        byte[] end = KeyLayout.partitionEnd(descriptor);
        IndexPosition position = new IndexPosition(tracked.state.propagatedIndex(),
                tracked.state.propagatedSub() + 1);
        List<GlobalIndexBatch.Tagged> copies = new ArrayList<>();
        byte[] lastKey = null;
        int count = 0;
        try (StorageIterator items = storage.iterator(tracked.backfillFrom, end)) {
            for (items.seekToFirst(); items.isValid() && count < ITEMS_PER_BACKFILL_CHUNK; items.next()) {
                lastKey = items.key();
                count++;
                IndexEntryOperation.IndexEntryPut entry = tracked.maintainer
                        .backfillEntry(ItemCodec.decode(items.value()));
                if (entry != null) {
                    copies.add(new GlobalIndexBatch.Tagged(position, entry));
                }
            }
        }
        boolean finished = count < ITEMS_PER_BACKFILL_CHUNK;
        WriteBatch batch = new WriteBatch();
        if (finished) {
            tracked.state = tracked.state.withBackfilled(true);
            tracked.mode = Mode.LIVE;
            tracked.backfillFrom = null;
        } else {
            tracked.backfillFrom = KeyRange.successor(lastKey);
        }
        send(tracked, new GlobalIndexBatch(tableId, tracked.index.id(), partition, position, copies),
                new GlobalIndexApplier(storage), batch);
        if (finished) {
            // The applier writes the state only when it changed; the finished flag must be stored either way.
            batch.put(tracked.stateKey, tracked.state.encode());
        }
        storage.write(batch, false);
        if (finished) {
            catchUpThenReport(tracked);
        } else {
            // One chunk per task, so record propagation for the other indexes interleaves with a long backfill.
            submit(() -> backfillChunk(tracked));
        }
    }

    /**
     * Reports a finished backfill once the replay of the change records reaches the partition's applied index as
     * read now, after the last chunk: every image a chunk copied is at or before it.
     */
    private void catchUpThenReport(Tracked tracked) {
        tracked.catchUpTo = PartitionRecord.metadataOf(storage.get(KeyLayout.partitionRecordKey(tableId, partition)))
                .appliedIndex();
        reportCaughtUp();
        scheduleDrain();
    }

    private void reportCaughtUp() {
        for (Tracked tracked : indexes.values()) {
            if (tracked.catchUpTo >= 0 && tracked.mode == Mode.LIVE
                    && tracked.state.propagatedIndex() >= tracked.catchUpTo) {
                tracked.catchUpTo = -1;
                backfillListener.backfilled(partition, tracked.index.id());
            }
        }
    }

    /**
     * Deletes the records every consumer of the change log has consumed (all of them when the table has no global
     * index left); the change log decides which (retention belongs to it, REVIEW-2026-12 problem 5).
     */
    private void trim(WriteBatch batch) {
        for (Tracked tracked : indexes.values()) {
            if (tracked.mode != Mode.PENDING) {
                changeLog.advance(consumer(tracked.index.id()), tracked.state.propagatedIndex());
            }
        }
        trimmedThrough = changeLog.trim(storage, trimmedThrough, appliedThrough, TRIMS_PER_ROUND, batch);
        if (indexes.isEmpty()) {
            active = trimmedThrough < appliedThrough;
        }
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
        for (Tracked tracked : indexes.values()) {
            if (tracked.mode == Mode.LIVE) {
                reached = Math.min(reached, tracked.state.propagatedIndex());
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
