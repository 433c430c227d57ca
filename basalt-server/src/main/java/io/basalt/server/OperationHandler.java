package io.basalt.server;

import io.basalt.server.json.JsonObject;
import java.util.concurrent.CompletableFuture;

/**
 * One DynamoDB operation: called with the parsed body, it validates, does the work and returns the response, or
 * fails with a {@link io.basalt.model.BasaltException}.
 *
 * <p>Threads: a handler that never waits (it computes, reads storage, and hands writes to a partition, whose
 * future it returns) says so with {@link #runsOnNetworkThread()} and is called on the connection's network
 * thread, which saves two thread hand-offs per request. Any other handler is called on a request worker. A
 * cluster node's network threads also carry the internal RPC's answers (docs/design/cluster.md §12.1), so there a
 * handler must not wait for a routed call either: {@link #runsOnClusterNetworkThread()}.
 */
@FunctionalInterface
public interface OperationHandler {
    CompletableFuture<ResponseBody> handle(RequestContext context, JsonObject request);

    /**
     * Whether the handler may run on a network thread: true only when it never blocks (no locks held for long,
     * no joins, no I/O but storage reads).
     */
    default boolean runsOnNetworkThread() {
        return false;
    }

    /**
     * Whether the handler may run on a cluster node's network thread: as {@link #runsOnNetworkThread()}, and it never
     * waits for a call routed to a partition (it returns the routed call's future), since that call's answer may
     * arrive on the very thread that would wait for it.
     */
    default boolean runsOnClusterNetworkThread() {
        return false;
    }
}
