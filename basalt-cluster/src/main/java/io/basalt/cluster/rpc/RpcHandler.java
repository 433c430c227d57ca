package io.basalt.cluster.rpc;

import java.util.concurrent.CompletableFuture;

/**
 * What a node does with a request frame it receives ({@link PartitionRpcServer#serve}): completes with the response
 * frame. Called on a network event loop, so it must not block beyond a storage read.
 */
@FunctionalInterface
public interface RpcHandler {
    /**
     * @throws IllegalStateException when the frame cannot be decoded; the transport then closes the connection,
     *     whose framing it can no longer trust
     */
    CompletableFuture<byte[]> serve(byte[] requestFrame);
}
