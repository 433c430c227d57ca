package io.basalt.replication;

import static java.util.Objects.requireNonNull;

import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.model.KeySchema;
import io.basalt.partition.EvaluatedWrite;
import io.basalt.partition.ItemOperation;
import io.basalt.partition.LogEntry;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionIndexes;
import io.basalt.partition.PartitionMetadata;
import io.basalt.partition.PartitionState;
import io.basalt.storage.StorageEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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

    /**
     * @param clock stamps change records (milliseconds)
     * @param appliedListener told the log index of every entry once it is applied (in order; on whichever thread
     *     completed it: keep it short)
     */
    public PartitionLeader(PartitionId id, StorageEngine storage, KeySchema tableSchema, LongSupplier clock,
            Replicator replicator, Executor pool, LongConsumer appliedListener) {
        this.state = new PartitionState(requireNonNull(id, "id is null"), storage, tableSchema, clock);
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
        sequencer.execute(() -> {
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
     * Evaluates {@code operation} against the item stored under {@code itemKey} and makes the result durable.
     * The future fails with a {@link BasaltException} when the operation is rejected (e.g. its condition does
     * not hold) or the partition is closed.
     */
    public CompletableFuture<EvaluatedWrite> write(byte[] itemKey, ItemOperation operation) {
        CompletableFuture<EvaluatedWrite> result = new CompletableFuture<>();
        sequencer.execute(() -> evaluateAndAppend(itemKey, operation, result));
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
            result.completeExceptionally(e);
            return;
        } catch (RuntimeException e) {
            LOG.error("Evaluating a write on partition {} failed", state.id(), e);
            result.completeExceptionally(new BasaltException(ErrorCode.INTERNAL_SERVER_ERROR,
                    "Internal server error", e));
            return;
        }
        long index = evaluated.entry().index();
        replicator.append(evaluated.entry()).whenComplete((ignored, failure) -> {
            sequencer.execute(() -> state.applied(itemKey, index));
            if (failure == null) {
                appliedThrough.accumulateAndGet(index, Math::max);
                appliedListener.accept(index);
                result.complete(evaluated);
            } else {
                result.completeExceptionally(failure);
            }
        });
    }

    /**
     * A transaction's first phase on this partition: evaluates each operation against its item's latest image and
     * holds the items for {@code transaction}. Every operation is evaluated, failed or not. When all of them are
     * prepared, the prepare is logged, and the future completes once that entry is durable: from then on the holds
     * outlive a restart (or a change of leader) until the decision is known.
     *
     * @return per operation, in order, its {@link PartitionState.Staged} write or the {@link BasaltException} that
     *     refused it (a failed condition, a conflict with another transaction, an invalid result); items of
     *     refused operations are not held
     */
    public CompletableFuture<List<Object>> prepare(long transaction, long timestamp, List<byte[]> itemKeys,
            List<ItemOperation> operations) {
        CompletableFuture<List<Object>> result = new CompletableFuture<>();
        sequencer.execute(() -> {
            if (closed) {
                result.completeExceptionally(BasaltException.resourceNotFound("Requested resource not found"));
                return;
            }
            List<Object> outcomes = new ArrayList<>(operations.size());
            boolean all = true;
            for (int i = 0; i < operations.size(); i++) {
                try {
                    outcomes.add(state.prepare(transaction, timestamp, itemKeys.get(i), operations.get(i)));
                } catch (BasaltException e) {
                    outcomes.add(e);
                    all = false;
                } catch (RuntimeException e) {
                    LOG.error("Preparing a transaction on partition {} failed", state.id(), e);
                    outcomes.add(new BasaltException(ErrorCode.INTERNAL_SERVER_ERROR, "Internal server error", e));
                    all = false;
                }
            }
            if (!all || state.isLogged(transaction)) {
                // A refused action cancels the transaction: nothing to keep across a restart.
                result.complete(outcomes);
                return;
            }
            append(state.logPrepare(transaction, timestamp, itemKeys)).whenComplete((ignored, failure) -> {
                if (failure == null) {
                    result.complete(outcomes);
                } else {
                    sequencer.execute(() -> state.release(transaction, itemKeys));
                    result.completeExceptionally(failure);
                }
            });
        });
        return result;
    }

    /** Appends an entry that changes no item, and records it as applied once it is. */
    private CompletableFuture<Void> append(LogEntry entry) {
        return replicator.append(entry).whenComplete((ignored, failure) -> {
            if (failure == null) {
                appliedThrough.accumulateAndGet(entry.index(), Math::max);
                appliedListener.accept(entry.index());
            }
        });
    }

    /**
     * A transaction's second phase on this partition: makes its prepared writes durable, and removes its prepare
     * record, as one log entry, then lets go of its items.
     *
     * @return the evaluated writes (none for condition checks), in order
     */
    public CompletableFuture<List<EvaluatedWrite>> commit(long transaction, long timestamp,
            List<PartitionState.Staged> prepared) {
        CompletableFuture<List<EvaluatedWrite>> result = new CompletableFuture<>();
        List<byte[]> itemKeys = prepared.stream().map(PartitionState.Staged::itemKey).toList();
        sequencer.execute(() -> {
            PartitionState.Committed committed;
            try {
                committed = state.commit(transaction, timestamp, prepared);
            } catch (RuntimeException e) {
                // Prepared writes were checked; a failure here is a defect, and the transaction stays in the
                // ledger, so a restart applies it.
                LOG.error("Committing a transaction on partition {} failed", state.id(), e);
                result.completeExceptionally(e);
                return;
            }
            List<EvaluatedWrite> writes = committed.writes();
            if (writes.isEmpty()) {
                state.release(transaction, itemKeys);
                if (committed.entry() == null) {
                    result.complete(writes);
                } else {
                    append(committed.entry()).whenComplete((ignored, failure) -> {
                        if (failure == null) {
                            result.complete(writes);
                        } else {
                            result.completeExceptionally(failure);
                        }
                    });
                }
                return;
            }
            long index = committed.entry().index();
            replicator.append(committed.entry()).whenComplete((ignored, failure) -> {
                sequencer.execute(() -> {
                    for (byte[] itemKey : itemKeys) {
                        state.applied(itemKey, index);
                    }
                    state.release(transaction, itemKeys);
                });
                if (failure == null) {
                    appliedThrough.accumulateAndGet(index, Math::max);
                    appliedListener.accept(index);
                    result.complete(writes);
                } else {
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
        sequencer.execute(() -> {
            LogEntry entry = state.release(transaction, itemKeys);
            if (entry == null) {
                released.complete(null);
            } else {
                append(entry).whenComplete((ignored, failure) -> {
                    if (failure == null) {
                        released.complete(null);
                    } else {
                        released.completeExceptionally(failure);
                    }
                });
            }
        });
        return released;
    }

    /** The transactions prepared on this partition whose outcome its log does not hold yet (for recovery). */
    public CompletableFuture<Set<Long>> preparedTransactions() {
        CompletableFuture<Set<Long>> result = new CompletableFuture<>();
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
