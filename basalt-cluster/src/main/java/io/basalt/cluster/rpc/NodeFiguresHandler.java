package io.basalt.cluster.rpc;

import java.util.concurrent.CompletableFuture;

/**
 * Serves {@code NODE_FIGURES} frames on a cluster node (docs/design/cluster.md, "s18 statistics and index
 * settings"): statistics records read from the node's replicas, the lag of the propagators it leads, and the
 * global index propagation setting another node broadcasts or asks for (s19). Work that waits (a replica's read
 * barrier) runs off the network thread.
 */
@FunctionalInterface
public interface NodeFiguresHandler {
    /**
     * @param request a {@link RpcRequest.StatisticsRead}, {@link RpcRequest.IndexLagRead}, {@link
     *     RpcRequest.PropagationSet} or {@link RpcRequest.PropagationRead}
     * @return an OK answer ({@link FiguresCodec}'s values), or ERROR
     */
    CompletableFuture<RpcResponse> handle(RpcRequest request);

    /** Whether {@code request} is one of the frames a {@link NodeFiguresHandler} serves. */
    static boolean serves(RpcRequest request) {
        return FiguresCodec.isFigures(request);
    }
}
