package io.basalt.replication;

import static java.util.Objects.requireNonNull;

import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.partition.GlobalIndexBatch;
import io.basalt.partition.GlobalIndexPartitionState;
import io.basalt.partition.IndexPosition;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionMetadata;
import io.basalt.partition.log.PartitionEntry;
import io.basalt.storage.StorageReader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader of one global secondary index partition (docs/design/cluster.md §15): turns the {@code GSI_APPLY}
 * batches the base partitions' propagators send into the partition's own log entries, through the same
 * {@link Replicator} seam as a {@link PartitionLeader}, and answers each batch with the position the partition has
 * reached for the batch's source once its entry is applied (a batch without operations only asks it).
 *
 * <p>Batches of one source are evaluated one at a time, each once the entry of the one before is applied: the
 * evaluation reads the sizes of the entries it replaces from storage ({@link GlobalIndexPartitionState}). Batches of
 * different sources may be in flight together, since every entry derives from one base item, and one base item
 * belongs to one source. An entry that fails makes every later one fail too (its sequence no longer follows); the
 * leader then resets as a {@link PartitionLeader} does: it evaluates nothing new until every entry in flight has
 * resolved, reads its state from storage again, then evaluates the batches that waited. A failed batch is safe to
 * send again: applying is idempotent by position.
 *
 * <p>Thread-safe; the {@link GlobalIndexPartitionState} it wraps is touched only on the partition's sequencer.
 */
public final class GlobalIndexLeader {
    private static final Logger LOG = LoggerFactory.getLogger(GlobalIndexLeader.class);

    private final GlobalIndexPartitionState state;
    private final Replicator replicator;
    private final SerialExecutor sequencer;
    private volatile boolean closed;

    // Confined to the sequencer.
    /** Per source with a batch in flight: the batches of that source that wait for it, in arrival order. */
    private final Map<PartitionId, ArrayDeque<Pending>> bySource = new HashMap<>();
    private int pendingAppends;
    private boolean resetting;
    private final List<Pending> deferred = new ArrayList<>();
    private final List<CompletableFuture<Void>> drainWaiters = new ArrayList<>();

    private record Pending(GlobalIndexBatch batch, CompletableFuture<IndexPosition> result) {
    }

    /**
     * @param descriptor a global index's partition
     * @param clock stamps the entries (milliseconds)
     * @param pool runs the partition's sequencer
     */
    public GlobalIndexLeader(PartitionDescriptor descriptor, StorageReader storage, LongSupplier clock,
            Replicator replicator, Executor pool) {
        this.state = new GlobalIndexPartitionState(requireNonNull(descriptor, "descriptor is null"), storage, clock);
        this.replicator = requireNonNull(replicator, "replicator is null");
        this.sequencer = new SerialExecutor(requireNonNull(pool, "pool is null"));
    }

    public PartitionId id() {
        return state.descriptor().id();
    }

    public PartitionDescriptor descriptor() {
        return state.descriptor();
    }

    /**
     * Applies {@code batch}: the future completes with the position this partition has reached for the batch's
     * source once what it changed is applied, or fails when its entry was not applied (then send it again) or the
     * batch does not belong to this partition.
     */
    public CompletableFuture<IndexPosition> apply(GlobalIndexBatch batch) {
        requireNonNull(batch, "batch is null");
        CompletableFuture<IndexPosition> result = new CompletableFuture<>();
        sequencer.execute(() -> admit(new Pending(batch, result)));
        return result;
    }

    /** The partition's applied sequence, item count and size as evaluated. */
    public CompletableFuture<PartitionMetadata> metadata() {
        CompletableFuture<PartitionMetadata> result = new CompletableFuture<>();
        sequencer.execute(() -> result.complete(state.metadata()));
        return result;
    }

    /** Stops accepting batches; the future completes once every batch accepted before has resolved. */
    public CompletableFuture<Void> close() {
        CompletableFuture<Void> drained = new CompletableFuture<>();
        sequencer.execute(() -> {
            closed = true;
            drainWaiters.add(drained);
            completeDrainWaiters();
        });
        return drained;
    }

