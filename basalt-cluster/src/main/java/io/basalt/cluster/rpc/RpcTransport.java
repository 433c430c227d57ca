package io.basalt.cluster.rpc;

import java.util.concurrent.CompletableFuture;

/**
 * Carries request frames to one peer and brings back its response frames (docs/design/cluster.md §12.1):
 * {@link NettyRpcTransport#peer} between nodes, {@link InJvmRpcTransport} for tests and the loopback mode. A frame
 * that gets no answer fails with an {@link RpcTransportException} saying whether it was written.
 */
public interface RpcTransport {
    /** Sends one encoded request frame; completes with the encoded response frame that answers it. */
    CompletableFuture<byte[]> call(byte[] requestFrame);
}
