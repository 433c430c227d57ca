package io.basalt.cluster.routing;

import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.BillingMode;
import io.basalt.cluster.NodeConfig;
import io.basalt.cluster.PartitionClient;
import io.basalt.cluster.ProvisionedThroughput;
import io.basalt.cluster.TableDefinition;
import io.basalt.cluster.TableMetadata;
import io.basalt.cluster.rpc.NettyRpcTransport;
import io.basalt.cluster.rpc.PartitionRpcServer;
import io.basalt.cluster.Admission;
import io.basalt.cluster.rpc.RpcResponse;
import io.basalt.cluster.rpc.ServingGuard;
import io.basalt.model.AttributeType;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionMap;
import io.basalt.storage.memory.InMemoryStorageEngine;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * Several in-JVM nodes, each a real {@link BasaltNode} with a {@link PartitionRpcServer} on a real
 * {@link NettyRpcTransport} (127.0.0.1, port 0), routed by a {@link Router} over a {@link ClusterView} the test
 * controls: the {@link #truth} every node's RPC server judges by, and per node a cached copy that its Router reads
 * and refreshes from the truth on WRONG_PARTITION, so a test can leave a node's map or hints stale. Every node
 * creates the same table, so partition ids agree; each partition gets a replication group of its own.
 */
final class RoutingCluster implements AutoCloseable {
    static final KeySchema SCHEMA = KeySchema.of(new KeyAttribute("pk", AttributeType.S));
    static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 0);

    final AtomicReference<ClusterState> truth = new AtomicReference<>();
    final List<Node> nodes = new ArrayList<>();
    /** Extra answers the test makes a node's server give (partition id → answer), before its guard. */
    final Map<Long, Map<PartitionId, RpcResponse>> forcedAnswers = new ConcurrentHashMap<>();
    TableMetadata table;

    /** One node: its id, transport, node, own partition client and counters of what its guard refused. */
    static final class Node {
        final long id;
        final CachedView view;
        final AtomicReference<PartitionRpcServer> server = new AtomicReference<>();
        final NettyRpcTransport transport;
        final AtomicInteger refusals = new AtomicInteger();
        /** While set, frames this node receives are held unanswered (counted in {@link #held}). */
        volatile boolean holding;
        final AtomicInteger held = new AtomicInteger();
        final AtomicInteger served = new AtomicInteger();
        /** Request frames this node's server received. */
        final AtomicInteger frames = new AtomicInteger();
        BasaltNode node;
        PartitionClient local;
        /** The node's client as its BasaltNode uses it: every call through its Router. */
        PartitionClient routed;
        Router router;

        Node(long id, CachedView view) {
            this.id = id;
            this.view = view;
            this.transport = NettyRpcTransport.start(ANY, frame -> {
                frames.incrementAndGet();
                if (holding) {
                    held.incrementAndGet();
                    return new CompletableFuture<>();
                }
                return server.get().serve(frame);
            }, 1);
        }
    }

    /** A node's copy of the map: stale until refreshed. */
    static final class CachedView implements ClusterView {
        private final AtomicReference<ClusterState> truth;
        private volatile ClusterState cached;

        CachedView(AtomicReference<ClusterState> truth) {
            this.truth = truth;
        }

        @Override
        public ClusterState current() {
            return cached != null ? cached : truth.get();
        }

        @Override
        public ClusterState refresh(long atLeastVersion) {
            cached = truth.get();
            return cached;
        }

        void set(ClusterState state) {
            cached = state;
        }
    }

    /** Eventual reads go to leaders: these nodes do not replicate, so another member holds nothing. */
    RoutingCluster(int nodeCount, int partitions, Duration routingDeadline) {
        this(nodeCount, partitions, routingDeadline, false);
    }

    /**
     * @param eventualReadsFromReplicas whether an eventual read is served by the entry node's own member; since
     *     these nodes do not replicate, a member that does not lead reads nothing — a replica lagging without end
     */
    RoutingCluster(int nodeCount, int partitions, Duration routingDeadline, boolean eventualReadsFromReplicas) {
        Map<Long, InetSocketAddress> addresses = new LinkedHashMap<>();
        for (long id = 1; id <= nodeCount; id++) {
            Node node = new Node(id, new CachedView(truth));
            nodes.add(node);
            addresses.put(id, node.transport.localAddress());
        }
        RoutingConfig config = RoutingConfig.defaults().withRoutingDeadline(routingDeadline)
                .withEventualReadsFromReplicas(eventualReadsFromReplicas);
        NodeConfig nodeConfig = NodeConfig.defaults().withSyncWrites(false);
        nodeConfig = new NodeConfig(nodeConfig.region(), nodeConfig.accountId(), partitions,
                nodeConfig.tableCreationDelay(), nodeConfig.tableUpdateDelay(), false, nodeConfig.clock(),
                nodeConfig.globalIndexPropagation(), false, nodeConfig.transactionResolveAfter());
        for (Node node : nodes) {
            ServingGuard guard = guard(node);
            node.node = BasaltNode.open(new InMemoryStorageEngine(), nodeConfig, local -> {
                node.local = local;
                node.router = new Router(node.id, local, guard, node.view, node.transport::peer,
                        node.transport.timer(), config);
                node.routed = new RoutedPartitionClient(node.router, local);
                return node.routed;
            });
            node.server.set(new PartitionRpcServer(node.local, guard, Admission.defaults()));
        }
        for (Node node : nodes) {
            node.node.createTable(new TableDefinition("T", SCHEMA, List.of(SCHEMA.partitionKey()),
                    BillingMode.PAY_PER_REQUEST, ProvisionedThroughput.NONE, false, null, Map.of(), List.of()));
        }
        table = nodes.get(0).node.tableForItems("T");
        for (Node node : nodes) {
            if (!node.node.tableForItems("T").partitions().equals(table.partitions())) {
                throw new IllegalStateException("nodes disagree on the table's partitions");
            }
        }
        // Partition i is in group 100 + i, replicated on every node, led by node (i mod n) + 1.
        List<PartitionDescriptor> descriptors = new ArrayList<>();
        Map<Long, ReplicationGroup> groups = new HashMap<>();
        List<Long> members = new ArrayList<>(addresses.keySet());
        for (int i = 0; i < table.partitions().size(); i++) {
            PartitionDescriptor descriptor = table.partitions().get(i);
            descriptors.add(inGroup(descriptor, 100 + i));
            groups.put(100L + i, new ReplicationGroup(100 + i, members, members.get(i % members.size())));
        }
        truth.set(new ClusterState(1, PartitionMap.of(descriptors), groups, addresses));
    }

    static PartitionDescriptor inGroup(PartitionDescriptor descriptor, long group) {
        return new PartitionDescriptor(descriptor.id(), descriptor.tableId(), descriptor.indexId(),
                descriptor.hashFirst(), descriptor.hashLast(), group, descriptor.parent(), descriptor.phase());
    }

    /** The serving side: forced answers first, then the truth, counting refusals. */
    private ServingGuard guard(Node node) {
        ViewServingGuard byTruth = new ViewServingGuard(node.id, new ClusterView() {
            @Override
            public ClusterState current() {
                return truth.get();
            }

            @Override
            public ClusterState refresh(long atLeastVersion) {
                return truth.get();
            }
        });
        return (partition, write) -> {
            RpcResponse forced = forcedAnswers.getOrDefault(node.id, Map.of()).get(partition);
            RpcResponse refusal = forced != null ? forced : byTruth.refusal(partition, write);
            if (refusal != null) {
                node.refusals.incrementAndGet();
            } else {
                node.served.incrementAndGet();
            }
            return refusal;
        };
    }

    Node node(long id) {
        return nodes.get((int) id - 1);
    }

    /** The partition holding {@code key}'s item, and the item's storage key. */
    PartitionId partitionOf(PrimaryKey key) {
        return truth.get().partitions().locate(table.id(), KeyLayout.BASE_TABLE_INDEX,
                KeyLayout.hashOfItemKey(itemKey(key))).id();
    }

    byte[] itemKey(PrimaryKey key) {
        return KeyLayout.itemKey(table.id(), KeyLayout.BASE_TABLE_INDEX, table.keySchema(), key);
    }

    long groupOf(PartitionId partition) {
        return truth.get().tryGetPartition(partition).orElseThrow().groupId();
    }

    /** Publishes a new truth: {@code change} applied to the current one, its version one higher. */
    ClusterState change(UnaryOperator<ClusterState> change) {
        ClusterState next = change.apply(truth.get());
        ClusterState versioned = new ClusterState(truth.get().version() + 1, next.partitions(), next.groups(),
                next.nodes());
        truth.set(versioned);
        return versioned;
    }

    /** The truth with {@code group} led by {@code leader} (and, if given, made of {@code members}). */
    static ClusterState withGroup(ClusterState state, long group, List<Long> members, long leader) {
        Map<Long, ReplicationGroup> groups = new HashMap<>(state.groups());
        groups.put(group, new ReplicationGroup(group, members, leader));
        return new ClusterState(state.version(), state.partitions(), groups, state.nodes());
    }

    /** Freezes every node's cached map at the current truth (later changes leave them stale). */
    void freezeViews() {
        nodes.forEach(node -> node.view.set(truth.get()));
    }

    /** Stops a node's RPC server and connections: other nodes' requests to it are refused from now on. */
    void kill(long id) {
        node(id).transport.close();
    }

    @Override
    public void close() {
        for (Node node : nodes) {
            node.transport.close();
            if (node.node != null) {
                node.node.close();
            }
        }
    }
}
