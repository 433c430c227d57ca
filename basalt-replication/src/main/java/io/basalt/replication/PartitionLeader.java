package io.basalt.replication;

import static java.util.Objects.requireNonNull;

import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.model.KeySchema;
import io.basalt.partition.EvaluatedWrite;
import io.basalt.partition.ItemOperation;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionIndexes;
import io.basalt.partition.PartitionMetadata;
import io.basalt.partition.PartitionState;
import io.basalt.partition.PrepareOutcome;
import io.basalt.partition.PreparedTransaction;
import io.basalt.partition.log.PartitionEntry;
import io.basalt.storage.StorageReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sequences the writes of one partition: each write is evaluated against the latest image of its item, in
 * arrival order, on the partition's serial executor (no locks; usually on the thread that submits the write, see
 * {@link SerialExecutor}), then its log entry goes to the {@link Replicator}. The write completes when the entry
 * is durable and applied.
 *
 * <p>When an entry fails (it was not applied), every entry evaluated after it was evaluated on top of it and fails
 * too (the group state machine rejects its sequence). The leader then resets: it evaluates nothing new until every
 * entry in flight has resolved, rebuilds its overlay and metadata from storage, and then evaluates the writes that
 * waited. A leader change ({@link #onLeaderChange}) takes the same path.
 *
 * <p>Thread-safe; the {@link PartitionState} it wraps is touched only from the serial executor.
 */
public final class PartitionLeader {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionLeader.class);

    private final PartitionState state;
    private final Replicator replicator;
    private final SerialExecutor sequencer;
    private final LongConsumer appliedListener;
    /** The highest log index applied to storage; entries complete in log order. */
    private final AtomicLong appliedThrough;
    private volatile boolean closed;
    /** Entries appended and not yet resolved (sequencer only). */
    private int pendingAppends;
    /** The last entry appended, which resolves after every earlier one (sequencer only; null before the first). */
    private CompletableFuture<?> lastAppend;
    private final StorageReader storage;
    /** Whether a reset waits for the entries in flight to resolve (sequencer only). */
    private boolean resetting;
    /** Evaluations that arrived while resetting, in arrival order (sequencer only). */
    private final List<Runnable> deferred = new ArrayList<>();
    /** Completed when the reset in progress is done (sequencer only). */
    private final List<CompletableFuture<Void>> resetWaiters = new ArrayList<>();

    /**
     * @param clock stamps change records (milliseconds)
     * @param appliedListener told the log index of every entry once it is applied (in order; on whichever thread
     *     completed it: keep it short)
     */
    public PartitionLeader(PartitionDescriptor descriptor, StorageReader storage, KeySchema tableSchema,
            LongSupplier clock, Replicator replicator, Executor pool, LongConsumer appliedListener) {
        this.storage = requireNonNull(storage, "storage is null");
        this.state = new PartitionState(requireNonNull(descriptor, "descriptor is null"), storage, tableSchema,
                clock);
        this.replicator = requireNonNull(replicator, "replicator is null");
        this.sequencer = new SerialExecutor(pool);
        this.appliedListener = requireNonNull(appliedListener, "appliedListener is null");
        this.appliedThrough = new AtomicLong(state.metadata().appliedIndex());
    }

    /**
     * Makes the writes evaluated from now on maintain {@code indexes}. The future completes with the log index of
     * the first such write, once every earlier write is applied: from then on storage holds every write made under
     * the old configuration, and every later write follows the new one.
     */
    public CompletableFuture<Long> configure(PartitionIndexes indexes) {
        CompletableFuture<Long> first = new CompletableFuture<>();
        // After a reset, not during one: the first index under the new configuration must be one that applies.
        evaluateOnSequencer(() -> {
            state.configure(indexes);
            long next = state.metadata().appliedIndex() + 1;
            waitUntilApplied(next - 1, () -> first.complete(next));
        });
        return first;
    }

    /** The highest log index whose entry is applied to storage. */
    public long appliedThrough() {
        return appliedThrough.get();
    }

    public PartitionId id() {
        return state.id();
    }

    /**
     * The storage the partition's entries apply to: the node's one store, or its group member's (which a leader
     * keeps for its whole epoch: only a follower's is replaced by a snapshot install).
     */
    public StorageReader storage() {
        return storage;
    }

    public PartitionDescriptor descriptor() {
        return state.descriptor();
    }

    /**
     * Evaluates {@code operation} against the item stored under {@code itemKey} and makes the result durable.
     * The future fails with a {@link BasaltException} when the operation is rejected (e.g. its condition does
     * not hold) or the partition is closed.
     */
    public CompletableFuture<EvaluatedWrite> write(byte[] itemKey, ItemOperation operation) {
        CompletableFuture<EvaluatedWrite> result = new CompletableFuture<>();
        evaluateOnSequencer(() -> evaluateAndAppend(itemKey, operation, result));
        return result;
    }

    private void evaluateAndAppend(byte[] itemKey, ItemOperation operation, CompletableFuture<EvaluatedWrite> result) {
        if (closed) {
            result.completeExceptionally(BasaltException.resourceNotFound("Requested resource not found"));
            return;
        }
        EvaluatedWrite evaluated;
        try {
            evaluated = state.evaluate(itemKey, operation);
        } catch (BasaltException e) {
            answerAfterInFlight(() -> result.completeExceptionally(e), result::completeExceptionally);
            return;
        } catch (RuntimeException e) {
            LOG.error("Evaluating a write on partition {} failed", state.id(), e);
            result.completeExceptionally(new BasaltException(ErrorCode.INTERNAL_SERVER_ERROR,
                    "Internal server error", e));
            return;
        }
        long index = evaluated.entry().sequence();
        propose(evaluated.entry(), () -> result.complete(evaluated), failure -> {
            state.applied(itemKey, index);
            if (failure != null) {
                result.completeExceptionally(failure);
            }
        });
    }

    /**
     * Appends {@code entry} (on the sequencer). Once it is applied, records that and runs {@code onApplied} on the
     * completing thread; either way, runs {@code settle} on the sequencer with the failure (null when applied). A
     * failure starts a reset, which waits until every entry in flight has settled.
     */
    private void propose(PartitionEntry entry, Runnable onApplied, Consumer<Throwable> settle) {
        pendingAppends++;
        long index = entry.sequence();
        CompletableFuture<?> appended = replicator.append(entry);
        lastAppend = appended;
        appended.whenComplete((ignored, failure) -> {
            sequencer.execute(() -> {
                pendingAppends--;
                if (failure != null) {
                    // A failed entry fails every later entry: stop evaluating on top of it.
                    resetting = true;
                }
                try {
                    settle.accept(failure);
                } finally {
                    finishResetWhenSettled();
                }
            });
            if (failure == null) {
                appliedThrough.accumulateAndGet(index, Math::max);
                appliedListener.accept(index);
                onApplied.run();
            }
        });
    }

    /**
     * Gives an answer that logs nothing — a refusal, such as a failed condition — once every entry appended before
     * it has resolved. Its evaluation saw those entries' images in the overlay, and no client may learn of a state
     * before it is durable: a strongly consistent read of storage right after the answer could still see the state
     * before it, which no order of the two explains (found by the cluster's linearizability test, where commits take
     * a network round). If one of those entries fails, the state the answer saw never existed: the answer fails with
     * that entry's failure, which a router treats as not applied and sends again. Free when nothing is in flight.
     */
    private void answerAfterInFlight(Runnable answer, Consumer<Throwable> fail) {
        if (pendingAppends == 0) {
            answer.run();
            return;
        }
        lastAppend.whenComplete((ignored, failure) -> {
            if (failure == null) {
                answer.run();
            } else {
                fail.accept(failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure);
            }
        });
    }

    /** Runs an evaluation on the sequencer, or keeps it for after the reset in progress. */
    private void evaluateOnSequencer(Runnable evaluation) {
        sequencer.execute(() -> runOrDefer(evaluation));
    }

    private void runOrDefer(Runnable evaluation) {
        if (resetting) {
            deferred.add(evaluation);
        } else {
            evaluation.run();
        }
    }

    /**
     * The leader-change path (docs/design/cluster.md §7.2): stops evaluating on top of the entries in flight, lets
     * each of them resolve as the replicator decides (applied, or failed together with every entry evaluated after a
     * failed one), then rebuilds the partition's overlay and metadata from storage. Writes that arrive meanwhile
     * wait and are evaluated on the reset state. The future completes once the reset is done.
     */
    public CompletableFuture<Void> onLeaderChange() {
        CompletableFuture<Void> reset = new CompletableFuture<>();
        sequencer.execute(() -> {
            resetting = true;
            resetWaiters.add(reset);
            finishResetWhenSettled();
        });
        return reset;
    }

    /** Finishes the reset in progress once nothing is in flight. Call on the sequencer. */
    private void finishResetWhenSettled() {
        if (!resetting || pendingAppends > 0) {
            return;
        }
        try {
            state.reset();
        } catch (RuntimeException e) {
            // Storage failed too (the local log is fail-stop then): later writes fail on their own.
            LOG.error("Resetting partition {} from storage failed", state.id(), e);
        }
        resetting = false;
        List<CompletableFuture<Void>> waiters = List.copyOf(resetWaiters);
        resetWaiters.clear();
        List<Runnable> waiting = List.copyOf(deferred);
        deferred.clear();
        waiters.forEach(waiter -> waiter.complete(null));
        waiting.forEach(this::runOrDefer);
    }

    /**
     * A transaction's first phase on this partition: evaluates each operation against its item's latest image and
     * holds the items for {@code transaction}. Every operation is evaluated, refused or not. When all of them are
     * prepared, the prepare is logged with the staged writes (so that the commit needs only the transaction's id),
     * and the future completes once that entry is durable: from then on the holds outlive a restart (or a change of
     * leader) until the decision is known.
     *
     * @param ledgerKey the key of the transaction's row in the ledger table, kept in the prepare record
     * @return per operation, in order, what became of it; items of refused operations are not held. A failure that
     *     is no cancellation reason (the partition is closed, an internal error) fails the whole future and lets go
     *     of everything held here
     */
    public CompletableFuture<List<PrepareOutcome>> prepare(long transaction, long timestamp, String ledgerKey,
            List<byte[]> itemKeys, List<ItemOperation> operations) {
        CompletableFuture<List<PrepareOutcome>> result = new CompletableFuture<>();
        evaluateOnSequencer(() -> {
            if (closed) {
                result.completeExceptionally(BasaltException.resourceNotFound("Requested resource not found"));
                return;
            }
            List<PrepareOutcome> outcomes = new ArrayList<>(operations.size());
            List<PartitionState.Staged> staged = new ArrayList<>(operations.size());
            BasaltException failure = null;
            for (int i = 0; i < operations.size(); i++) {
                try {
                    PartitionState.Staged prepared = state.prepare(transaction, timestamp, itemKeys.get(i),
                            operations.get(i));
                    staged.add(prepared);
                    outcomes.add(new PrepareOutcome.Prepared(prepared));
                } catch (BasaltException e) {
                    PrepareOutcome.Refused refused = PrepareOutcome.refusal(e);
                    outcomes.add(refused);
                    if (refused == null && failure == null) {
                        failure = e;
                    }
                } catch (RuntimeException e) {
                    LOG.error("Preparing a transaction on partition {} failed", state.id(), e);
                    outcomes.add(null);
                    if (failure == null) {
                        failure = new BasaltException(ErrorCode.INTERNAL_SERVER_ERROR, "Internal server error", e);
                    }
                }
            }
            if (failure != null) {
                PartitionEntry entry = state.release(transaction, itemKeys);
                if (entry != null) {
                    append(entry, () -> { }, ignored -> { });
                }
                result.completeExceptionally(failure);
                return;
            }
            if (staged.size() < operations.size()) {
                // A refused action cancels the transaction: nothing to keep across a restart. The refusal may rest
                // on images still in flight.
                answerAfterInFlight(() -> result.complete(outcomes), result::completeExceptionally);
                return;
            }
            if (state.isLogged(transaction)) {
                // Prepared again (a legacy record completed at start): the record is already in the log.
                state.keepStaged(transaction, staged);
                result.complete(outcomes);
                return;
            }
            append(state.logPrepare(transaction, timestamp, ledgerKey, staged), () -> result.complete(outcomes),
                    failed -> {
                        state.release(transaction, itemKeys);
                        result.completeExceptionally(failed);
                    });
        });
        return result;
    }

    /**
     * Appends an entry that changes no item: {@code onApplied} runs once it is applied, {@code onFailed} on the
     * sequencer if it is not.
     */
    private void append(PartitionEntry entry, Runnable onApplied, Consumer<Throwable> onFailed) {
        propose(entry, onApplied, failure -> {
            if (failure != null) {
                onFailed.accept(failure);
            }
        });
    }

    /**
     * A transaction's second phase on this partition: applies the writes its prepare staged (kept by the partition,
     * in memory and in its prepare record), removes the record, as one log entry, then lets go of its items. A
     * transaction the partition no longer holds commits nothing (a repeated commit, or one sent by both a
     * coordinator and the resolver).
     *
     * @return the evaluated writes (none for condition checks), in order
     */
    public CompletableFuture<List<EvaluatedWrite>> commit(long transaction, long timestamp) {
        CompletableFuture<List<EvaluatedWrite>> result = new CompletableFuture<>();
        evaluateOnSequencer(() -> {
            if (closed) {
                // The table was deleted: its prepare records go with its data, and nothing may be logged for it.
                result.completeExceptionally(BasaltException.resourceNotFound("Requested resource not found"));
                return;
            }
            PartitionState.Committed committed;
            try {
                committed = state.commit(transaction, timestamp);
            } catch (RuntimeException e) {
                // Prepared writes were checked; a failure here is a defect, and the prepare record stays in the
                // log, so the resolver applies it later.
                LOG.error("Committing a transaction on partition {} failed", state.id(), e);
                result.completeExceptionally(e);
                return;
            }
            List<EvaluatedWrite> writes = committed.writes();
            List<byte[]> itemKeys = committed.heldKeys();
            if (writes.isEmpty()) {
                state.release(transaction, itemKeys);
                if (committed.entry() == null) {
                    result.complete(writes);
                } else {
                    append(committed.entry(), () -> result.complete(writes), result::completeExceptionally);
                }
                return;
            }
            long index = committed.entry().sequence();
            propose(committed.entry(), () -> result.complete(writes), failure -> {
                for (byte[] itemKey : itemKeys) {
                    state.applied(itemKey, index);
                }
                state.release(transaction, itemKeys);
                if (failure != null) {
                    result.completeExceptionally(failure);
                }
            });
        });
        return result;
    }

    /**
     * Lets go of the items a cancelled transaction held on this partition (and removes its prepare record). The
     * future completes once the record's removal is durable.
     */
    public CompletableFuture<Void> release(long transaction, List<byte[]> itemKeys) {
        CompletableFuture<Void> released = new CompletableFuture<>();
        evaluateOnSequencer(() -> {
            if (closed) {
                // The table was deleted: its prepare records go with its data, and nothing may be logged for it.
                released.complete(null);
                return;
            }
            PartitionEntry entry = state.release(transaction, itemKeys);
            if (entry == null) {
                released.complete(null);
            } else {
                append(entry, () -> released.complete(null), released::completeExceptionally);
            }
        });
        return released;
    }

    /**
     * Logs the removal of the partition's change records after {@code afterSequence} through {@code
     * throughSequence} ({@link PartitionState#trimChanges}; the global index propagator asks once every index has
     * applied them). The future completes once the entry is applied; a closed partition trims nothing (its data goes
     * with its table).
     */
    public CompletableFuture<Void> trimChanges(long afterSequence, long throughSequence) {
        CompletableFuture<Void> trimmed = new CompletableFuture<>();
        evaluateOnSequencer(() -> {
            if (closed) {
                trimmed.completeExceptionally(BasaltException.resourceNotFound("Requested resource not found"));
                return;
            }
            append(state.trimChanges(afterSequence, throughSequence), () -> trimmed.complete(null),
                    trimmed::completeExceptionally);
        });
        return trimmed;
    }

    /** Whether a prepare record awaits its outcome here (any thread, without a hop to the sequencer). */
    public boolean hasPrepared() {
        return state.hasPrepared();
    }

    /**
     * The transactions prepared on this partition whose outcome its log does not hold yet, with their prepare
     * records (for the resolver).
     */
    public CompletableFuture<Map<Long, PreparedTransaction>> preparedTransactions() {
        CompletableFuture<Map<Long, PreparedTransaction>> result = new CompletableFuture<>();
        sequencer.execute(() -> result.complete(state.preparedTransactions()));
        return result;
    }

    /** A transactional read's first round on this partition ({@link PartitionState#readForTransaction}). */
    public CompletableFuture<PartitionState.ReadRound> readForTransaction(List<byte[]> itemKeys) {
        CompletableFuture<PartitionState.ReadRound> result = new CompletableFuture<>();
        sequencer.execute(() -> {
            if (closed) {
                result.completeExceptionally(BasaltException.resourceNotFound("Requested resource not found"));
                return;
            }
            try {
                result.complete(state.readForTransaction(itemKeys));
            } catch (RuntimeException e) {
                LOG.error("A transactional read on partition {} failed", state.id(), e);
                result.completeExceptionally(new BasaltException(ErrorCode.INTERNAL_SERVER_ERROR,
                        "Internal server error", e));
            }
        });
        return result;
    }

    /** A transactional read's second round on this partition ({@link PartitionState#validate}). */
    public CompletableFuture<boolean[]> validate(PartitionState.ReadWatch watch) {
        CompletableFuture<boolean[]> result = new CompletableFuture<>();
        sequencer.execute(() -> result.complete(state.validate(watch)));
        return result;
    }

    /** Whether a transaction in progress holds the item (for transactional reads; any thread). */
    public boolean isHeld(byte[] itemKey) {
        return state.isHeld(itemKey);
    }

    /**
     * Stops accepting writes. The returned future completes once every write accepted before is durable, so the
     * partition's key range can then be dropped safely.
     */
    public CompletableFuture<Void> close() {
        CompletableFuture<Void> drained = new CompletableFuture<>();
        sequencer.execute(() -> {
            closed = true;
            waitUntilApplied(state.metadata().appliedIndex(), () -> drained.complete(null));
        });
        return drained;
    }

    /**
     * Runs {@code then} once the entry at {@code index} (and so every earlier one) is applied, or nothing is in
     * flight any more (a failed append is never applied). Call on the sequencer.
     */
    private void waitUntilApplied(long index, Runnable then) {
        if (appliedThrough.get() >= index || state.inFlightCount() == 0) {
            then.run();
        } else {
            CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS)
                    .execute(() -> sequencer.execute(() -> waitUntilApplied(index, then)));
        }
    }

    /** The partition's item count and size as of the last evaluated write. */
    public CompletableFuture<PartitionMetadata> metadata() {
        CompletableFuture<PartitionMetadata> result = new CompletableFuture<>();
        sequencer.execute(() -> result.complete(state.metadata()));
        return result;
    }
}
