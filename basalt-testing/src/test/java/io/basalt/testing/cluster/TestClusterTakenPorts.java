package io.basalt.testing.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.cluster.node.NodeAddress;
import io.basalt.cluster.node.NodeIdentity;
import io.basalt.cluster.node.NodeIdentityFile;
import io.basalt.testing.raft.TakenPorts;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BasaltTestCluster} meeting ports another process holds (docs/design/cluster.md s19): the ports of a new
 * cluster are chosen free and bound later, and on a busy machine something else can take one in between. A new
 * cluster is created again on fresh ports; a node started from its directory waits for its own.
 */
@Tag("raft")
@Timeout(240)
class TestClusterTakenPorts {
    @TempDir
    Path directory;

    @Test
    void aNewClusterMovesOffTakenPortsAndARestartedNodeWaitsForItsOwn() throws Exception {
        List<List<NodeAddress>> created = new ArrayList<>();
        List<ServerSocket> held = new ArrayList<>();
        try (BasaltTestCluster cluster = BasaltTestCluster.start(directory, 3, 1, identities -> {
            List<NodeAddress> addresses = identities.get(0).initialNodes();
            created.add(addresses);
            try {
                if (created.size() == 1) {
                    // The first directory: node 2's Raft port is taken before node 2 starts.
                    held.add(TakenPorts.hold(addresses.get(1).raftPort()));
                } else if (created.size() == 2) {
                    // The second: node 3's RPC port, which no node binds until it serves.
                    held.add(TakenPorts.hold(addresses.get(2).rpcPort()));
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        })) {
            assertThat(created).as("two directories given up, the third kept")
                    .hasSize(BasaltTestCluster.FRESH_ATTEMPTS);
            NodeIdentity second = NodeIdentityFile.read(cluster.nodeDirectory(2));
            NodeIdentity third = NodeIdentityFile.read(cluster.nodeDirectory(3));
            assertThat(second.self()).isEqualTo(created.get(2).get(1));
            assertThat(second.self().raftPort()).isNotEqualTo(created.get(0).get(1).raftPort());
            assertThat(third.self().rpcPort()).isNotEqualTo(created.get(1).get(2).rpcPort());
            assertThat(second.clusterId()).isEqualTo(third.clusterId());
            cluster.awaitLeaders(Duration.ofSeconds(30));
            cluster.serve();
            assertThat(cluster.server(3).transport().localAddress().getPort()).isEqualTo(third.self().rpcPort());

            // Node 3 restarted while its RPC port is held for a moment: the start waits, then serves on it.
            cluster.stop(3);
            Thread release = TakenPorts.holdFor(third.self().rpcPort(), Duration.ofMillis(1500));
            cluster.restart(3, Duration.ofSeconds(20));
            release.join();
            assertThat(cluster.server(3).transport().localAddress().getPort()).isEqualTo(third.self().rpcPort());

            // Held for good: the restart gives up after its wait, with the node stopped, not half started.
            cluster.stop(3);
            try (ServerSocket forGood = TakenPorts.hold(third.self().raftPort())) {
                assertThatThrownBy(() -> cluster.restart(3, Duration.ofSeconds(1)))
                        .hasStackTraceContaining(":" + third.self().raftPort());
            }
            assertThat(cluster.isRunning(3)).isFalse();
            cluster.restart(3);
            cluster.awaitLeaders(Duration.ofSeconds(30));
        } finally {
            for (ServerSocket socket : held) {
                socket.close();
            }
        }
    }
}
