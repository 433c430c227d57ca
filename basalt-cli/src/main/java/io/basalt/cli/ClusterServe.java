package io.basalt.cli;

import io.basalt.cluster.NodeConfig;
import io.basalt.cluster.node.ClusterNode;
import io.basalt.cluster.node.NodeAddress;
import io.basalt.cluster.node.NodeIdentity;
import io.basalt.cluster.node.NodeIdentityFile;
import io.basalt.cluster.node.PlacementConfig;
import io.basalt.replication.raft.GroupStorageFactory;
import io.basalt.replication.raft.RaftTransport;
import io.basalt.server.ClusterNodeServer;
import io.basalt.storage.rocksdb.RocksDbResources;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * {@code basalt serve --data-dir D/node-N} where {@code node-N} holds a {@code node.json}: the node of a cluster
 * (docs/design/cluster.md §13.1). Starts the node's Raft server on its persisted port, over the Raft transport its
 * {@code node.json} records (a {@code --raft-transport} naming another is refused); Ratis reopens the groups on
 * disk (its RECOVER start) and the node adds the members the static placement gives it that are still missing (the
 * first start). Then it serves: the DynamoDB API on its persisted API port and the internal RPC on its RPC port
 * ({@link ClusterNodeServer}), and makes sure the cluster's internal ledger table exists (created once per cluster by
 * whichever node gets there first, once the metadata group has a leader; a node that finds no leader within
 * {@link #LEDGER_WAIT} stops with an error saying so). Runs until SIGTERM or SIGINT.
 */
final class ClusterServe {
    /** The node's share of RocksDB memory over all its members (block cache, memtables), §6.4. */
    private static final long CACHE_BYTES = 64L * 1024 * 1024;
    private static final long MEMTABLE_BYTES = 32L * 1024 * 1024;
    /** How long a starting node waits for a metadata leader (its peers starting too) to have the ledger table. */
    static final Duration LEDGER_WAIT = Duration.ofSeconds(60);

    private ClusterServe() {
    }

    private static boolean isFree(String host, int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Serves the node of {@code options.dataDirectory()}; as the metadata leader, it re-creates the members of a node
     * DOWN for {@code options.nodeDownTimeout()} on the others (docs/design/cluster.md §13.2). The node's addresses
     * come from its {@code node.json}; the HTTP and RPC admission limits, the routing deadline and the transaction
     * resolve delay from the options.
     */
    static int serve(ServeOptions options, PrintStream out, PrintStream err) {
        Path nodeDirectory = options.dataDirectory();
        Duration nodeDownTimeout = options.nodeDownTimeout();
        NodeIdentity identity;
        try {
            identity = NodeIdentityFile.read(nodeDirectory);
        } catch (IOException e) {
            err.println("basalt: cannot read the node identity: " + e.getMessage());
            return 1;
        }
        NodeAddress configured = identity.self();
        RaftTransport transport;
        try {
            // The cluster's transport, as node.json records it: a node on another could not talk to its peers.
            transport = identity.transportFor(options.raftTransport());
        } catch (IllegalArgumentException e) {
            err.println("basalt: cannot start " + nodeDirectory.toAbsolutePath() + ": " + e.getMessage());
            return 1;
        }
        // The ports are persisted (peers know the node by them, §3): a taken one is an error naming it, which
        // Ratis' own bind failure does not.
        String source = " of node " + configured.nodeId() + " (from "
                + nodeDirectory.resolve(NodeIdentity.FILE_NAME).toAbsolutePath() + ") is in use; stop what holds it";
        if (!isFree(configured.host(), configured.raftPort())) {
            err.println("basalt: the Raft port " + configured.raftAddress() + source);
            return 1;
        }
        if (!isFree(configured.host(), configured.apiPort())) {
            err.println("basalt: the API port " + configured.host() + ":" + configured.apiPort() + source);
            return 1;
        }
        if (!isFree(configured.host(), configured.rpcPort())) {
            err.println("basalt: the RPC port " + configured.rpcAddress() + source);
            return 1;
        }
        RocksDbResources resources = RocksDbResources.create(CACHE_BYTES, MEMTABLE_BYTES);
        ClusterNode node;
        try {
            node = ClusterNode.start(nodeDirectory, options.raftConfig(transport),
                    GroupStorageFactory.rocksDb(resources));
        } catch (IOException | RuntimeException e) {
            resources.close();
            err.println("basalt: cannot start the cluster node in " + nodeDirectory.toAbsolutePath() + ": "
                    + e.getMessage());
            return 1;
        }
        NodeAddress self = node.identity().self();
        ClusterNodeServer server;
        try {
            server = ClusterNodeServer.start(node,
                    NodeConfig.defaults().withTransactionResolveAfter(options.transactionResolveAfter())
                            .withGlobalIndexPropagation(options.indexPropagation()),
                    options.serverConfig().withAddress(self.host(), self.apiPort()), options.routingConfig(),
                    new PlacementConfig(PlacementConfig.DEFAULT_REPLICATION_FACTOR, node.identity().groupsPerNode(),
                            nodeDownTimeout));
        } catch (Exception e) {
            // Also a taken RPC port: Netty throws its bind failure, a checked exception, undeclared.
            closeQuietly(node, resources, err);
            err.println("basalt: cannot serve cluster node " + self.nodeId() + ": " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (RuntimeException e) {
                err.println("basalt: closing the server failed: " + e.getMessage());
            } finally {
                closeQuietly(node, resources, err);
                stopped.countDown();
            }
        }, "basalt-shutdown"));
        try {
            server.node().createLedgerTable(LEDGER_WAIT);
        } catch (IllegalStateException e) {
            err.println("basalt: cluster node " + self.nodeId() + " found no metadata leader within " + LEDGER_WAIT
                    .toSeconds() + " s (are the other nodes of " + nodeDirectory.toAbsolutePath().getParent()
                    + " running?); stopping");
            err.flush();
            // The shutdown hook closes what started.
            return 1;
        }
        out.println("Basalt " + BasaltCommand.version() + " cluster node " + self.nodeId() + " of cluster "
                + Long.toHexString(node.identity().clusterId()) + " serving the DynamoDB API on " + self.apiEndpoint()
                + " (rpc " + self.rpcAddress() + ", raft " + self.raftAddress() + " over " + transport.flagValue()
                + ", groups " + node.hostedGroups()
                + ", data in " + nodeDirectory.toAbsolutePath() + "), started in " + StartTime.millisSinceLaunch()
                + " ms");
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static void closeQuietly(ClusterNode node, RocksDbResources resources, PrintStream err) {
        try {
            node.close();
        } catch (IOException | RuntimeException e) {
            err.println("basalt: closing the node failed: " + e.getMessage());
        } finally {
            resources.close();
        }
    }
}
