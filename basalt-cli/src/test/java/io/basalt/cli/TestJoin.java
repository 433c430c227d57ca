package io.basalt.cli;

import static io.basalt.cli.MembershipChecks.await;
import static io.basalt.cli.MembershipChecks.getStrongly;
import static io.basalt.cli.MembershipChecks.hostedGroups;
import static io.basalt.cli.MembershipChecks.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.cluster.node.NodeIdentityFile;
import io.basalt.replication.raft.RaftTransport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A fourth node joins a running three-node cluster of real processes with {@code basalt serve --join HOST:PORT}
 * (docs/design/cluster.md §13.1, step 13): it gets a member of the metadata group (a listener: the catalog) and of
 * data groups, serves reads and writes of a table created before it joined through its own endpoint, and does so
 * again after a restart from its directory. It records the cluster's Raft transport; a join asking for another is
 * refused before the cluster registers it.
 */
@Timeout(300)
class TestJoin {
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration PLACED = Duration.ofSeconds(90);

    @TempDir
    Path directory;

    @Test
    void aFourthNodeJoinsGetsMembersAndServesExistingTables() throws Exception {
        try (NodeProcesses cluster = NodeProcesses.start(directory.resolve("cluster"), 3, START)) {
            try (DynamoDbClient first = cluster.client(1)) {
                MembershipChecks.createTable(first, "Before");
                for (int i = 0; i < 20; i++) {
                    put(first, "Before", "k" + i, "v" + i);
                }
            }

            // Asked to join on another Raft transport than the cluster's: refused before the cluster registers it.
            ByteArrayOutputStream refused = new ByteArrayOutputStream();
            Path other = directory.resolve("other-transport");
            assertThat(ServeCommand.run(List.of("--join", "127.0.0.1:" + cluster.endpoint(1).getPort(), "--port",
                    "0", "--data-dir", other.toString(), "--raft-transport", "grpc"),
                    new PrintStream(new ByteArrayOutputStream()), new PrintStream(refused, true))).isEqualTo(1);
            assertThat(refused.toString()).contains("runs on the netty Raft transport, not grpc");
            assertThat(other.resolve("node.json")).doesNotExist();

            int fourth = cluster.join(1, START);
            assertThat(fourth).isEqualTo(4);
            // The joined node records the cluster's transport, which it learnt from the node it joined through.
            assertThat(NodeIdentityFile.read(directory.resolve("cluster").resolve("node-4")).recordedTransport())
                    .contains(RaftTransport.NETTY);
            List<Long> hosted = await("node 4 hosting the metadata group and a data group", PLACED,
                    () -> hostedGroups(cluster.endpoint(4)), groups -> groups.contains(0L) && groups.size() >= 2);
            assertThat(hosted).contains(0L);

            try (DynamoDbClient joined = cluster.client(4)) {
                assertThat(joined.listTables().tableNames()).contains("Before");
                for (int i = 0; i < 20; i++) {
                    assertThat(getStrongly(joined, "Before", "k" + i)).isEqualTo("v" + i);
                }
                for (int i = 0; i < 10; i++) {
                    put(joined, "Before", "j" + i, "w" + i);
                }
                MembershipChecks.createTable(joined, "After");
                put(joined, "After", "a", "b");
            }
            try (DynamoDbClient first = cluster.client(1)) {
                for (int i = 0; i < 10; i++) {
                    assertThat(getStrongly(first, "Before", "j" + i)).isEqualTo("w" + i);
                }
                assertThat(getStrongly(first, "After", "a")).isEqualTo("b");
            }

            cluster.kill(4);
            cluster.start(4);
            cluster.awaitServing(4, START);
            try (DynamoDbClient joined = cluster.client(4)) {
                for (int i = 0; i < 20; i++) {
                    assertThat(getStrongly(joined, "Before", "k" + i)).isEqualTo("v" + i);
                }
                put(joined, "Before", "restarted", "yes");
                assertThat(getStrongly(joined, "Before", "restarted")).isEqualTo("yes");
            }
            assertThat(hostedGroups(cluster.endpoint(4))).contains(0L);
        }
    }

    @Test
    void aJoiningNodeTakesTheSeedsTransportAndRefusesAnother() throws Exception {
        assertThat(ClusterJoin.clusterTransport("h:1", Optional.of(RaftTransport.GRPC), Optional.empty()))
                .isEqualTo(RaftTransport.GRPC);
        assertThat(ClusterJoin.clusterTransport("h:1", Optional.of(RaftTransport.GRPC),
                Optional.of(RaftTransport.GRPC))).isEqualTo(RaftTransport.GRPC);
        assertThatThrownBy(() -> ClusterJoin.clusterTransport("h:1", Optional.of(RaftTransport.GRPC),
                Optional.of(RaftTransport.NETTY))).isInstanceOf(ClusterJoin.JoinException.class)
                .hasMessage("the cluster of h:1 runs on the grpc Raft transport, not netty: every node of a cluster "
                        + "uses the same transport; join without --raft-transport, or with --raft-transport grpc");
        // A seed older than s21 does not name it: the one asked for, or the default, as before.
        assertThat(ClusterJoin.clusterTransport("h:1", Optional.empty(), Optional.of(RaftTransport.GRPC)))
                .isEqualTo(RaftTransport.GRPC);
        assertThat(ClusterJoin.clusterTransport("h:1", Optional.empty(), Optional.empty()))
                .isEqualTo(RaftTransport.NETTY);
    }

    @Test
    void aJoinThroughAnEndpointWhereNothingListensFailsSayingSo() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ServeCommand.run(List.of("--join", "127.0.0.1:" + closed, "--port", "0", "--data-dir",
                directory.resolve("node-9").toString()), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true));
        assertThat(status).isEqualTo(1);
        assertThat(err.toString()).startsWith("basalt: cannot join the cluster of 127.0.0.1:" + closed
                + ": cannot reach 127.0.0.1:" + closed);
        assertThat(directory.resolve("node-9").resolve("node.json")).doesNotExist();
    }
}
