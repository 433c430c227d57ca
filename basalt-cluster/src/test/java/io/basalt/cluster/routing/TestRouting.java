package io.basalt.cluster.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.TableKeys;
import io.basalt.cluster.TableReads;
import io.basalt.cluster.TableMetadata;
import io.basalt.cluster.TransactionGet;
import io.basalt.cluster.rpc.RpcFault;
import io.basalt.cluster.rpc.RpcResponse;
import io.basalt.expressions.keys.KeyCondition;
import io.basalt.model.AttributeValue;
import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.model.Item;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.EvaluatedWrite;
import io.basalt.partition.ItemOperation;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionMap;
import io.basalt.partition.PutItemOperation;
import io.basalt.partition.encoding.StoredItem;
import io.basalt.partition.read.FetchMode;
import io.basalt.partition.read.ReadResult;
import io.basalt.partition.read.ReadSource;
import io.basalt.partition.read.ReadSpec;
import io.basalt.partition.read.ScanRange;
import io.basalt.partition.read.StopReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Router's retry table (docs/design/cluster.md §12.3) and the batch fan-out (§12.4) between three in-JVM nodes,
 * each a real {@code BasaltNode} serving its partitions over a real {@code NettyRpcTransport}, where the test's
 * cluster map says which node leads which partition: calls land on the leader whatever node they enter by; a stale
 * leader hint is corrected by NOT_LEADER, a moved partition by WRONG_PARTITION and a map refresh, a node that is down
 * by the next member or a 503 at the routing deadline; an ambiguous write is a 500; batches report what they could
 * not reach as unprocessed; Query and Scan pages are read at the leaders of partitions on other nodes.
 */
@Timeout(120)
class TestRouting {
    private static final Duration DEADLINE = Duration.ofMillis(1_500);

    private RoutingCluster cluster;
    private TableMetadata table;
    /** Keys by the partition that holds them, 12 per partition. */
    private final Map<PartitionId, List<PrimaryKey>> keysByPartition = new LinkedHashMap<>();

