package io.basalt.testing;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.NodeConfig;
import io.basalt.cluster.routing.RoutingConfig;
import io.basalt.server.BasaltServer;
import io.basalt.server.ServerConfig;
import io.basalt.storage.StorageEngine;
import io.basalt.storage.memory.InMemoryStorageEngine;
import io.basalt.storage.rocksdb.RocksDbStorageEngine;
import io.basalt.testing.cluster.BasaltTestCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

/**
 * A Basalt node and HTTP server running in this process on a free loopback port. Close it to stop both.
 *
 * <pre>{@code
 * try (BasaltTestServer server = BasaltTestServer.inMemory()) {
 *     DynamoDbClient client = TestClients.dynamoDb(server.endpoint());
 *     ...
 * }
 * }</pre>
 */
public final class BasaltTestServer implements AutoCloseable {
    /** The default server settings on a free loopback port. */
    public static final ServerConfig LOOPBACK = ServerConfig.of("127.0.0.1", 0);
    /**
     * The system property that runs every server these tests start in the loopback RPC mode ({@code
     * -Dbasalt.loopbackRpc=true}): each partition call goes through the internal RPC's codecs (docs/design/
     * cluster.md §20 step 10), so a suite run this way checks the codecs against everything it asserts.
     */
    public static final String LOOPBACK_RPC_PROPERTY = "basalt.loopbackRpc";
    /**
     * The system property that sends every partition call of the servers these tests start through the Router and
     * over TCP ({@code -Dbasalt.tcpRpc=true}; cluster.md §20 step 12, {@link TcpRpcLoopback}).
     */
    public static final String TCP_RPC_PROPERTY = "basalt.tcpRpc";
    /**
     * The system property that makes every server these tests start a three-node cluster in this JVM ({@code
     * -Dbasalt.clusterTests=true}; cluster.md §20 step 12, {@link BasaltTestCluster}): the endpoint is the node leading
     * the fewest data groups, so most calls are routed to other nodes' partition leaders and table commands to the
     * metadata leader. The given storage engine is not used (each node has its own RocksDB members). Eventually
     * consistent reads go to the leaders too: the suite reads its own writes with them (as DynamoDB nearly always
     * lets it), which a follower's replica, a heartbeat behind, does not promise.
     */
    public static final String CLUSTER_PROPERTY = "basalt.clusterTests";
    /**
     * With {@link #CLUSTER_PROPERTY}: {@code -Dbasalt.clusterTests.replicaReads=true} lets eventually consistent reads
     * be served by the entry node's replicas, as {@code basalt serve} does, to find the tests that read their own
     * writes eventually (cluster.md, "s18 the whole suite on a cluster").
     */
    public static final String CLUSTER_REPLICA_READS_PROPERTY = "basalt.clusterTests.replicaReads";
    /**
     * The cluster mode's routing deadline: how long a call may meet only safe failures (no leader yet, a leader
     * changing) before its client gets a 503. The suite's clients do not retry (they see every error), and a
     * three-node cluster in one JVM of a loaded CI machine once took longer than the production 5 s to elect or hand
     * over a leader (TestIndexTables: a 503 under load; a group's first election took about 20 s at load average 74;
     * cluster.md, "s19 flakes"). Generous but bounded, and below the clients' 30 s socket timeout.
     */
    static final Duration CLUSTER_ROUTING_DEADLINE = Duration.ofSeconds(20);
    /** How long the cluster mode waits for every group's first leader (about 20 s seen at load average 74). */
    static final Duration CLUSTER_START_TIMEOUT = Duration.ofSeconds(90);
    /** How long it then waits for the groups' preferred leaders (each takes over about a second after a start). */
    static final Duration CLUSTER_SETTLE_TIMEOUT = Duration.ofSeconds(30);

    private final BasaltNode node;
    private final BasaltServer server;
    private final TcpRpcLoopback tcp;
    /** In the cluster mode: the cluster, its directory and the node whose endpoint this is. */
    private final BasaltTestCluster cluster;
    private final Path clusterDirectory;
    private final int entryNode;

    private BasaltTestServer(StorageEngine storage, NodeConfig config, ServerConfig serverConfig) {
        this(storage, config, serverConfig, null);
    }

