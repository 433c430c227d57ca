package io.basalt.testing.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.cluster.BillingMode;
import io.basalt.cluster.ProvisionedThroughput;
import io.basalt.cluster.TableDefinition;
import io.basalt.cluster.TableMetadata;
import io.basalt.cluster.node.ClusterNode;
import io.basalt.cluster.node.NodeIdentity;
import io.basalt.cluster.node.NodeIdentityFile;
import io.basalt.cluster.node.StaticPlacement;
import io.basalt.model.AttributeType;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Three cluster nodes in one JVM: groups as placed, elected, re-elected after a node stops, rejoined at restart. */
@Tag("raft")
@Timeout(120)
class TestClusterNodes {
    /** The cluster's first elections: about 20 s seen once at load average 74 (cluster.md, "s19 flakes"). */
    private static final Duration FIRST_LEADERS = Duration.ofSeconds(60);

    @TempDir
    Path directory;

    @Test
    void threeNodesHostThePlacedGroupsAndEveryGroupElects() throws Exception {
        try (BasaltTestCluster cluster = BasaltTestCluster.start(directory, 3, 2)) {
            ClusterNode first = cluster.node(1);
            // ceil(3 nodes × 2 per node / RF 3) = 2 data groups, plus the metadata group 0, all on every node.
            assertThat(first.groups().keySet()).containsExactlyInAnyOrder(0L, 1L, 2L);
            for (int node = 1; node <= 3; node++) {
                assertThat(cluster.node(node).hostedGroups()).containsExactly(0L, 1L, 2L);
                assertThat(cluster.node(node).members(1)).containsExactlyInAnyOrder(1, 2, 3);
                assertThat(cluster.node(node).node(node).orElseThrow().apiPort())
                        .isEqualTo(NodeIdentityFile.read(cluster.nodeDirectory(node)).self().apiPort());
            }
            Map<Long, Integer> leaders = cluster.awaitLeaders(FIRST_LEADERS);
            assertThat(leaders).containsOnlyKeys(0L, 1L, 2L);
            // Preferred leaders (no Ratis priorities): group 0 → node 1; data groups spread over the nodes.
            Map<Long, Integer> preferred = new HashMap<>();
            first.groups().values().forEach(group -> preferred.put(group.groupId(), group.preferredLeader()));
            assertThat(preferred).containsEntry(0L, 1).containsEntry(1L, 1).containsEntry(2L, 2);
            assertThat(cluster.awaitPreferredLeaders(Duration.ofSeconds(30))).isEqualTo(preferred);
            assertThat(first.members(StaticPlacement.METADATA_GROUP)).containsExactly(1, 2, 3);
            assertThat(first.members(99)).isEmpty();
            assertThat(first.leaderHint(99)).isEmpty();

            // The catalog lives in the metadata group: created on its leader, every node's member applies it.
            ClusterNode metaLeader = cluster.node(leadersNow(cluster).get(StaticPlacement.METADATA_GROUP));
            TableMetadata created = metaLeader.createTable(definition("Orders"));
            assertThat(created.partitions()).extracting(PartitionDescriptor::groupId).containsExactly(1L, 2L, 1L, 2L);
            for (int node = 1; node <= 3; node++) {
                ClusterNode member = cluster.node(node);
                awaitTrue(() -> member.metadata().tryGetTable("Orders").isPresent(), "node " + node + " has Orders");
                assertThat(member.metadata().tryGetTable("Orders").orElseThrow().id()).isEqualTo(created.id());
                assertThat(member.groupOf(created.partitions().get(1).id())).contains(2L);
            }
            TableMetadata second = metaLeader.createTable(definition("Lines"));
            assertThat(second.id()).isNotEqualTo(created.id());
            assertThat(first.groupOf(new PartitionId(999_999))).isEmpty();
            ClusterNode follower = cluster.node(metaLeader.selfId() % 3 + 1);
            assertThatThrownBy(() -> follower.createTable(definition("Refused"))).isInstanceOf(RuntimeException.class);
            assertThat(metaLeader.metadata().tryGetTable("Refused")).isEmpty();
        }
    }

