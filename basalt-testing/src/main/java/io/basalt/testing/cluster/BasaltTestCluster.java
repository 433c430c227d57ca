package io.basalt.testing.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.NodeConfig;
import io.basalt.cluster.node.ClusterDirectory;
import io.basalt.cluster.node.ClusterNode;
import io.basalt.cluster.node.NodeAddress;
import io.basalt.cluster.node.NodeIdentity;
import io.basalt.cluster.node.PlacementConfig;
import io.basalt.cluster.routing.RoutingConfig;
import io.basalt.replication.raft.GroupStorageFactory;
import io.basalt.replication.raft.RaftConfig;
import io.basalt.server.ClusterNodeServer;
import io.basalt.server.ServerConfig;
import io.basalt.storage.rocksdb.RocksDbResources;
import io.basalt.testing.raft.RaftGroupHarness;
import io.basalt.testing.raft.TakenPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * N cluster nodes in one JVM (docs/design/cluster.md §13.1): a cluster directory made by {@link ClusterDirectory}
 * (free ports on 127.0.0.1), each node a {@link ClusterNode} started from its {@code node.json} with its members on
 * RocksDB and small shared budgets (16 MB of cache, 8 MB of memtables per node), Raft timers for tests (elections in
 * 0.5–1 s). Nodes can be stopped (their directories stay) and started again from their directories. {@link #serve}
 * makes every running node serve the DynamoDB API and the internal RPC ({@link ClusterNodeServer}), as {@code
 * basalt serve} does on a node directory; a node started again serves again. Close it: Ratis leaves non-daemon threads
 * behind.
 */
public final class BasaltTestCluster implements AutoCloseable {
    /** How many new directories a new cluster tries before a taken port fails its start. */
    static final int FRESH_ATTEMPTS = 3;
    /** How long a node started from its directory waits for its own ports (as RaftGroupHarness does). */
    private static final Duration PORT_WAIT = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(BasaltTestCluster.class);

    private final Path directory;
    private final RaftConfig config;
    private final List<ClusterNode> nodes = new ArrayList<>();
    private final List<RocksDbResources> resources = new ArrayList<>();
    private final List<ClusterNodeServer> servers = new ArrayList<>();
    private volatile NodeConfig serving;
    private volatile RoutingConfig routing = RoutingConfig.defaults();
    private volatile ServerConfig serverConfig = ServerConfig.of("127.0.0.1", 0);
    /** Null: the nodes take no part in membership (their groups stay as placed). */
    private volatile PlacementConfig placement;

    private BasaltTestCluster(Path directory, RaftConfig config) {
        this.directory = requireNonNull(directory, "directory is null");
        this.config = requireNonNull(config, "config is null");
    }

    /**
     * Creates {@code nodes} nodes with {@code groupsPerNode} data-group members each under {@code directory}, or
     * restarts the cluster a previous one left there.
     */
    public static BasaltTestCluster start(Path directory, int nodes, int groupsPerNode) throws IOException {
        return start(directory, nodes, groupsPerNode, identities -> { });
    }

    /**
     * {@link #start(Path, int, int)}, telling {@code created} the identities of each cluster directory it writes
     * (the tests hold one of their ports to make a start meet a taken port).
     *
     * <p>The ports of a new directory are chosen free and released before the nodes bind them (the peers must know
     * them first), so another process — another test, an outgoing connection — may hold one in between. A new
     * cluster whose Raft port turns out taken, or whose RPC port is taken once its nodes run, is created again on
     * fresh ports (nothing is in it yet; up to {@link #FRESH_ATTEMPTS} directories, each retry logged). A cluster
     * restarted from its directory keeps its ports: its peers know them.
     */
    static BasaltTestCluster start(Path directory, int nodes, int groupsPerNode,
            Consumer<List<NodeIdentity>> created) throws IOException {
        requireNonNull(created, "created is null");
        if (Files.exists(ClusterDirectory.nodeDirectory(directory, 1).resolve(NodeIdentity.FILE_NAME))) {
            return startNodes(directory, nodes, PORT_WAIT);
        }
        for (int attempt = 1; ; attempt++) {
            List<NodeIdentity> identities = ClusterDirectory.create(directory, "127.0.0.1", nodes, 0, groupsPerNode,
                    RaftGroupHarness.testConfig().transport());
            created.accept(identities);
            try {
                BasaltTestCluster cluster = startNodes(directory, nodes, Duration.ZERO);
                Optional<NodeAddress> rpcTaken = identities.get(0).initialNodes().stream()
                        .filter(address -> !TakenPorts.isFree(address.rpcPort())).findFirst();
                if (rpcTaken.isEmpty()) {
                    return cluster;
                }
                cluster.close();
                if (attempt == FRESH_ATTEMPTS) {
                    throw new IOException("the RPC port " + rpcTaken.get().rpcAddress() + " of node "
                            + rpcTaken.get().nodeId() + " is taken, and so was a port of " + (attempt - 1)
                            + " directories before; giving up");
                }
                LOG.warn("A new test cluster's RPC port {} of node {} is taken; creating it again on fresh ports "
                        + "(attempt {} of {})", rpcTaken.get().rpcAddress(), rpcTaken.get().nodeId(), attempt + 1,
                        FRESH_ATTEMPTS);
            } catch (IOException | RuntimeException e) {
                if (!TakenPorts.isBindFailure(e) || attempt == FRESH_ATTEMPTS) {
                    throw e;
                }
                LOG.warn("A new test cluster's node met a taken port ({}); creating it again on fresh ports "
                        + "(attempt {} of {})", e.getMessage(), attempt + 1, FRESH_ATTEMPTS);
            }
            deleteNodeDirectories(directory, nodes);
        }
    }

    /** Starts every node of the cluster directory, each waiting up to {@code portWait} while its port is taken. */
    private static BasaltTestCluster startNodes(Path directory, int nodes, Duration portWait) throws IOException {
        BasaltTestCluster cluster = new BasaltTestCluster(directory, RaftGroupHarness.testConfig());
        try {
            for (int node = 1; node <= nodes; node++) {
                cluster.nodes.add(null);
                cluster.resources.add(null);
                cluster.servers.add(null);
            }
            // Each start adds its members; a group elects once a majority of its members exist.
            for (int node = 1; node <= nodes; node++) {
                cluster.restart(node, portWait);
            }
        } catch (IOException | RuntimeException e) {
            try {
                cluster.close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        return cluster;
    }

    private static void deleteNodeDirectories(Path directory, int nodes) throws IOException {
        for (int node = 1; node <= nodes; node++) {
            Path nodeDirectory = ClusterDirectory.nodeDirectory(directory, node);
            if (!Files.exists(nodeDirectory)) {
                continue;
            }
            try (Stream<Path> paths = Files.walk(nodeDirectory)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    public int size() {
        return nodes.size();
    }

    /** The running node {@code nodeId} (1-based). */
    public ClusterNode node(int nodeId) {
        ClusterNode node = nodes.get(nodeId - 1);
        if (node == null) {
            throw new IllegalStateException("node " + nodeId + " is stopped");
        }
        return node;
    }

    public boolean isRunning(int nodeId) {
        return nodes.get(nodeId - 1) != null;
    }

    public Path nodeDirectory(int nodeId) {
        return ClusterDirectory.nodeDirectory(directory, nodeId);
    }

    /**
     * Makes every running node serve the API and the RPC from now on (and each node started again), and makes sure
     * the cluster's ledger table exists (cluster.md §14), as {@code basalt serve} does.
     */
    public void serve() {
        serve(NodeConfig.defaults());
    }

    /** {@link #serve()} with the nodes' API side configured by {@code config}. */
    public void serve(NodeConfig config) {
        serve(config, RoutingConfig.defaults());
    }

    /** {@link #serve()} with the nodes' API side and routing configured. */
    public void serve(NodeConfig config, RoutingConfig routingConfig) {
        serve(config, routingConfig, ServerConfig.of("127.0.0.1", 0));
    }

    /**
     * {@link #serve()} with the nodes' API side, routing and HTTP servers configured ({@code server} should bind
     * 127.0.0.1 port 0: every node gets a free port).
     */
    public void serve(NodeConfig config, RoutingConfig routingConfig, ServerConfig server) {
        serverConfig = requireNonNull(server, "server is null");
        routing = requireNonNull(routingConfig, "routingConfig is null");
        serving = requireNonNull(config, "config is null");
        for (int node = 1; node <= nodes.size(); node++) {
            if (nodes.get(node - 1) != null && servers.get(node - 1) == null) {
                startServer(node);
            }
        }
        servers.stream().filter(running -> running != null).findFirst().orElseThrow().node()
                .createLedgerTable(Duration.ofSeconds(60));
    }

    /**
     * {@link #serve()} with the nodes taking part in membership with {@code placement}'s settings (heartbeats, the
     * metadata leader's reconcile loop, docs/design/cluster.md §13): needed by a node beyond the metadata group's
     * voters (a fourth node and on), which gets the catalog only as the group's listener.
     */
    public void serveWithMembership(NodeConfig config, PlacementConfig placement) {
        this.placement = requireNonNull(placement, "placement is null");
        serve(config);
    }

    private void startServer(int nodeId) {
        servers.set(nodeId - 1, ClusterNodeServer.start(node(nodeId), serving,
                serverConfig, routing, placement));
    }

    /** The serving side of node {@code nodeId} (after {@link #serve}). */
    public ClusterNodeServer server(int nodeId) {
        ClusterNodeServer server = servers.get(nodeId - 1);
        if (server == null) {
            throw new IllegalStateException("node " + nodeId + " does not serve");
        }
        return server;
    }

    /** The DynamoDB endpoint of node {@code nodeId} (after {@link #serve}). */
    public URI endpoint(int nodeId) {
        return URI.create("http://127.0.0.1:" + server(nodeId).port());
    }

    /** The running node that leads the fewest data groups now (the metadata group not counted). */
    public int leastLeadingNode(Duration timeout) {
        Map<Long, Integer> leaders = awaitLeaders(timeout);
        Map<Integer, Integer> led = new LinkedHashMap<>();
        for (int node = 1; node <= nodes.size(); node++) {
            if (isRunning(node)) {
                led.put(node, 0);
            }
        }
        leaders.forEach((group, node) -> {
            if (group != 0) {
                led.merge(node, 1, Integer::sum);
            }
        });
        return led.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    /** Stops node {@code nodeId}; its directory stays. */
    public void stop(int nodeId) throws IOException {
        ClusterNodeServer server = servers.set(nodeId - 1, null);
        ClusterNode running = nodes.set(nodeId - 1, null);
        RocksDbResources shared = resources.set(nodeId - 1, null);
        // Each part closed even when the one before failed: a server that fails to close must not leave its node
        // (Ratis' non-daemon threads, its ports) running.
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            try {
                if (running != null) {
                    running.close();
                }
            } finally {
                if (shared != null) {
                    shared.close();
                }
            }
        }
    }

    /** Starts a stopped node from its directory, as {@code basalt serve --data-dir node-N} does. */
    public void restart(int nodeId) throws IOException {
        restart(nodeId, PORT_WAIT);
    }

    /**
     * {@link #restart(int)}, waiting up to {@code portWait} while the node's Raft port or (when serving) its RPC port
     * is taken: both are the node's for good (its {@code node.json}, its peers' group configurations), so a start
     * that meets one taken can only wait for it, each wait logged.
     *
     * @throws IOException naming the port when it stayed taken
     */
    public void restart(int nodeId, Duration portWait) throws IOException {
        if (nodes.get(nodeId - 1) != null) {
            throw new IllegalStateException("node " + nodeId + " is running");
        }
        long deadline = System.nanoTime() + portWait.toNanos();
        while (true) {
            RocksDbResources shared = RocksDbResources.create(16L * 1024 * 1024, 8L * 1024 * 1024);
            try {
                nodes.set(nodeId - 1, ClusterNode.start(nodeDirectory(nodeId), config,
                        GroupStorageFactory.rocksDb(shared)));
                resources.set(nodeId - 1, shared);
                break;
            } catch (IOException | RuntimeException e) {
                shared.close();
                if (!waitedForPort(nodeId, e, deadline)) {
                    throw e;
                }
            }
        }
        if (serving == null) {
            return;
        }
        while (true) {
            try {
                startServer(nodeId);
                return;
            } catch (Exception e) {
                // Netty throws its bind failure (a checked NativeIoException) without declaring it.
                if (!waitedForPort(nodeId, e, deadline)) {
                    stop(nodeId);
                    throw e;
                }
            }
        }
    }

    /** Whether {@code failure} was a taken port with {@code deadline} ahead: then it waited a little, logged. */
    private static boolean waitedForPort(int nodeId, Exception failure, long deadline) {
        if (!TakenPorts.isBindFailure(failure) || System.nanoTime() > deadline) {
            return false;
        }
        LOG.warn("Node {} of a test cluster met a taken port ({}); trying again in 200 ms", nodeId,
                failure.getMessage());
        sleep(200);
        return true;
    }

    /**
     * Waits until every group of the cluster has a leader that every running member names, and returns each
     * group's leader.
     */
    public Map<Long, Integer> awaitLeaders(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<Long, String> last = Map.of();
        while (System.nanoTime() < deadline) {
            Map<Long, Integer> leaders = new LinkedHashMap<>();
            Map<Long, String> seen = new LinkedHashMap<>();
            ClusterNode any = nodes.stream().filter(node -> node != null).findFirst().orElseThrow();
            for (long group : any.groups().keySet()) {
                Integer agreed = agreedLeader(group, seen);
                if (agreed != null) {
                    leaders.put(group, agreed);
                }
            }
            if (leaders.size() == any.groups().size()) {
                return leaders;
            }
            last = seen;
            sleep(50);
        }
        throw new AssertionError("groups without an agreed, ready leader within " + timeout + ": " + last);
    }

    /**
     * Waits until every group is led by its preferred member — the placement's, to which each group's leader hands the
     * group back once that member is up and caught up ({@code PreferredLeaders}) — and returns the leaders, so that a
     * test is not surprised by a planned leader change soon after a start.
     */
    public Map<Long, Integer> awaitPreferredLeaders(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<Long, Integer> preferred = new LinkedHashMap<>();
        nodes.stream().filter(node -> node != null).findFirst().orElseThrow().groups().values()
                .forEach(group -> preferred.put(group.groupId(), group.preferredLeader()));
        Map<Long, Integer> leaders = awaitLeaders(timeout);
        while (!leaders.equals(preferred)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("leaders " + leaders + " are not the preferred " + preferred + " after "
                        + timeout);
            }
            sleep(100);
            leaders = awaitLeaders(timeout);
        }
        return leaders;
    }

    private Integer agreedLeader(long group, Map<Long, String> seen) {
        Integer agreed = null;
        StringBuilder views = new StringBuilder();
        for (ClusterNode node : nodes) {
            if (node == null || !node.hostedGroups().contains(group)) {
                continue;
            }
            OptionalInt hint = node.leaderHint(group);
            views.append(node.selfId()).append("->").append(hint).append(' ');
            if (hint.isEmpty() || agreed != null && agreed != hint.getAsInt()) {
                seen.put(group, views.toString());
                return null;
            }
            agreed = hint.getAsInt();
        }
        seen.put(group, views.toString());
        if (agreed == null || !isRunning(agreed) || !node(agreed).leads(group)) {
            return null;
        }
        return agreed;
    }

    @Override
    public void close() {
        List<Exception> failures = new ArrayList<>();
        for (int node = 1; node <= nodes.size(); node++) {
            try {
                stop(node);
            } catch (IOException | RuntimeException e) {
                failures.add(e);
            }
        }
        if (!failures.isEmpty()) {
            UncheckedIOException failure = new UncheckedIOException(new IOException("closing the cluster failed",
                    failures.get(0)));
            failures.subList(1, failures.size()).forEach(failure::addSuppressed);
            throw failure;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