    /** @param home in the cluster mode, where the cluster lives (kept at close), or null for a temporary one */
    private BasaltTestServer(StorageEngine storage, NodeConfig config, ServerConfig serverConfig, Path home) {
        requireNonNull(serverConfig, "serverConfig is null");
        if (Boolean.getBoolean(CLUSTER_PROPERTY)) {
            storage.close();
            this.tcp = null;
            this.server = null;
            try {
                this.clusterDirectory = home != null ? null : Files.createTempDirectory("basalt-cluster-test");
                this.cluster = BasaltTestCluster.start(home != null ? home : clusterDirectory, 3, 2);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try {
                RoutingConfig routing = RoutingConfig.defaults().withRoutingDeadline(CLUSTER_ROUTING_DEADLINE)
                        .withEventualReadsFromReplicas(Boolean.getBoolean(CLUSTER_REPLICA_READS_PROPERTY));
                cluster.serve(config, routing, serverConfig);
                this.entryNode = settledEntryNode(cluster);
                this.node = cluster.server(entryNode).node();
            } catch (RuntimeException e) {
                cluster.close();
                throw e;
            }
            return;
        }
        this.cluster = null;
        this.clusterDirectory = null;
        this.entryNode = 0;
        NodeConfig effective = Boolean.getBoolean(LOOPBACK_RPC_PROPERTY) ? config.withLoopbackRpc(true) : config;
        this.tcp = Boolean.getBoolean(TCP_RPC_PROPERTY) ? new TcpRpcLoopback() : null;
        BasaltServer started;
        try {
            this.node = tcp == null ? BasaltNode.open(storage, effective) : BasaltNode.open(storage, effective, tcp);
            if (tcp != null) {
                tcp.attach(node);
            }
        } catch (RuntimeException e) {
            if (tcp != null) {
                tcp.close();
            }
            throw e;
        }
        try {
            started = BasaltServer.start(node, serverConfig);
        } catch (RuntimeException e) {
            node.close();
            if (tcp != null) {
                tcp.close();
            }
            throw e;
        }
        this.server = started;
    }

    /** A server over the in-memory engine with default settings. */
    public static BasaltTestServer inMemory() {
        return new BasaltTestServer(new InMemoryStorageEngine(), NodeConfig.defaults(), LOOPBACK);
    }

    /** A server over RocksDB in {@code directory}, which may already hold data from an earlier server. */
    public static BasaltTestServer onDisk(Path directory) {
        return new BasaltTestServer(RocksDbStorageEngine.open(requireNonNull(directory, "directory is null")),
                NodeConfig.defaults(), LOOPBACK, directory.resolve("cluster"));
    }

    /** A server over the given engine and configuration. */
    public static BasaltTestServer start(StorageEngine storage, NodeConfig config) {
        return new BasaltTestServer(storage, config, LOOPBACK);
    }

    /**
     * A server over the given engine and configurations; {@code serverConfig} should bind 127.0.0.1 port 0
     * ({@link #LOOPBACK} with other limits, e.g. {@code LOOPBACK.withAdmission(1, ...)}).
     */
    public static BasaltTestServer start(StorageEngine storage, NodeConfig config, ServerConfig serverConfig) {
        return new BasaltTestServer(storage, config, serverConfig);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public int port() {
        return cluster != null ? cluster.server(entryNode).port() : server.port();
    }

    public BasaltNode node() {
        return node;
    }

    private static void deleteQuietly(Path directory) {
        try (var paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A temporary directory: the OS cleans it eventually.
        }
    }

    /** How many partition calls crossed TCP in the {@link #TCP_RPC_PROPERTY} mode (0 when it is off). */
    public long tcpFramesServed() {
        return tcp == null ? 0 : tcp.framesServed();
    }

    @Override
    public void close() {
        if (cluster != null) {
            try {
                cluster.close();
            } finally {
                if (clusterDirectory != null) {
                    deleteQuietly(clusterDirectory);
                }
            }
            return;
        }
        server.close();
        node.close();
        if (tcp != null) {
            tcp.close();
        }
    }

    /**
     * The node leading the fewest data groups once the cluster has settled: every group has a leader, and (for up to
     * {@link #CLUSTER_SETTLE_TIMEOUT}) the leader its placement prefers. A group's first leader is often another
     * member, and its leader hands the group to the preferred one (PreferredLeaders) a second or two later, when a
     * test class sends its first requests; on a loaded machine that handover can outlast a routing deadline
     * (cluster.md, "s19 flakes"). A cluster that does not settle in time is used as it is: the Router rides out the
     * handover.
     */
    private static int settledEntryNode(BasaltTestCluster cluster) {
        cluster.awaitLeaders(CLUSTER_START_TIMEOUT);
        Map<Long, Integer> preferred = new HashMap<>();
        cluster.node(1).groups().values().forEach(group -> preferred.put(group.groupId(), group.preferredLeader()));
        long deadline = System.nanoTime() + CLUSTER_SETTLE_TIMEOUT.toNanos();
        while (!cluster.awaitLeaders(CLUSTER_START_TIMEOUT).equals(preferred) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the cluster settled", e);
            }
        }
        return cluster.leastLeadingNode(CLUSTER_START_TIMEOUT);
    }
}