    private static Map<Long, Integer> leadersNow(BasaltTestCluster cluster) {
        return cluster.awaitLeaders(Duration.ofSeconds(30));
    }

    private static TableDefinition definition(String name) {
        KeySchema schema = KeySchema.of(new KeyAttribute("pk", AttributeType.S));
        return new TableDefinition(name, schema, List.of(schema.partitionKey()), BillingMode.PAY_PER_REQUEST,
                ProvisionedThroughput.NONE, false, null, Map.of(), List.of());
    }

    /** Waits up to 10 s for {@code condition} (shared by the cluster tests of this package). */
    static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /**
     * Waits until every member of every group has applied what the group's leader had committed when asked. A member
     * whose node started last may still have an empty log when the leaders agree (the leader's connection to it was
     * refused until it started, and reconnects after a back-off), and once a group's log is not empty Ratis refuses
     * such a member's vote (apache/ratis {@code LeaderElection.nonEmptyLog}, RATIS-1995): stopping the leader then
     * leaves the other two without a majority until it comes back. Seen twice in eight runs beside other builds: a
     * group had no leader 20 s after the stop (cluster.md, "s19 flakes").
     */
    private static void awaitReplicas(BasaltTestCluster cluster, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Map.Entry<Long, Integer> led : cluster.awaitLeaders(timeout).entrySet()) {
            long group = led.getKey();
            long committed = cluster.node(led.getValue()).raft().commitIndex(group);
            for (int node = 1; node <= cluster.size(); node++) {
                ClusterNode member = cluster.node(node);
                while (member.hostedGroups().contains(group)
                        && member.raft().member(group).stateMachine().lastAppliedIndex() < committed) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("node " + node + "'s member of group " + group + " has not applied "
                                + committed + " within " + timeout);
                    }
                    Thread.sleep(20);
                }
            }
        }
    }

    @Test
    void aStoppedLeadersGroupsElectAnotherAndTheNodeRejoinsFromItsDirectory() throws Exception {
        try (BasaltTestCluster cluster = BasaltTestCluster.start(directory, 3, 2)) {
            Map<Long, Integer> before = cluster.awaitLeaders(FIRST_LEADERS);
            int stopped = before.get(StaticPlacement.METADATA_GROUP);
            TableMetadata created = cluster.node(stopped).createTable(definition("Kept"));
            NodeIdentity identity = cluster.node(stopped).identity();
            awaitReplicas(cluster, Duration.ofSeconds(30));
            cluster.stop(stopped);

            long start = System.nanoTime();
            Map<Long, Integer> after = cluster.awaitLeaders(Duration.ofSeconds(20));
            long failoverMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(after.values()).doesNotContain(stopped);
            assertThat(failoverMillis).as("new leaders within a few seconds").isLessThan(10_000);

            // The new metadata leader has the table and takes new commands.
            int newMetaLeader = after.get(StaticPlacement.METADATA_GROUP);
            assertThat(cluster.node(newMetaLeader).metadata().tryGetTable("Kept")).isPresent();
            TableMetadata later = cluster.node(newMetaLeader).createTable(definition("AfterFailover"));
            assertThat(later.id()).isGreaterThan(created.id());

            cluster.restart(stopped);
            assertThat(cluster.node(stopped).identity()).isEqualTo(identity);
            // Its catalog comes back from its own log and storage, and catches up with what it missed.
            ClusterNode restarted = cluster.node(stopped);
            awaitTrue(() -> restarted.metadata().tryGetTable("Kept").isPresent(), "the restarted node has Kept");
            assertThat(restarted.metadata().tryGetTable("Kept").orElseThrow().id()).isEqualTo(created.id());
            awaitTrue(() -> restarted.metadata().tryGetTable("AfterFailover").isPresent(),
                    "the restarted node catches up");
            assertThat(cluster.node(stopped).hostedGroups()).containsExactly(0L, 1L, 2L);
            Map<Long, Integer> rejoined = cluster.awaitLeaders(Duration.ofSeconds(30));
            assertThat(rejoined).containsOnlyKeys(0L, 1L, 2L);
            for (long group : rejoined.keySet()) {
                assertThat(cluster.node(stopped).leaderHint(group)).hasValue(rejoined.get(group));
            }
        }
    }
}
