package io.basalt.cli;

import io.basalt.cluster.node.ClusterNode;
import io.basalt.cluster.node.NodeAddress;
import io.basalt.cluster.node.NodeIdentity;
import io.basalt.cluster.node.NodeIdentityFile;
import io.basalt.replication.raft.GroupStorageFactory;
import io.basalt.replication.raft.RaftConfig;
import io.basalt.storage.rocksdb.RocksDbResources;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code basalt serve --data-dir D/node-N} where {@code node-N} holds a {@code node.json}: the node of a cluster
 * (docs/design/cluster.md §13.1). Starts the node's Raft server on its persisted port; Ratis reopens the groups on
 * disk (its RECOVER start) and the node adds the members the static placement gives it that are still missing (the
 * first start). Runs until SIGTERM or SIGINT.
 *
 * <p>What it does not do yet: serve the DynamoDB API (the catalog and the partitions move onto the groups in the
 * second half of step 12), so the API port is not bound; the banner says so.
 */
final class ClusterServe {
    /** The node's share of RocksDB memory over all its members (block cache, memtables), §6.4. */
    private static final long CACHE_BYTES = 64L * 1024 * 1024;
    private static final long MEMTABLE_BYTES = 32L * 1024 * 1024;

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

    static int serve(Path nodeDirectory, PrintStream out, PrintStream err) {
        NodeAddress configured;
        try {
            configured = NodeIdentityFile.read(nodeDirectory).self();
        } catch (IOException e) {
            err.println("basalt: cannot read the node identity: " + e.getMessage());
            return 1;
        }
        // The ports are persisted (peers know the node by them, §3): a taken one is an error naming it, which
        // Ratis' own bind failure does not.
        if (!isFree(configured.host(), configured.raftPort())) {
            err.println("basalt: the Raft port " + configured.raftAddress() + " of node " + configured.nodeId()
                    + " (from " + nodeDirectory.resolve(NodeIdentity.FILE_NAME).toAbsolutePath()
                    + ") is in use; stop what holds it");
            return 1;
        }
        RocksDbResources resources = RocksDbResources.create(CACHE_BYTES, MEMTABLE_BYTES);
        ClusterNode node;
        try {
            node = ClusterNode.start(nodeDirectory, RaftConfig.defaults(), GroupStorageFactory.rocksDb(resources));
        } catch (IOException | RuntimeException e) {
            resources.close();
            err.println("basalt: cannot start the cluster node in " + nodeDirectory.toAbsolutePath() + ": "
                    + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (IOException | RuntimeException e) {
                err.println("basalt: closing the node failed: " + e.getMessage());
            } finally {
                resources.close();
                stopped.countDown();
            }
        }, "basalt-shutdown"));
        NodeAddress self = node.identity().self();
        out.println("Basalt " + BasaltCommand.version() + " cluster node " + self.nodeId() + " of cluster "
                + Long.toHexString(node.identity().clusterId()) + ": raft " + self.raftAddress() + ", groups "
                + node.hostedGroups() + " (data in " + nodeDirectory.toAbsolutePath() + "), started in "
                + StartTime.millisSinceLaunch() + " ms; its DynamoDB endpoint " + self.apiEndpoint()
                + " is not served yet in cluster mode");
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
