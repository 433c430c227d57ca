package io.basalt.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.NodeConfig;
import io.basalt.cluster.rpc.NettyRpcTransport;
import io.basalt.cluster.rpc.RpcCodec;
import io.basalt.cluster.rpc.RpcKind;
import io.basalt.cluster.rpc.RpcRequest;
import io.basalt.cluster.rpc.RpcResponse;
import io.basalt.storage.memory.InMemoryStorageEngine;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The internal RPC runs on the HTTP server's event loops (docs/design/cluster.md §12.1): it adds no thread, and
 * closing it leaves the loops, and the server on them, running.
 */
class TestRpcOnServerLoops {
    @Test
    void theTransportUsesTheServersLoopsAndLeavesThemRunning() throws Exception {
        try (BasaltNode node = BasaltNode.open(new InMemoryStorageEngine(), NodeConfig.defaults())) {
            BasaltServer server = BasaltServer.start(node, ServerConfig.of("127.0.0.1", 0));
            try {
                NettyRpcTransport rpc = NettyRpcTransport.start(new InetSocketAddress("127.0.0.1", 0), frame -> {
                    RpcCodec.Frame<RpcRequest> request = RpcCodec.decodeRequest(frame);
                    return CompletableFuture.completedFuture(RpcCodec.encodeResponse(request.requestId(),
                            request.content(), new RpcResponse.Ok(null)));
                }, server.eventLoops());
                byte[] answer;
                try {
                    answer = rpc.peer(rpc.localAddress()).call(RpcCodec.encodeRequest(9, 1_000,
                            new RpcRequest.Ping())).get(10, TimeUnit.SECONDS);
                    assertThat(Thread.getAllStackTraces().keySet()).noneMatch(thread ->
                            thread.getName().startsWith("basalt-rpc"));
                } finally {
                    rpc.close();
                }
                RpcCodec.Frame<RpcResponse> response = RpcCodec.decodeResponse(answer, new RpcRequest.Ping());
                assertThat(response.requestId()).isEqualTo(9);
                assertThat(response.content().kind()).isEqualTo(RpcKind.OK);
                assertThat(server.eventLoops().group().isShuttingDown()).isFalse();
                try (RawHttp http = new RawHttp(server.port())) {
                    http.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
                    assertThat(http.read().status()).isEqualTo(200);
                }
            } finally {
                server.close();
            }
        }
    }
}
