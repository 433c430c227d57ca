package io.basalt.cli;

import static io.basalt.cli.MembershipChecks.getStrongly;
import static io.basalt.cli.MembershipChecks.put;
import static io.basalt.cli.MembershipChecks.raftTransport;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.replication.raft.RaftTransport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A node of a cluster created on gRPC ({@code basalt cluster --raft-transport grpc}: node.json records it) restarted
 * as the README says, {@code basalt serve --data-dir ./cluster/node-2} without the option, rejoins its peers on gRPC
 * and serves; restarted with {@code --raft-transport netty} it is refused, naming both (docs/design/cluster.md §3,
 * §18). Two nodes (RF = 2): every write needs both, so the writes after the restart prove the nodes talk. Node 1 keeps
 * running with {@code --raft-transport=grpc} on its command line, as s20's {@code basalt cluster} started it: a node 2
 * that came back on the Netty default could not answer it.
 */
@Timeout(300)
class TestRaftTransportRestart {
    private static final Duration START = Duration.ofSeconds(90);

    @TempDir
    Path directory;

    @Test
    void aNodeOfAGrpcClusterRestartedWithoutTheOptionRejoinsOnGrpc() throws Exception {
        try (NodeProcesses cluster = NodeProcesses.start(directory.resolve("cluster"), 2, START,
                List.of("--raft-transport=grpc"), RaftTransport.GRPC)) {
            assertThat(raftTransport(cluster.endpoint(1))).isEqualTo("grpc");
            try (DynamoDbClient first = cluster.client(1)) {
                MembershipChecks.createTable(first, "Items");
                for (int i = 0; i < 5; i++) {
                    put(first, "Items", "k" + i, "v" + i);
                }
            }

            cluster.kill(2);
            cluster.startWith(2, List.of("--raft-transport=netty"));
            assertThat(cluster.awaitExit(2, START)).isEqualTo(1);
            assertThat(Files.readString(cluster.logFile(2))).contains("node 2 belongs to a cluster on the grpc Raft "
                    + "transport (recorded in its node.json), not netty");

            cluster.startWith(2, List.of());
            cluster.awaitServing(2, START);
            assertThat(raftTransport(cluster.endpoint(2))).isEqualTo("grpc");
            // Its banner, printed once it has the ledger table (after it serves), names the transport: two now.
            MembershipChecks.await("node 2's second banner on gRPC", START, () -> banners(cluster, 2),
                    banners -> banners == 2);
            try {
                try (DynamoDbClient second = cluster.client(2)) {
                    put(second, "Items", "after", "restart");
                    assertThat(getStrongly(second, "Items", "k3")).isEqualTo("v3");
                }
                try (DynamoDbClient first = cluster.client(1)) {
                    put(first, "Items", "after-1", "yes");
                    assertThat(getStrongly(first, "Items", "after")).isEqualTo("restart");
                }
                try (DynamoDbClient second = cluster.client(2)) {
                    assertThat(getStrongly(second, "Items", "after-1")).isEqualTo("yes");
                }
            } catch (RuntimeException e) {
                // Once (1 run in 10, load average 8-11) a write through node 2 met 503s for the 60 s of retries; the
                // nodes' logs go with the failure so that a repeat can be told apart (they live in the @TempDir).
                throw new AssertionError("writes after node 2's restart failed; node 1's log:\n" + cluster.log(1)
                        + "\nnode 2's log:\n" + cluster.log(2), e);
            }
        }
    }

    /** How many times node {@code node} logged its serving banner over gRPC. */
    private static int banners(NodeProcesses cluster, int node) {
        try {
            return Files.readString(cluster.logFile(node)).split("over grpc, groups", -1).length - 1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
