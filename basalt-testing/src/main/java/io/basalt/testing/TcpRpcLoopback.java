package io.basalt.testing;

import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.PartitionClient;
import io.basalt.cluster.PartitionRouting;
import io.basalt.cluster.routing.ClusterState;
import io.basalt.cluster.routing.ClusterView;
import io.basalt.cluster.routing.ReplicationGroup;
import io.basalt.cluster.routing.RoutedPartitionClient;
import io.basalt.cluster.routing.Router;
import io.basalt.cluster.routing.RoutingConfig;
import io.basalt.cluster.rpc.NettyRpcTransport;
import io.basalt.cluster.rpc.PartitionRpcServer;
import io.basalt.cluster.Admission;
import io.basalt.cluster.rpc.ServingGuard;
import io.basalt.partition.PartitionMap;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The TCP RPC test mode ({@code -Dbasalt.tcpRpc=true}, docs/design/cluster.md §20 step 12): the node's every
 * partition call goes through a {@link Router} that believes another node (id 2) leads every group, over a real
 * {@link NettyRpcTransport} to a {@link PartitionRpcServer} on 127.0.0.1 that serves the node's own partitions.
 * So each call is routed, fanned out, encoded, framed, sent over TCP, served, and answered the same way back,
 * which the compatibility suite then checks against everything it asserts. (The serving side is the same process:
 * a second node with the same catalog needs the metadata group, the other half of step 12.)
 */
final class TcpRpcLoopback implements PartitionRouting, AutoCloseable {
    private static final long CALLER = 1;
    private static final long SERVER = 2;

    private final AtomicReference<PartitionRpcServer> rpcServer = new AtomicReference<>();
    private final AtomicLong framesServed = new AtomicLong();
    private final NettyRpcTransport server;
    private final NettyRpcTransport client;
    /** Where the serving side reads Query and Scan pages, off its event loop (as a cluster node would). */
    private final ExecutorService pageReads;
    private volatile BasaltNode node;
    private volatile ClusterState last;

    TcpRpcLoopback() {
        this.server = NettyRpcTransport.start(new InetSocketAddress("127.0.0.1", 0),
                frame -> {
                    framesServed.incrementAndGet();
                    return rpcServer.get().serve(frame);
                }, 1);
        this.client = NettyRpcTransport.client(1);
        AtomicInteger threads = new AtomicInteger();
        this.pageReads = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "basalt-rpc-page-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public PartitionClient client(PartitionClient local) {
        rpcServer.set(new PartitionRpcServer(local, ServingGuard.SERVE_ALL, Admission.defaults(), pageReads));
        Router router = new Router(CALLER, local, ServingGuard.SERVE_ALL, new LoopbackView(), client::peer,
                client.timer(), RoutingConfig.defaults());
        return new RoutedPartitionClient(router, local);
    }

    /** How many request frames the serving side received over TCP. */
    long framesServed() {
        return framesServed.get();
    }

    /** The node whose partition map the view follows; set once it is open. */
    void attach(BasaltNode opened) {
        this.node = opened;
    }

    @Override
    public void close() {
        client.close();
        server.close();
        pageReads.shutdown();
    }

    /** Every group of the node's map is led by the serving side, so every call crosses the socket. */
    private final class LoopbackView implements ClusterView {
        @Override
        public ClusterState current() {
            PartitionMap map = node == null ? PartitionMap.empty() : node.partitionMap();
            ClusterState state = last;
            if (state == null || state.partitions() != map) {
                // One local group (id 1) holds every partition on a single node (cluster.md §3).
                state = new ClusterState(state == null ? 1 : state.version() + 1, map,
                        Map.of(1L, new ReplicationGroup(1, List.of(SERVER), SERVER)),
                        Map.of(SERVER, server.localAddress()));
                last = state;
            }
            return state;
        }

        @Override
        public ClusterState refresh(long atLeastVersion) {
            return current();
        }
    }
}
