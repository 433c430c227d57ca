package io.basalt.cluster.rpc;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.CompletableFuture;

/**
 * A transport to a {@link PartitionRpcServer} in the same JVM: the frame's bytes are handed over as they are, so
 * every call is encoded by the sender and decoded by the server, and every answer encoded by the server and
 * decoded by the sender, exactly as over a network, without one. Serving runs on the calling thread until the
 * partition hands the work to its sequencer, as an in-process call does.
 */
public final class InJvmRpcTransport implements RpcTransport {
    private final PartitionRpcServer server;

    public InJvmRpcTransport(PartitionRpcServer server) {
        this.server = requireNonNull(server, "server is null");
    }

    @Override
    public CompletableFuture<byte[]> call(byte[] requestFrame) {
        // The server keeps no reference to the sender's array; a copy would only hide a codec that did.
        return server.serve(requestFrame);
    }
}
