package io.basalt.cluster.rpc;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.PartitionClient;
import io.basalt.partition.EvaluatedWrite;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * Serves a {@code BATCH_READ} or {@code BATCH_WRITE} frame part by part (docs/design/cluster.md §12.4): a key group
 * or a write whose partition this node does not serve now gets the guard's routing answer (NOT_LEADER,
 * WRONG_PARTITION, NOT_READY) in its place, and the other parts are served. So when one partition of a node's share
 * has moved or lost its leader, the sender routes again only that partition's parts, not the whole frame.
 *
 * <p>A write that fails with a routing answer after it was handed to its partition (a leader deposed mid-write:
 * NOT_APPLIED, NOT_LEADER, NOT_READY) also answers with it, for the sender's Router to retry; an AMBIGUOUS one stays
 * a ServiceUnavailable refusal, reported unprocessed, as before (a BatchWriteItem's puts and deletes carry no
 * condition, so the client's resending it is harmless). Thread-safe (stateless).
 */
final class BatchServing {
    private final PartitionClient local;
    private final ServingGuard guard;
    private final Function<Throwable, Object> refusal;

    /** @param refusal what the sender is told of a failure that is not a routing answer (the server's rule) */
    BatchServing(PartitionClient local, ServingGuard guard, Function<Throwable, Object> refusal) {
        this.local = requireNonNull(local, "local is null");
        this.guard = requireNonNull(guard, "guard is null");
        this.refusal = requireNonNull(refusal, "refusal is null");
    }

    /**
     * Per key group, its items (a list) or the routing answer ({@link RpcResponse}) for its partition; the served
     * groups are read through {@code getBatchAsync}, so a strong read's barrier never waits on the event loop.
     */
    CompletableFuture<List<Object>> read(RpcRequest.BatchRead batch) {
        return guard.readServed(local, batch.groups());
    }

    /**
     * Per write, its {@link EvaluatedWrite}, its refusal ({@code BasaltException}) or its routing answer
     * ({@link RpcResponse}); one refused write does not fail the others (§12.3).
     */
    CompletableFuture<Object> write(RpcRequest.BatchWrite batch) {
        List<CompletableFuture<Object>> writes = new ArrayList<>(batch.writes().size());
        for (RpcRequest.Write write : batch.writes()) {
            RpcResponse elsewhere = guard.refusal(write.partition(), true);
            if (elsewhere != null) {
                writes.add(CompletableFuture.completedFuture(elsewhere));
                continue;
            }
            CompletableFuture<EvaluatedWrite> written;
            try {
                written = local.write(write.partition(), write.itemKey(), write.operation());
            } catch (RuntimeException e) {
                written = CompletableFuture.failedFuture(e);
            }
            writes.add(written.handle((value, failure) -> failure == null ? value : outcome(failure)));
        }
        return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
                .thenApply(ignored -> writes.stream().map(CompletableFuture::join).toList());
    }

    private Object outcome(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                : failure;
        if (cause instanceof RpcRefusedException refused && !(refused.response() instanceof RpcResponse.Ambiguous)) {
            return refused.response();
        }
        return refusal.apply(failure);
    }
}
