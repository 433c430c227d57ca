package io.basalt.cluster.rpc;

import io.basalt.cluster.MetaCommand;
import java.util.concurrent.CompletableFuture;

/**
 * Serves {@code META_COMMAND} frames on a cluster node (docs/design/cluster.md §11): evaluates the command when the
 * node leads the metadata group, off the network thread; otherwise answers NOT_LEADER with the leader it knows.
 */
@FunctionalInterface
public interface MetaCommandHandler {
    /**
     * @return an OK answer holding a {@link MetaCommandAnswer}, an ERROR answer with the command's refusal, or a
     *     routing answer (NOT_LEADER, NOT_READY, AMBIGUOUS) for the sender to act on
     */
    CompletableFuture<RpcResponse> handle(MetaCommand command);
}
