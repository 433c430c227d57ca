package io.basalt.replication;

import static java.util.Objects.requireNonNull;

import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.partition.EvaluatedWrite;
import io.basalt.partition.ItemOperation;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionMetadata;
import io.basalt.partition.PartitionState;
import io.basalt.storage.StorageEngine;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
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
    private volatile boolean closed;

    public PartitionLeader(PartitionId id, StorageEngine storage, Replicator replicator, Executor pool) {
        this.state = new PartitionState(requireNonNull(id, "id is null"), storage);
        this.replicator = requireNonNull(replicator, "replicator is null");
        this.sequencer = new SerialExecutor(pool);
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
                result.complete(evaluated);
            } else {
                result.completeExceptionally(failure);
            }
        });
    }

    /**
     * Stops accepting writes. The returned future completes once every write accepted before is durable, so the
     * partition's key range can then be dropped safely.
     */
    public CompletableFuture<Void> close() {
        CompletableFuture<Void> drained = new CompletableFuture<>();
        sequencer.execute(() -> {
            closed = true;
            waitUntilApplied(drained);
        });
        return drained;
    }

    private void waitUntilApplied(CompletableFuture<Void> drained) {
        if (state.inFlightCount() == 0) {
            drained.complete(null);
        } else {
            CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS)
                    .execute(() -> sequencer.execute(() -> waitUntilApplied(drained)));
        }
    }

    /** The partition's item count and size as of the last evaluated write. */
    public CompletableFuture<PartitionMetadata> metadata() {
        CompletableFuture<PartitionMetadata> result = new CompletableFuture<>();
        sequencer.execute(() -> result.complete(state.metadata()));
        return result;
    }
}