    @BeforeEach
    void start() {
        cluster = new RoutingCluster(3, 4, DEADLINE);
        table = cluster.table;
        for (int i = 0; keysByPartition.size() < 4 || keysByPartition.values().stream().anyMatch(k -> k.size() < 12);
                i++) {
            PrimaryKey key = key("k" + i);
            keysByPartition.computeIfAbsent(cluster.partitionOf(key), p -> new ArrayList<>()).add(key);
        }
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

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

    @Test
    void aMovedPartitionAnswersWrongPartitionAndTheMapIsRefreshed() {
        PartitionId partition = partitionLedBy(2);
        cluster.freezeViews();
        // The partition moves to a new group that only node 3 hosts.
        ClusterState moved = cluster.change(state -> {
            List<PartitionDescriptor> descriptors = new ArrayList<>();
            for (PartitionDescriptor descriptor : cluster.table.partitions()) {
                PartitionDescriptor current = state.tryGetPartition(descriptor.id()).orElseThrow();
                descriptors.add(descriptor.id().equals(partition) ? RoutingCluster.inGroup(current, 900) : current);
            }
            ClusterState withMap = new ClusterState(state.version(), PartitionMap.of(descriptors), state.groups(),
                    state.nodes());
            return RoutingCluster.withGroup(withMap, 900, List.of(3L), 3);
        });
        PrimaryKey key = keysByPartition.get(partition).get(0);
        put(1, key, 7).join();
        assertThat(cluster.node(2).refusals).hasValue(1);
        assertThat(cluster.node(1).view.current().version()).isEqualTo(moved.version());
        assertThat(cluster.node(3).local.get(partition, cluster.itemKey(key), true)).isNotNull();
        // Node 2's map was stale too: it is refreshed by its own refusal's answer when it routes there.
        assertThat(cluster.node(2).node.getItem(table, key, true).item()).isEqualTo(item(key, 7));
    }

    @Test
    void aNodeThatIsDownIsSkippedForTheNextMember() {
        PartitionId partition = partitionLedBy(2);
        long group = cluster.groupOf(partition);
        cluster.freezeViews();
        cluster.kill(2);
        // The group elects node 3; node 1's map still names node 2.
        cluster.change(state -> RoutingCluster.withGroup(state, group, List.of(1L, 2L, 3L), 3));
        PrimaryKey key = keysByPartition.get(partition).get(0);
        put(1, key, 3).join();
        assertThat(cluster.node(3).local.get(partition, cluster.itemKey(key), true)).isNotNull();
        assertThat(cluster.node(1).node.getItem(table, key, true).item()).isEqualTo(item(key, 3));
    }

    /**
     * A leader that stops answering (paused, cut off: its connection stays open) while its group elects another: a
     * strong read sent to it is sent elsewhere after its attempt's timeout (half the routing deadline, at least 1 s),
     * not failed at the deadline; the node is then suspect, so the next call asks another member first, learns the
     * new leader from its NOT_LEADER answer and does not go back to the silent node.
     */
    @Test
    void aReadToANodeThatStoppedAnsweringIsSentElsewhereAndTheNodeIsPassedOver() {
        PartitionId partition = partitionLedBy(2);
        long group = cluster.groupOf(partition);
        List<PrimaryKey> keys = keysByPartition.get(partition);
        put(1, keys.get(0), 5).join();
        cluster.freezeViews();
        cluster.node(2).holding = true;
        // The group elects node 3 (which has the item: these nodes do not replicate, so it is written there too).
        cluster.change(state -> RoutingCluster.withGroup(state, group, List.of(1L, 2L, 3L), 3));
        cluster.node(3).view.set(cluster.truth.get());
        put(3, keys.get(0), 5).join();

        long start = System.nanoTime();
        assertThat(cluster.node(1).node.getItem(table, keys.get(0), true).item()).isEqualTo(item(keys.get(0), 5));
        assertThat(elapsedMillis(start)).as("ms until the read was answered").isLessThan(DEADLINE.toMillis());
        assertThat(cluster.node(2).held).hasValue(1);
        assertThat(cluster.node(1).router.isSuspect(2)).isTrue();

        // The next write goes to the new leader without waiting on the silent node again.
        start = System.nanoTime();
        put(1, keys.get(1), 6).join();
        assertThat(elapsedMillis(start)).as("ms until the write was answered").isLessThan(DEADLINE.toMillis());
        assertThat(cluster.node(2).held).hasValue(1);
        assertThat(cluster.node(3).local.get(partition, cluster.itemKey(keys.get(1)), true).item())
                .isEqualTo(item(keys.get(1), 6));
    }

    @Test
    void aPartitionWhoseOnlyMemberIsDownFailsWith503AtTheRoutingDeadline() {
        PartitionId partition = partitionLedBy(2);
        long group = cluster.groupOf(partition);
        cluster.change(state -> RoutingCluster.withGroup(state, group, List.of(2L), 2));
        cluster.kill(2);
        PrimaryKey key = keysByPartition.get(partition).get(0);
        long start = System.nanoTime();
        assertServerError(put(1, key, 1), ErrorCode.SERVICE_UNAVAILABLE,
                "DynamoDB is currently unavailable. (This should be a temporary state.)");
        assertThat(elapsedMillis(start)).isBetween(DEADLINE.toMillis() - 50, DEADLINE.toMillis() + 3_000);
        assertThatThrownBy(() -> cluster.node(1).node.getItem(table, key, true)).isInstanceOfSatisfying(
                BasaltException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE));
    }

