package io.basalt.server;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.Admission;
import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.DaemonThreads;
import io.basalt.cluster.NodeConfig;
import io.basalt.cluster.node.ClusterControlPlane;
import io.basalt.cluster.node.ClusterFiguresService;
import io.basalt.cluster.node.ClusterNode;
import io.basalt.cluster.node.ClusterNodeView;
import io.basalt.cluster.node.NodeMembership;
import io.basalt.cluster.node.PlacementConfig;
import io.basalt.cluster.rpc.MembershipHandler;
import io.basalt.cluster.rpc.NettyRpcTransport;
import io.basalt.cluster.rpc.PartitionRpcServer;
import io.basalt.cluster.rpc.RpcCodec;
import io.basalt.cluster.rpc.RpcRequest;
import io.basalt.cluster.rpc.RpcResponse;
import io.basalt.cluster.rpc.RpcTransport;
import io.basalt.cluster.rpc.RpcTransportException;
import io.basalt.cluster.routing.RoutedPartitionClient;
import io.basalt.cluster.routing.Router;
import io.basalt.cluster.routing.RoutingConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A cluster node's serving side (docs/design/cluster.md §11–§13.1), over its started Raft side ({@link
 * ClusterNode}): the cluster-mode {@link BasaltNode} with the node's {@link ClusterControlPlane} (table commands on the
 * metadata leader, forwarded from any node) and its {@link ClusterNodeView} (routing state, and the serving guard
 * from the node's epochs); the DynamoDB API on {@link BasaltServer}; and the internal RPC — a {@link
 * NettyRpcTransport} on the node's persisted RPC port, on the HTTP server's event loops (no thread of its own, §12.1),
 * serving a {@link PartitionRpcServer} (partition calls, and the control plane's {@code META_COMMAND}s) — with the
 * {@link Router} that sends each partition call to the node leading its group. Close it before the Raft side.
 *
 * <p>Thread-safe once started.
 */
public final class ClusterNodeServer implements AutoCloseable {
    /** How long a node without the catalog waits for the metadata leader to give it a member (step 13). */
    static final Duration CATALOG_WAIT = Duration.ofSeconds(60);

    private final BasaltNode node;
    private final BasaltServer server;
    private final NettyRpcTransport transport;
    private final ClusterControlPlane control;
    private final ClusterNodeView view;
    private final ScheduledExecutorService routingTimer;
    private final ExecutorService pageReads;
    private final NodeMembership membership;
    private final ClusterFiguresService figures;

    private ClusterNodeServer(BasaltNode node, BasaltServer server, NettyRpcTransport transport,
            ClusterControlPlane control, ClusterNodeView view, ScheduledExecutorService routingTimer,
            ExecutorService pageReads, NodeMembership membership, ClusterFiguresService figures) {
        this.membership = membership;
        this.figures = figures;
        this.node = node;
        this.server = server;
        this.transport = transport;
        this.control = control;
        this.view = view;
        this.routingTimer = routingTimer;
        this.pageReads = pageReads;
    }

    /**
     * Starts serving: the API on {@code serverConfig}'s address, the RPC on the node's persisted RPC port.
     *
     * @throws RuntimeException when a port cannot be bound (everything started is closed again)
     */
    public static ClusterNodeServer start(ClusterNode clusterNode, NodeConfig nodeConfig, ServerConfig serverConfig,
            RoutingConfig routingConfig) {
        return start(clusterNode, nodeConfig, serverConfig, routingConfig, null);
    }

    /**
     * Starts serving as {@link #start(ClusterNode, NodeConfig, ServerConfig, RoutingConfig)} does, and takes part in
     * membership (docs/design/cluster.md §13, step 13): heartbeats, the join and member frames, and on the metadata
     * leader the reconcile loop ({@link NodeMembership}) with {@code placement}'s settings. Without a placement
     * (null) the node's groups stay as they are (in-JVM test clusters).
     */
    public static ClusterNodeServer start(ClusterNode clusterNode, NodeConfig nodeConfig, ServerConfig serverConfig,
            RoutingConfig routingConfig, PlacementConfig placement) {
        requireNonNull(clusterNode, "clusterNode is null");
        requireNonNull(routingConfig, "routingConfig is null");
        int nodeId = clusterNode.selfId();
        ScheduledExecutorService routingTimer = Executors.newSingleThreadScheduledExecutor(
                DaemonThreads.named("basalt-routing-" + nodeId + "-"));
        // Pages are read off the event loops the RPC shares with the HTTP server.
        ExecutorService pageReads = Executors.newFixedThreadPool(2,
                DaemonThreads.named("basalt-pages-" + nodeId + "-"));
        AtomicReference<NettyRpcTransport> transport = new AtomicReference<>();
        AtomicReference<PartitionRpcServer> rpcServer = new AtomicReference<>();
        // Counted apart from the HTTP server's admission (§17): a flood of internal frames cannot take its permits.
        Admission rpcAdmission = serverConfig.rpcAdmission();
        Function<InetSocketAddress, RpcTransport> peers = address -> peer(transport, address);
        ClusterNodeView view = new ClusterNodeView(clusterNode);
        ClusterControlPlane control = new ClusterControlPlane(clusterNode, peers, nodeConfig.clock(),
                routingConfig.routingDeadline());
        NodeMembership membership = placement == null ? null
                : NodeMembership.start(clusterNode, peers, placement, nodeConfig.clock());
        // Statistics, index lag and the propagation setting are the whole cluster's (cluster.md, s18).
        ClusterFiguresService figures = new ClusterFiguresService(clusterNode, peers);
        BasaltNode node = null;
        BasaltServer server = null;
        try {
            if (membership != null && !clusterNode.metadata().isOpen()) {
                awaitCatalog(clusterNode, membership, transport);
            }
            node = BasaltNode.openCluster(control, clusterNode, nodeConfig, local -> {
                rpcServer.set(new PartitionRpcServer(local, view, rpcAdmission, pageReads, control,
                        membership, figures));
                return new RoutedPartitionClient(new Router(nodeId, local, view, view, peers, routingTimer,
                        routingConfig), local);
            }, figures);
            server = BasaltServer.start(node, serverConfig);
            PartitionRpcServer served = rpcServer.get();
            transport.set(NettyRpcTransport.start(clusterNode.identity().self().rpcSocketAddress(), served::serve,
                    server.eventLoops()));
            // Serving now: a node that was down when the propagation setting changed, or joined since, learns it.
            figures.learnPropagation();
            return new ClusterNodeServer(node, server, transport.get(), control, view, routingTimer, pageReads,
                    membership, figures);
        } catch (Exception e) {
            // Not only RuntimeException: Netty throws a taken RPC port's bind failure (a checked NativeIoException)
            // without declaring it, and what started before it must close then too (cluster.md s19).
            try {
                closeParts(membership, transport.get(), server, node, control, view, figures, routingTimer,
                        pageReads);
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /**
     * A node that holds no catalog yet — a joined node, or one beyond the metadata group's voters, before the metadata
     * leader has made it a listener of the group (docs/design/cluster.md §13, step 13) — cannot serve the API, whose
     * every answer reads the catalog. Until it holds one, its RPC port serves only the membership frames (the leader's
     * GROUP_MEMBER_ADD is what gives it the catalog), answering anything else NOT_READY, and its heartbeats go out
     * through that transport.
     *
     * @throws IllegalStateException when the catalog did not come within {@link #CATALOG_WAIT}
     */
    private static void awaitCatalog(ClusterNode clusterNode, NodeMembership membership,
            AtomicReference<NettyRpcTransport> transport) {
        NettyRpcTransport membershipOnly = NettyRpcTransport.start(clusterNode.identity().self().rpcSocketAddress(),
                frame -> {
                    RpcCodec.Frame<RpcRequest> decoded = RpcCodec.decodeRequest(frame);
                    RpcRequest request = decoded.content();
                    CompletableFuture<RpcResponse> answer = MembershipHandler.serves(request)
                            ? membership.handle(request)
                            : CompletableFuture.completedFuture(new RpcResponse.NotReady());
                    return answer.exceptionally(failure -> new RpcResponse.NotReady())
                            .thenApply(response -> RpcCodec.encodeResponse(decoded.requestId(), request, response));
                }, 1);
        transport.set(membershipOnly);
        try {
            long until = System.nanoTime() + CATALOG_WAIT.toNanos();
            while (!clusterNode.metadata().isOpen()) {
                if (System.nanoTime() > until) {
                    throw new IllegalStateException("node " + clusterNode.selfId() + " got no member of the metadata "
                            + "group within " + CATALOG_WAIT.toSeconds() + " s: is the cluster's metadata leader up?");
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the catalog", e);
                }
            }
        } finally {
            transport.set(null);
            membershipOnly.close();
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

    /**
     * Stops membership, the RPC, then the API, then the node's API side; the Raft side stays open. Every part is
     * closed even when one before it throws (its threads and ports would stay otherwise); the first failure is thrown,
     * the later ones suppressed in it.
     */
    @Override
    public void close() {
        closeParts(membership, transport, server, node, control, view, figures, routingTimer, pageReads);
    }

    /**
     * Closes in order the parts that exist (null: not started; membership is null without a placement, and a failed
     * start may have got only part of the way), each even when one before it threw ({@link CloseEach}).
     */
    private static void closeParts(NodeMembership membership, NettyRpcTransport transport, BasaltServer server,
            BasaltNode node, ClusterControlPlane control, ClusterNodeView view, ClusterFiguresService figures,
            ScheduledExecutorService routingTimer, ExecutorService pageReads) {
        List<Runnable> parts = new ArrayList<>();
        if (membership != null) {
            parts.add(membership::close);
        }
        if (transport != null) {
            parts.add(transport::close);
        }
        if (server != null) {
            parts.add(server::close);
        }
        if (node != null) {
            parts.add(node::close);
        }
        parts.addAll(List.of(control::close, view::close, figures::close, routingTimer::shutdownNow,
                pageReads::shutdownNow));
        CloseEach.run(parts);
    }
}
