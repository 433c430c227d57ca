package io.basalt.server;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.Admission;
import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.ClusterPartitions;
import io.basalt.cluster.ControlPlane;
import io.basalt.cluster.NodeConfig;
import io.basalt.cluster.rpc.NettyRpcTransport;
import io.basalt.cluster.rpc.PartitionRpcServer;
import io.basalt.cluster.rpc.RpcHandler;
import io.basalt.cluster.rpc.RpcTransport;
import io.basalt.cluster.rpc.RpcTransportException;
import io.basalt.cluster.routing.ClusterView;
import io.basalt.cluster.routing.RoutedPartitionClient;
import io.basalt.cluster.routing.Router;
import io.basalt.cluster.routing.RoutingConfig;
import io.basalt.cluster.routing.ViewServingGuard;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * A cluster node's serving side (docs/design/cluster.md §12, §13.1): the cluster-mode {@link BasaltNode} over the
 * node's control plane and partitions, the DynamoDB API on {@link BasaltServer}, and the internal RPC — a {@link
 * NettyRpcTransport} on the HTTP server's event loops (no thread of its own, §12.1) serving a {@link
 * PartitionRpcServer} guarded by the node's view ({@link ViewServingGuard}), and the {@link Router} that sends each
 * partition call to the node leading its group. Start the Raft side first; close this before it.
 *
 * <p>Thread-safe once started.
 */
public final class ClusterNodeServer implements AutoCloseable {
    private final BasaltNode node;
    private final BasaltServer server;
    private final NettyRpcTransport transport;
    private final ScheduledExecutorService routingTimer;

    private ClusterNodeServer(BasaltNode node, BasaltServer server, NettyRpcTransport transport,
            ScheduledExecutorService routingTimer) {
        this.node = node;
        this.server = server;
        this.transport = transport;
        this.routingTimer = routingTimer;
    }

    /**
     * Starts serving.
     *
     * @param nodeId this node's id in {@code view}'s node addresses
     * @param rpcBind where the internal RPC listens (the node's persisted RPC port)
     * @param rpcHook wraps the partition server's handler, for frames another component answers (the control
     *     plane's {@code META_COMMAND}); {@link UnaryOperator#identity()} when none
     */
    public static ClusterNodeServer start(long nodeId, ControlPlane control, ClusterPartitions partitions,
            ClusterView view, NodeConfig nodeConfig, ServerConfig serverConfig, RoutingConfig routingConfig,
            InetSocketAddress rpcBind, UnaryOperator<RpcHandler> rpcHook) {
        requireNonNull(rpcBind, "rpcBind is null");
        requireNonNull(rpcHook, "rpcHook is null");
        ViewServingGuard guard = new ViewServingGuard(nodeId, view);
        ScheduledExecutorService routingTimer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "basalt-routing-" + nodeId);
            thread.setDaemon(true);
            return thread;
        });
        AtomicReference<NettyRpcTransport> transport = new AtomicReference<>();
        AtomicReference<PartitionRpcServer> rpcServer = new AtomicReference<>();
        BasaltNode node = null;
        BasaltServer server = null;
        try {
            node = BasaltNode.openCluster(control, partitions, nodeConfig, local -> {
                rpcServer.set(new PartitionRpcServer(local, guard, Admission.defaults()));
                Router router = new Router(nodeId, local, guard, view,
                        address -> peer(transport, address), routingTimer, routingConfig);
                return new RoutedPartitionClient(router, local);
            });
            server = BasaltServer.start(node, serverConfig);
            RpcHandler handler = rpcHook.apply(frame -> rpcServer.get().serve(frame));
            transport.set(NettyRpcTransport.start(rpcBind, handler, server.eventLoops()));
            return new ClusterNodeServer(node, server, transport.get(), routingTimer);
        } catch (RuntimeException e) {
            if (server != null) {
                server.close();
            }
            if (node != null) {
                node.close();
            }
            routingTimer.shutdownNow();
            throw e;
        }
    }

    /** A peer over the node's transport; before the transport is up (start-up), a call is refused unwritten. */
    private static RpcTransport peer(AtomicReference<NettyRpcTransport> transport, InetSocketAddress address) {
        return frame -> {
            NettyRpcTransport started = transport.get();
            return started == null ? CompletableFuture.failedFuture(new RpcTransportException(
                    RpcTransportException.Failure.NOT_WRITTEN, "the node's RPC is not started yet", null))
                    : started.peer(address).call(frame);
        };
    }

    public BasaltNode node() {
        return node;
    }

    /** The bound API port. */
    public int port() {
        return server.port();
    }

    /** The internal RPC's transport (its bound address; faults for tests). */
    public NettyRpcTransport transport() {
        return transport;
    }

    /** Stops the RPC, then the API, then the node's API side (its Raft side stays open). */
    @Override
    public void close() {
        try {
            transport.close();
        } finally {
            try {
                server.close();
            } finally {
                node.close();
                routingTimer.shutdownNow();
            }
        }
    }
}
