package io.basalt.cluster.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.cluster.rpc.RpcFault;
import io.basalt.cluster.rpc.RpcResponse;
import io.basalt.cluster.rpc.RpcTransportException;
import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.EvaluatedWrite;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionMap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Router's answers to failures (docs/design/cluster.md §12.3): a moved partition by WRONG_PARTITION and a map
 * refresh, a node that is down or stopped answering by the next member or a 503 at the routing deadline, an
 * ambiguous write by a 500 and never a retry, NOT_READY and OVERLOADED by backing off.
 */
class TestRoutingFailures extends RoutingTestSupport {
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

    /**
     * A leader that stops answering with a write of this node in flight (cut off: its connection stays open), while
     * its group elects another (TestClusterIsolation): the write ends as an ambiguous 500 once this node's map names
     * the new leader, not at the routing deadline; the client's retry is served by the new leader.
     */
    @Test
    void aWriteToALeaderThatWasReplacedEndsAsA500OnceTheNewLeaderIsKnown() throws InterruptedException {
        PartitionId partition = partitionLedBy(2);
        long group = cluster.groupOf(partition);
        PrimaryKey key = keysByPartition.get(partition).get(0);
        cluster.freezeViews();
        cluster.node(2).holding = true;
        long start = System.nanoTime();
        CompletableFuture<EvaluatedWrite> write = put(1, key, 1);
        awaitHeld(2);
        // The others elect node 3, and node 1's member learns it (its map follows its member).
        cluster.change(state -> RoutingCluster.withGroup(state, group, List.of(1L, 2L, 3L), 3));
        cluster.node(1).view.set(cluster.truth.get());
        assertServerError(write, ErrorCode.INTERNAL_SERVER_ERROR, "Internal server error");
        assertThat(elapsedMillis(start)).as("ms until the write was answered").isLessThan(DEADLINE.toMillis());
        assertThatThrownBy(write::join).rootCause().isInstanceOfSatisfying(RpcTransportException.class,
                cause -> assertThat(cause.failure()).isEqualTo(RpcTransportException.Failure.LEADER_CHANGED));
        // The SDK retries the 500: the new leader serves it.
        put(1, key, 1).join();
        assertThat(cluster.node(3).local.get(partition, cluster.itemKey(key), true).item()).isEqualTo(item(key, 1));
    }

    /**
     * A slow leader that stays leader (its member's election came to nothing, or named it again): the write in flight
     * to it is not cut short, and is acknowledged when it answers.
     */
    @Test
    void aWriteToASlowLeaderThatStaysLeaderIsNotCutShort() throws InterruptedException {
        PartitionId partition = partitionLedBy(2);
        long group = cluster.groupOf(partition);
        PrimaryKey key = keysByPartition.get(partition).get(0);
        cluster.freezeViews();
        cluster.node(1).transport.injectFault(cluster.node(2).transport.localAddress(),
                RpcFault.delay(Duration.ofMillis(900)));
        CompletableFuture<EvaluatedWrite> write = put(1, key, 1);
        Thread.sleep(300);
        cluster.node(1).view.set(RoutingCluster.withGroup(cluster.truth.get(), group, List.of(1L, 2L, 3L), 0));
        Thread.sleep(300);
        cluster.node(1).view.set(cluster.truth.get());
        write.join();
        assertThat(cluster.node(2).local.get(partition, cluster.itemKey(key), true).item()).isEqualTo(item(key, 1));
    }

    private void awaitHeld(long node) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (cluster.node(node).held.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(cluster.node(node).held).hasValue(1);
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
        awaitHeld(3);
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
}
