package io.basalt.cluster.rpc;

import java.util.concurrent.CompletableFuture;

/**
 * Carries request frames to one peer and brings back its response frames (docs/design/cluster.md §12.1). The Netty
 * implementation between nodes comes with cluster mode (step 12); {@link InJvmRpcTransport} serves tests and the
 * loopback mode.
 */
public interface RpcTransport {
    /** Sends one encoded request frame; completes with the encoded response frame that answers it. */
    CompletableFuture<byte[]> call(byte[] requestFrame);
}