    @Test
    void aWriteWithNoAnswerAfterItWasWrittenIsAmbiguousAndNeverRetried() {
        PartitionId partition = partitionLedBy(3);
        cluster.node(1).transport.injectFault(cluster.node(3).transport.localAddress(), RpcFault.drop());
        PrimaryKey key = keysByPartition.get(partition).get(0);
        long start = System.nanoTime();
        assertServerError(put(1, key, 1), ErrorCode.INTERNAL_SERVER_ERROR, "Internal server error");
        assertThat(elapsedMillis(start)).isLessThan(DEADLINE.toMillis() + 3_000);
        // A read that got no answer is safe to repeat: it keeps trying until the deadline, then is a 503.
        assertThatThrownBy(() -> cluster.node(1).node.getItem(table, key, true)).isInstanceOfSatisfying(
                BasaltException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE));
        cluster.node(1).transport.clearFault(cluster.node(3).transport.localAddress());
        put(1, key, 2).join();
        assertThat(cluster.node(1).node.getItem(table, key, true).item()).isEqualTo(item(key, 2));
    }

    @Test
    void aWriteWhoseServerDiesBeforeAnsweringIsA500() throws InterruptedException {
        PartitionId partition = partitionLedBy(3);
        PrimaryKey key = keysByPartition.get(partition).get(0);
        cluster.node(3).holding = true;
        CompletableFuture<EvaluatedWrite> write = put(1, key, 1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (cluster.node(3).held.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(cluster.node(3).held).hasValue(1);
        long start = System.nanoTime();
        cluster.kill(3);
        assertServerError(write, ErrorCode.INTERNAL_SERVER_ERROR, "Internal server error");
        // Failed when the connection closed, not at the routing deadline.
        assertThat(elapsedMillis(start)).isLessThan(DEADLINE.toMillis());
    }

    @Test
    void ambiguousIsA500NotReadyBacksOffNotAppliedIsResent() {
        PartitionId partition = partitionLedBy(3);
        PrimaryKey key = keysByPartition.get(partition).get(0);
        cluster.forcedAnswers.put(3L, Map.of(partition, new RpcResponse.Ambiguous()));
        assertServerError(put(1, key, 1), ErrorCode.INTERNAL_SERVER_ERROR, "Internal server error");
        assertThat(cluster.node(3).refusals).hasValue(1);

        // NOT_READY for 60 ms, then served: retried after 10, 20, 40 ms of backoff, not in a busy loop.
        cluster.node(3).refusals.set(0);
        cluster.forcedAnswers.put(3L, new ConcurrentHashMap<>(Map.of(partition,
                new RpcResponse.NotReady())));
        long start = System.nanoTime();
        CompletableFuture.delayedExecutor(60, TimeUnit.MILLISECONDS).execute(() -> cluster.forcedAnswers.remove(3L));
        put(1, key, 2).join();
        assertThat(elapsedMillis(start)).isGreaterThanOrEqualTo(60);
        assertThat(cluster.node(3).refusals.get()).isBetween(1, 6);
        assertThat(cluster.node(3).local.get(partition, cluster.itemKey(key), true)).isNotNull();

        cluster.node(3).refusals.set(0);
        cluster.forcedAnswers.put(3L, Map.of(partition, new RpcResponse.NotApplied()));
        CompletableFuture<EvaluatedWrite> resent = put(1, key, 3);
        CompletableFuture.delayedExecutor(30, TimeUnit.MILLISECONDS).execute(() -> cluster.forcedAnswers.remove(3L));
        resent.join();
        assertThat(cluster.node(3).refusals.get()).isGreaterThanOrEqualTo(1);
        assertThat(cluster.node(1).node.getItem(table, key, true).item()).isEqualTo(item(key, 3));
    }

    @Test
    void aPeerThatStaysOverloadedIsRetriedWithBackoffUntilA503() {
        PartitionId partition = partitionLedBy(3);
        PrimaryKey key = keysByPartition.get(partition).get(0);
        cluster.forcedAnswers.put(3L, Map.of(partition, new RpcResponse.Overloaded()));
        long start = System.nanoTime();
        assertServerError(put(1, key, 1), ErrorCode.SERVICE_UNAVAILABLE,
                "DynamoDB is currently unavailable. (This should be a temporary state.)");
        assertThat(elapsedMillis(start)).isGreaterThanOrEqualTo(DEADLINE.toMillis() - 50);
        // 10, 20, 40, 80, 160 ms, then every 200 ms: about a dozen attempts in 1.5 s, not a busy loop.
        assertThat(cluster.node(3).refusals.get()).isBetween(3, 20);
        assertThat(cluster.node(3).local.get(partition, cluster.itemKey(key), true)).isNull();
    }

    @Test
    void batchesFanOutPerNodeAndReportAnUnreachablePartitionAsUnprocessed() {
        PartitionId down = partitionLedBy(2);
        long group = cluster.groupOf(down);
        List<PrimaryKey> keys = new ArrayList<>();
        keysByPartition.values().forEach(partitionKeys -> keys.addAll(partitionKeys.subList(0, 4)));

        // Every partition reachable: one write per key, wherever it is served.
        List<CompletableFuture<EvaluatedWrite>> written = writeBatch(1, keys, 1);
        CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).join();
        List<TableReads> read = cluster.node(3).node.getItems(List.of(new TableKeys(table, keys, true)));
        assertThat(read.get(0).unreached()).isEmpty();
        for (int i = 0; i < keys.size(); i++) {
            assertThat(read.get(0).items().get(i).item()).isEqualTo(item(keys.get(i), 1));
        }

        // The group of one partition loses its only member.
        cluster.change(state -> RoutingCluster.withGroup(state, group, List.of(2L), 2));
        cluster.kill(2);
        List<CompletableFuture<EvaluatedWrite>> partial = writeBatch(1, keys, 2);
        for (int i = 0; i < keys.size(); i++) {
            if (cluster.partitionOf(keys.get(i)).equals(down)) {
                int position = i;
                assertThatThrownBy(() -> partial.get(position).join()).isInstanceOf(CompletionException.class)
                        .hasCauseInstanceOf(BasaltException.class)
                        .satisfies(e -> assertThat(((BasaltException) e.getCause()).code())
                                .isEqualTo(ErrorCode.SERVICE_UNAVAILABLE));
            } else {
                partial.get(i).join();
            }
        }
        List<TableReads> partialRead = cluster.node(1).node.getItems(List.of(new TableKeys(table, keys, false)));
        for (int i = 0; i < keys.size(); i++) {
            boolean unreachable = cluster.partitionOf(keys.get(i)).equals(down);
            assertThat(partialRead.get(0).isUnreached(i)).isEqualTo(unreachable);
            if (!unreachable) {
                assertThat(partialRead.get(0).items().get(i).item()).isEqualTo(item(keys.get(i), 2));
            }
        }
    }

    /**
     * A node's batch frame names two partitions it leads; one of them has just lost its leader to another node, which
     * the entry node's map does not show yet. The frame's node serves the parts of the partition it still leads and
     * answers NOT_LEADER for the others only (cluster.md §12.4), so just those go through the retry table: the node
     * receives the one frame, not the frame and then each of its parts again.
     */
    @Test
    void aBatchFrameIsRefusedOnlyForThePartitionsItsNodeDoesNotServe() {
        List<PartitionId> ledBy1 = keysByPartition.keySet().stream().filter(p -> leaderOf(p) == 1).toList();
        assertThat(ledBy1).hasSize(2);
        PartitionId kept = ledBy1.get(0);
        PartitionId moved = ledBy1.get(1);
        List<PrimaryKey> keys = new ArrayList<>(keysByPartition.get(kept).subList(0, 4));
        keys.addAll(keysByPartition.get(moved).subList(0, 4));
        cluster.freezeViews();
        cluster.change(state -> RoutingCluster.withGroup(state, cluster.groupOf(moved), List.of(1L, 2L, 3L), 3));
        int framesBefore = cluster.node(1).frames.get();

        List<CompletableFuture<EvaluatedWrite>> written = writeBatch(2, keys, 7);
        CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).join();
        assertThat(cluster.node(1).frames.get() - framesBefore).as("frames node 1 received").isEqualTo(1);
        for (PrimaryKey key : keys) {
            long leader = cluster.partitionOf(key).equals(moved) ? 3 : 1;
            for (RoutingCluster.Node node : cluster.nodes) {
                StoredItem stored = node.local.get(cluster.partitionOf(key), cluster.itemKey(key), true);
                assertThat(stored == null ? null : stored.item()).as("%s on node %s", key, node.id)
                        .isEqualTo(node.id == leader ? item(key, 7) : null);
            }
        }

        // The same for a BatchGetItem entered at node 3, whose map is as stale: node 1 answers its partition's
        // groups and refuses the moved one's alone, which node 3 then serves itself.
        framesBefore = cluster.node(1).frames.get();
        List<TableReads> read = cluster.node(3).node.getItems(List.of(new TableKeys(table, keys, true)));
        assertThat(read.get(0).unreached()).isEmpty();
        for (int i = 0; i < keys.size(); i++) {
            assertThat(read.get(0).items().get(i).item()).isEqualTo(item(keys.get(i), 7));
        }
        assertThat(cluster.node(1).frames.get() - framesBefore).as("frames node 1 received").isEqualTo(1);
    }

    @Test
    void eventualReadsAreServedByTheEntryNodesOwnMemberAndStrongReadsByTheLeader() {
        cluster.close();
        cluster = new RoutingCluster(3, 4, DEADLINE, true);
        table = cluster.table;
        PartitionId partition = partitionLedBy(2);
        PrimaryKey key = keysByPartition.get(partition).get(0);
        put(1, key, 7).join();
        // Node 1 hosts a member of every group: its eventual reads never leave it, and its member (which, in this
        // cluster without replication, never catches up) has nothing yet. A strong read goes to the leader.
        int before = cluster.node(2).served.get();
        assertThat(cluster.node(1).node.getItem(table, key, false)).isNull();
        assertThat(cluster.node(1).node.getItems(List.of(new TableKeys(table, List.of(key), false))).get(0).items())
                .containsExactly((StoredItem) null);
        assertThat(cluster.node(2).served.get()).as("no frame reached the leader").isEqualTo(before);
        assertThat(cluster.node(1).node.getItem(table, key, true).item()).isEqualTo(item(key, 7));
        assertThat(cluster.node(1).node.getItems(List.of(new TableKeys(table, List.of(key), true))).get(0).items()
                .get(0).item()).isEqualTo(item(key, 7));
        // On the leader's own node, its member is the leader: eventual reads see the write.
        assertThat(cluster.node(2).node.getItem(table, key, false).item()).isEqualTo(item(key, 7));
    }

    @Test
    void transactionsRunTheirRoundsOnEachPartitionsLeader() {
        List<PrimaryKey> keys = new ArrayList<>();
        keysByPartition.values().forEach(partitionKeys -> keys.add(partitionKeys.get(0)));
        for (PrimaryKey key : keys) {
            put(2, key, 5).join();
        }
        List<TransactionGet> gets = new ArrayList<>();
        keys.forEach(key -> gets.add(new TransactionGet(table, key)));
        List<Item> items = cluster.node(1).node.transactGet(gets).join();
        for (int i = 0; i < keys.size(); i++) {
            assertThat(items.get(i)).isEqualTo(item(keys.get(i), 5));
        }
    }

    @Test
    void queryAndScanPagesAreReadFromThePartitionsLeadersOnOtherNodes() {
        List<PrimaryKey> keys = new ArrayList<>();
        keysByPartition.values().forEach(keys::addAll);
        for (PrimaryKey key : keys) {
            put(2, key, 3).join();
        }
        PartitionId elsewhere = partitionLedBy(2);
        PrimaryKey remote = keysByPartition.get(elsewhere).get(0);
        assertThat(cluster.node(1).local.get(elsewhere, cluster.itemKey(remote), true)).as("not on node 1").isNull();
        for (PrimaryKey key : keys) {
            ReadResult page = read(1, new ReadSpec(table.id(), ReadSource.BASE, new KeyCondition(
                    List.of(key.partitionValue()), List.of(), Optional.empty()), null, true, 100,
                    ReadSpec.MAX_PAGE_BYTES, null, null, false, FetchMode.NONE, null, true), null);
            assertThat(page.items()).singleElement().satisfies(stored -> assertThat(stored.item())
                    .isEqualTo(item(key, 3)));
        }
        // A Scan page carries what is left of Limit from one partition (and node) to the next; the items come in
        // hash order, then key order, as from one storage.
        List<Item> expected = keys.stream().sorted((a, b) -> Arrays.compareUnsigned(cluster.itemKey(a),
                cluster.itemKey(b))).map(key -> item(key, 3)).toList();
        assertThat(scan(1, ScanRange.ALL, 7)).isEqualTo(expected);
        assertThat(scan(3, ScanRange.ALL, 1000)).isEqualTo(expected);
        List<Item> segments = new ArrayList<>();
        for (int segment = 0; segment < 3; segment++) {
            segments.addAll(scan(segment + 1, new ScanRange(segment, 3), 5));
        }
        assertThat(segments).isEqualTo(expected);

        // A stale leader hint: NOT_LEADER, then the page is read at the leader it names.
        long group = cluster.groupOf(elsewhere);
        cluster.freezeViews();
        cluster.change(state -> RoutingCluster.withGroup(state, group, List.of(1L, 2L, 3L), 3));
        PrimaryKey moved = keysByPartition.get(elsewhere).get(1);
        cluster.node(3).view.set(cluster.truth.get());
        put(3, moved, 4).join();
        int refusals = cluster.node(2).refusals.get();
        ReadResult page = read(1, new ReadSpec(table.id(), ReadSource.BASE, new KeyCondition(
                List.of(moved.partitionValue()), List.of(), Optional.empty()), null, true, 100,
                ReadSpec.MAX_PAGE_BYTES, null, null, false, FetchMode.NONE, null, true), null);
        assertThat(page.items()).singleElement().satisfies(stored -> assertThat(stored.item())
                .isEqualTo(item(moved, 4)));
        assertThat(cluster.node(2).refusals.get()).isEqualTo(refusals + 1);

        // A partition that cannot be reached: the page fails with DynamoDB's 503 at the routing deadline.
        cluster.change(state -> RoutingCluster.withGroup(state, group, List.of(3L), 3));
        cluster.node(1).view.set(cluster.truth.get());
        cluster.kill(3);
        assertThatThrownBy(() -> scan(1, ScanRange.ALL, 1000)).isInstanceOfSatisfying(BasaltException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE));
    }

    /** Every item of a Scan of {@code range} entered at node {@code entry}, page by page of {@code limit}. */
    private List<Item> scan(long entry, ScanRange range, int limit) {
        List<Item> items = new ArrayList<>();
        Item start = null;
        for (int pages = 0; pages < 1_000; pages++) {
            ReadResult page = read(entry, new ReadSpec(table.id(), ReadSource.BASE, null, range, true, limit,
                    ReadSpec.MAX_PAGE_BYTES, null, null, false, FetchMode.NONE, null, true), start);
            page.items().forEach(stored -> items.add(stored.item()));
            assertThat(page.scannedCount()).isLessThanOrEqualTo(limit);
            if (page.stopReason() == StopReason.EXHAUSTED) {
                return items;
            }
            start = page.lastEvaluatedKey();
        }
        throw new AssertionError("the Scan did not end");
    }

    private ReadResult read(long entry, ReadSpec spec, Item start) {
        ReadSpec from = new ReadSpec(spec.tableId(), spec.source(), spec.keyCondition(), spec.scanRange(),
                spec.forward(), spec.limit(), spec.byteBudget(), spec.filter(), spec.projection(), spec.countOnly(),
                spec.fetch(), start, spec.consistent());
        BasaltNode node = cluster.node(entry).node;
        return node.read(table, node.planRead(table, from));
    }

    // ---- helpers ----

    private long leaderOf(PartitionId partition) {
        return cluster.truth.get().getGroup(cluster.groupOf(partition)).leaderHint();
    }

    private PartitionId partitionLedBy(long node) {
        return keysByPartition.keySet().stream().filter(partition -> leaderOf(partition) == node).findFirst()
                .orElseThrow();
    }

    private CompletableFuture<EvaluatedWrite> put(long entry, PrimaryKey key, int n) {
        return cluster.node(entry).node.write(table, new PutItemOperation(key, item(key, n)));
    }

    private List<CompletableFuture<EvaluatedWrite>> writeBatch(long entry, List<PrimaryKey> keys, int n) {
        List<TableMetadata> tables = new ArrayList<>();
        List<ItemOperation> operations = new ArrayList<>();
        for (PrimaryKey key : keys) {
            tables.add(table);
            operations.add(new PutItemOperation(key, item(key, n)));
        }
        return cluster.node(entry).node.writeBatch(tables, operations);
    }

    private static void assertServerError(CompletableFuture<?> call, ErrorCode code, String message) {
        assertThatThrownBy(call::join).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(BasaltException.class)
                .satisfies(e -> {
                    BasaltException error = (BasaltException) e.getCause();
                    assertThat(error.code()).isEqualTo(code);
                    assertThat(error.getMessage()).isEqualTo(message);
                });
    }

    private static long elapsedMillis(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    private static PrimaryKey key(String pk) {
        return new PrimaryKey(AttributeValue.string(pk), Optional.empty());
    }

    private static Item item(PrimaryKey key, int n) {
        return new Item(Map.of("pk", key.partitionValue(), "n", AttributeValue.number(n)));
    }
}
