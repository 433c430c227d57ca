package io.basalt.cluster.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.cluster.rpc.RpcFault;
import io.basalt.cluster.rpc.RpcResponse;
import io.basalt.model.ErrorCode;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.EvaluatedWrite;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionId;
import io.basalt.partition.encoding.StoredItem;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The Router finding a partition's leader (docs/design/cluster.md §12.3): calls land on the leader whatever node they
 * enter by; a stale leader hint is corrected by NOT_LEADER and remembered, gives way to a newer map, and is forgotten
 * after a write with no answer; a call waits for an election its node's member sees; no leader until the deadline is
 * a 503.
 */
class TestRoutingLeaders extends RoutingTestSupport {
    @Test
    void everyCallLandsOnThePartitionsLeaderWhicheverNodeItEntersBy() {
        int n = 0;
        for (Map.Entry<PartitionId, List<PrimaryKey>> partition : keysByPartition.entrySet()) {
            long leader = leaderOf(partition.getKey());
            for (PrimaryKey key : partition.getValue().subList(0, 3)) {
                long entry = n++ % 3 + 1;
                put(entry, key, n).join();
                for (RoutingCluster.Node node : cluster.nodes) {
                    StoredItem stored = node.local.get(partition.getKey(), cluster.itemKey(key), true);
                    assertThat(stored != null).as("item on node %s (leader %s)", node.id, leader)
                            .isEqualTo(node.id == leader);
                }
                for (RoutingCluster.Node node : cluster.nodes) {
                    assertThat(node.node.getItem(table, key, true).item()).isEqualTo(item(key, n));
                }
            }
        }
        assertThat(cluster.nodes).allSatisfy(node -> assertThat(node.refusals).hasValue(0));
        // route(table, index, hash) agrees with the map: descriptor, group, leader.
        PrimaryKey key = keysByPartition.values().iterator().next().get(0);
        Router.Target target = cluster.node(2).router.route(table.id(), KeyLayout.BASE_TABLE_INDEX,
                KeyLayout.hashOfItemKey(cluster.itemKey(key)));
        assertThat(target.descriptor().id()).isEqualTo(cluster.partitionOf(key));
        assertThat(target.group()).isEqualTo(cluster.groupOf(target.descriptor().id()));
        assertThat(target.node()).isEqualTo(leaderOf(target.descriptor().id()));
    }

    @Test
    void aStaleLeaderHintIsCorrectedByNotLeaderAndRemembered() {
        PartitionId partition = partitionLedBy(2);
        long group = cluster.groupOf(partition);
        cluster.freezeViews();
        cluster.change(state -> RoutingCluster.withGroup(state, group, List.of(1L, 2L, 3L), 3));
        PrimaryKey key = keysByPartition.get(partition).get(0);

        put(1, key, 1).join();
        assertThat(cluster.node(2).refusals).hasValue(1);
        assertThat(cluster.node(3).local.get(partition, cluster.itemKey(key), true)).isNotNull();
        assertThat(cluster.node(2).local.get(partition, cluster.itemKey(key), true)).isNull();

        // The hint is cached: the next call goes straight to the new leader.
        put(1, keysByPartition.get(partition).get(1), 2).join();
        assertThat(cluster.node(2).refusals).hasValue(1);
        assertThat(cluster.node(1).router.route(partition).orElseThrow().node()).isEqualTo(3);
        assertThat(cluster.node(1).view.current().version()).isEqualTo(1);
    }

    /**
     * Found by TestClusterIsolation (basalt-cli): a hint learned from a NOT_LEADER answer outlived the leader change
     * that the node's own map showed later, so the node kept sending writes to the deposed leader, cut off from it, and
     * each waited out the routing deadline as an ambiguous 500 while the new leader served.
     */
    @Test
    void aLearnedHintGivesWayWhenTheMapShowsANewerLeader() {
        PartitionId partition = partitionLedBy(2);
        long group = cluster.groupOf(partition);
        // Node 1's map says node 3 leads; node 3's NOT_LEADER answer teaches node 1's Router that node 2 does.
        cluster.node(1).view.set(RoutingCluster.withGroup(cluster.truth.get(), group, List.of(1L, 2L, 3L), 3));
        put(1, keysByPartition.get(partition).get(0), 1).join();
        assertThat(cluster.node(1).router.route(partition).orElseThrow().node()).isEqualTo(2);

        // Node 1's map catches up (its Raft member hears from node 2), then loses the leader (an election), then
        // names node 3: node 2 is cut off and node 3 took over.
        cluster.node(1).view.set(cluster.truth.get());
        assertThat(cluster.node(1).router.route(partition).orElseThrow().node()).isEqualTo(2);
        cluster.node(1).transport.injectFault(cluster.node(2).transport.localAddress(), RpcFault.drop());
        cluster.node(1).view.set(RoutingCluster.withGroup(cluster.truth.get(), group, List.of(1L, 2L, 3L), 0));
        cluster.change(state -> RoutingCluster.withGroup(state, group, List.of(1L, 2L, 3L), 3));
        cluster.node(1).view.set(cluster.truth.get());

        assertThat(cluster.node(1).router.route(partition).orElseThrow().node()).isEqualTo(3);
        PrimaryKey key = keysByPartition.get(partition).get(1);
        put(1, key, 2).join();
        assertThat(cluster.node(3).local.get(partition, cluster.itemKey(key), true)).isNotNull();
    }