    /**
     * Drops the partition's data through its own log (its index is being dropped): stops accepting batches, waits
     * for those in flight, then logs {@link GlobalIndexPartitionState#drop}. The future completes once that entry is
     * applied; it fails when it was not (a drop resumed after a restart logs it again).
     */
    public CompletableFuture<Void> drop(Iterable<PartitionId> sources) {
        requireNonNull(sources, "sources is null");
        CompletableFuture<Void> dropped = new CompletableFuture<>();
        close().thenRun(() -> sequencer.execute(() -> {
            PartitionEntry entry;
            try {
                entry = state.drop(sources);
            } catch (RuntimeException e) {
                dropped.completeExceptionally(e);
                return;
            }
            replicator.append(entry).whenComplete((ignored, failure) -> {
                if (failure == null) {
                    dropped.complete(null);
                } else {
                    dropped.completeExceptionally(failure);
                }
            });
        }));
        return dropped;
    }

    /** Evaluates a batch now, or queues it behind its source's batch in flight or the reset in progress. */
    private void admit(Pending pending) {
        if (closed) {
            pending.result().completeExceptionally(BasaltException.resourceNotFound("Requested resource not found"));
            return;
        }
        if (resetting) {
            deferred.add(pending);
            return;
        }
        ArrayDeque<Pending> waiting = bySource.get(pending.batch().source());
        if (waiting != null) {
            waiting.add(pending);
            return;
        }
        evaluate(pending);
    }

    private void evaluate(Pending pending) {
        PartitionId source = pending.batch().source();
        GlobalIndexPartitionState.Evaluated evaluated;
        try {
            evaluated = state.evaluate(pending.batch());
        } catch (RuntimeException e) {
            LOG.error("Evaluating a global index batch on partition {} failed", id(), e);
            pending.result().completeExceptionally(new BasaltException(ErrorCode.INTERNAL_SERVER_ERROR,
                    "Internal server error", e));
            return;
        }
        PartitionEntry entry = evaluated.entry();
        if (entry == null) {
            pending.result().complete(evaluated.position());
            return;
        }
        bySource.put(source, new ArrayDeque<>());
        pendingAppends++;
        replicator.append(entry).whenComplete((ignored, failure) -> sequencer.execute(() -> {
            pendingAppends--;
            if (failure == null) {
                pending.result().complete(evaluated.position());
            } else {
                // A failed entry fails every later entry: stop evaluating on top of it.
                resetting = true;
                pending.result().completeExceptionally(failure);
            }
            ArrayDeque<Pending> waiting = bySource.remove(source);
            if (resetting) {
                deferred.addAll(waiting);
                finishResetWhenSettled();
            } else {
                // In order: the first that logs something puts the source in flight again, the rest queue behind it.
                waiting.forEach(this::admit);
            }
            completeDrainWaiters();
        }));
    }

    /** Once nothing is in flight after a failure: reads the state from storage again and evaluates what waited. */
    private void finishResetWhenSettled() {
        if (!resetting || pendingAppends > 0) {
            return;
        }
        try {
            state.reset();
        } catch (RuntimeException e) {
            LOG.error("Resetting global index partition {} from storage failed", id(), e);
        }
        resetting = false;
        for (ArrayDeque<Pending> waiting : bySource.values()) {
            deferred.addAll(waiting);
        }
        bySource.clear();
        List<Pending> waiting = List.copyOf(deferred);
        deferred.clear();
        waiting.forEach(this::admit);
    }

    private void completeDrainWaiters() {
        if (pendingAppends == 0 && !drainWaiters.isEmpty()) {
            List<CompletableFuture<Void>> waiters = List.copyOf(drainWaiters);
            drainWaiters.clear();
            waiters.forEach(waiter -> waiter.complete(null));
        }
    }
}
