package io.basalt.cli;

import static io.basalt.cli.MembershipChecks.await;
import static io.basalt.cli.MembershipChecks.getStrongly;
import static io.basalt.cli.MembershipChecks.hostedGroups;
import static io.basalt.cli.MembershipChecks.put;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A two-node cluster runs with RF = 2 (docs/design/cluster.md §13.2, step 13): both nodes are metadata voters and
 * members of every data group. A third node joins: the metadata group and every data group grow to three members
 * (Ratis membership changes, one member at a time), and the new node serves what was written before it came.
 */
@Timeout(300)
class TestTwoNodeCluster {
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration GROWN = Duration.ofSeconds(120);

    @TempDir
    Path directory;

    @Test
    void twoNodesServeAndAThirdJoiningGrowsEveryGroupToThreeMembers() throws Exception {
        try (NodeProcesses cluster = NodeProcesses.start(directory.resolve("cluster"), 2, START)) {
            Map<Integer, List<Long>> placed = hosted(cluster, 2);
            assertThat(placed.get(1)).isEqualTo(placed.get(2));
            TreeSet<Long> groups = new TreeSet<>(placed.get(1));
            assertThat(groups).contains(0L).hasSize(3);

            try (DynamoDbClient first = cluster.client(1)) {
                MembershipChecks.createTable(first, "Items");
                for (int i = 0; i < 20; i++) {
                    put(first, "Items", "k" + i, "v" + i);
                }
            }
            try (DynamoDbClient second = cluster.client(2)) {
                assertThat(getStrongly(second, "Items", "k7")).isEqualTo("v7");
            }

            int third = cluster.join(2, START);
            await("every group with a member on each of the three nodes", GROWN, () -> hosted(cluster, 3),
                    hosted -> hosted.values().stream().allMatch(hostedGroups -> hostedGroups.containsAll(groups)));

            try (DynamoDbClient client = cluster.client(third)) {
                for (int i = 0; i < 20; i++) {
                    assertThat(getStrongly(client, "Items", "k" + i)).isEqualTo("v" + i);
                }
                put(client, "Items", "third", "yes");
            }
            // Three metadata voters and three members per data group now: the cluster keeps serving, table commands
            // included, with one of the first two nodes down (with two voters it could not).
            cluster.kill(1);
            try (DynamoDbClient client = cluster.client(third)) {
                MembershipChecks.createTable(client, "AfterKill");
                put(client, "AfterKill", "a", "b");
                put(client, "Items", "afterKill", "yes");
                assertThat(getStrongly(client, "Items", "k3")).isEqualTo("v3");
                assertThat(getStrongly(client, "Items", "third")).isEqualTo("yes");
            }
        }
    }

    private static Map<Integer, List<Long>> hosted(NodeProcesses cluster, int nodes) {
        Map<Integer, List<Long>> hosted = new TreeMap<>();
        for (int node = 1; node <= nodes; node++) {
            hosted.put(node, hostedGroups(cluster.endpoint(node)));
        }
        return hosted;
    }
}