    /**
     * Found by TestClusterIsolation (basalt-cli): while the entry node's own member knew no leader (an election), a
     * write went to the first member — the deposed, cut-off leader — and waited out the deadline as an ambiguous 500.
     * It waits for the election instead, and the new leader serves it.
     */
    @Test
    void aCallWaitsForAnElectionItsNodesMemberSeesRatherThanTryingTheDeposedLeader() throws Exception {
        PartitionId partition = partitionLedBy(1);
        long group = cluster.groupOf(partition);
        cluster.node(2).transport.injectFault(cluster.node(1).transport.localAddress(), RpcFault.drop());
        cluster.change(state -> RoutingCluster.withGroup(state, group, List.of(1L, 2L, 3L), 0));
        cluster.freezeViews();
        PrimaryKey key = keysByPartition.get(partition).get(0);
        CompletableFuture<EvaluatedWrite> write = put(2, key, 1);
        Thread.sleep(300);
        assertThat(write).isNotDone();
        cluster.change(state -> RoutingCluster.withGroup(state, group, List.of(1L, 2L, 3L), 3));
        cluster.freezeViews();
        write.join();
        assertThat(cluster.node(3).local.get(partition, cluster.itemKey(key), true)).isNotNull();
    }

    /** A node the placement puts in the group, without a member running yet, asks the others instead of waiting. */
    @Test
    void aNodeWithoutItsMemberYetAsksTheOthersInsteadOfWaiting() {
        PartitionId partition = partitionLedBy(3);
        long group = cluster.groupOf(partition);
        cluster.node(2).view.set(RoutingCluster.withGroup(cluster.truth.get(), group, List.of(1L, 2L, 3L), 0));
        cluster.forcedAnswers.put(2L, Map.of(partition, new RpcResponse.WrongPartition(1, partition)));
        PrimaryKey key = keysByPartition.get(partition).get(0);
        long start = System.nanoTime();
        put(2, key, 1).join();
        assertThat(elapsedMillis(start)).isLessThan(DEADLINE.toMillis() / 2);
        assertThat(cluster.node(3).local.get(partition, cluster.itemKey(key), true)).isNotNull();
    }

    /** With no leader known until the deadline, the call fails as unavailable (503), never as ambiguous. */
    @Test
    void aCallThatSeesNoLeaderUntilTheDeadlineIsA503() {
        PartitionId partition = partitionLedBy(1);
        long group = cluster.groupOf(partition);
        cluster.change(state -> RoutingCluster.withGroup(state, group, List.of(1L, 2L, 3L), 0));
        cluster.freezeViews();
        long start = System.nanoTime();
        assertServerError(put(2, keysByPartition.get(partition).get(0), 1), ErrorCode.SERVICE_UNAVAILABLE,
                "DynamoDB is currently unavailable. (This should be a temporary state.)");
        assertThat(elapsedMillis(start)).isBetween(DEADLINE.toMillis() - 50, DEADLINE.toMillis() + 3_000);
    }

    /** A write that got no answer from a node does not leave the next calls insisting on that node's hint. */
    @Test
    void aWriteWithNoAnswerForgetsTheHintItFollowed() {
        PartitionId partition = partitionLedBy(2);
        long group = cluster.groupOf(partition);
        cluster.node(1).view.set(RoutingCluster.withGroup(cluster.truth.get(), group, List.of(1L, 2L, 3L), 3));
        put(1, keysByPartition.get(partition).get(0), 1).join();
        assertThat(cluster.node(1).router.route(partition).orElseThrow().node()).isEqualTo(2);

        cluster.node(1).transport.injectFault(cluster.node(2).transport.localAddress(), RpcFault.drop());
        assertServerError(put(1, keysByPartition.get(partition).get(1), 2), ErrorCode.INTERNAL_SERVER_ERROR,
                "Internal server error");
        // Back to the map's hint (node 3 here), which answers NOT_LEADER or serves once the group has moved.
        assertThat(cluster.node(1).router.route(partition).orElseThrow().node()).isEqualTo(3);
    }

    @Test
    void aStaleHintPointingAtTheCallingNodeItselfIsCorrectedToo() {
        PartitionId partition = partitionLedBy(1);
        long group = cluster.groupOf(partition);
        cluster.freezeViews();
        cluster.change(state -> RoutingCluster.withGroup(state, group, List.of(1L, 2L, 3L), 2));
        PrimaryKey key = keysByPartition.get(partition).get(0);
        put(1, key, 1).join();
        assertThat(cluster.node(1).local.get(partition, cluster.itemKey(key), true)).isNull();
        assertThat(cluster.node(2).local.get(partition, cluster.itemKey(key), true)).isNotNull();
        assertThat(cluster.node(1).node.getItem(table, key, true).item()).isEqualTo(item(key, 1));
    }
}
