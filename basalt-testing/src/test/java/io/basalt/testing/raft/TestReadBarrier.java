package io.basalt.testing.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.replication.raft.GroupReads;
import io.basalt.replication.raft.ProposalOutcome;
import io.basalt.replication.raft.RaftConfig;
import io.basalt.replication.raft.RaftTransport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The strong-read barrier (docs/design/cluster.md §10): only a member that can prove it leads passes it. */
@Tag("raft")
@Timeout(120)
class TestReadBarrier {
    private static final long GROUP = 1;

    @TempDir
    Path directory;

    @ParameterizedTest(name = "leader lease {0}")
    @ValueSource(booleans = {true, false})
    void aDeposedLeadersBarrierFailsAndTheNewLeadersPasses(boolean lease) throws Exception {
        try (RaftGroupHarness harness = RaftGroupHarness.builder(directory)
                .config(RaftGroupHarness.testConfig().withLeaderLease(lease)).start()) {
            int leader = harness.awaitLeader(GROUP, Duration.ofSeconds(15));
            harness.leader(leader, GROUP, 0).write(RaftTestItems.itemKey(harness, GROUP, "a"),
                    RaftTestItems.put("a", 1)).get(10, TimeUnit.SECONDS);
            reads(harness, leader).barrier().get(5, TimeUnit.SECONDS);
            int follower = (leader + 1) % harness.nodeCount();
            assertBarrierFails(reads(harness, follower));

            int target = (leader + 2) % harness.nodeCount();
            harness.node(leader).transferLeadership(GROUP, "n" + (target + 1), Duration.ofSeconds(5));
            assertThat(harness.awaitLeader(GROUP, Duration.ofSeconds(15))).isEqualTo(target);
            assertBarrierFails(reads(harness, leader));
            reads(harness, target).barrier().get(5, TimeUnit.SECONDS);
            // The new leader's storage holds the acknowledged write once its barrier passed.
            byte[] stored = harness.member(target, GROUP).stateMachine()
                    .readStorage(storage -> storage.get(RaftTestItems.itemKey(harness, GROUP, "a")));
            assertThat(stored).isNotNull();
        }
    }

    @Test
    void aLeaderCutOffFromItsMajorityFailsItsBarrier() throws Exception {
        try (RaftGroupHarness harness = RaftGroupHarness.builder(directory).start()) {
            int leader = harness.awaitLeader(GROUP, Duration.ofSeconds(15));
            reads(harness, leader).barrier().get(5, TimeUnit.SECONDS);
            for (int node = 0; node < harness.nodeCount(); node++) {
                if (node != leader) {
                    harness.stop(node);
                }
            }
            // A lease granted by the last answered heartbeats may still be fresh (0.9 × the 500 ms minimum election
            // timeout): no other leader can exist before it runs out, so passing then is still linearizable. After
            // it, neither the lease (no heartbeat answered) nor a ReadIndex round (no majority) can pass.
            Thread.sleep(1000);
            long started = System.nanoTime();
            assertBarrierFails(reads(harness, leader));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        }
    }

    /** Without the lease each round is a ReadIndex heartbeat round, and barriers arriving meanwhile share one. */
    @Test
    void concurrentBarriersShareRounds() throws Exception {
        try (RaftGroupHarness harness = RaftGroupHarness.builder(directory)
                .config(RaftGroupHarness.testConfig().withLeaderLease(false)).start()) {
            int leader = harness.awaitLeader(GROUP, Duration.ofSeconds(15));
            GroupReads reads = reads(harness, leader);
            long roundsBefore = reads.rounds();
            List<CompletableFuture<Void>> barriers = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                barriers.add(reads.barrier());
            }
            CompletableFuture.allOf(barriers.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            assertThat(reads.rounds() - roundsBefore).isBetween(1L, 199L);
        }
    }

    /**
     * A follower's replica barrier (§10; cluster.md §20 step 12) completes once the follower applied every write
     * acknowledged before it began, on either transport: gRPC answers it with Ratis' ReadIndex between members, Netty
     * (which has no such call in Ratis 3.3.0) with the leader's applied index over the client RPC. Heartbeats here
     * are 1.5 s apart and the writes follow each other at once, so what a follower holds right after each write is
     * whatever the barrier waited for.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(RaftTransport.class)
    void aFollowersReplicaBarrierSeesEveryAcknowledgedWrite(RaftTransport transport) throws Exception {
        RaftConfig config = RaftGroupHarness.testConfig().withTransport(transport)
                .withElectionTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(6));
        try (RaftGroupHarness harness = RaftGroupHarness.builder(directory).config(config).start()) {
            int leader = harness.awaitLeader(GROUP, Duration.ofSeconds(20));
            for (int i = 0; i < 20; i++) {
                String pk = "r" + i;
                harness.leader(leader, GROUP, RaftTestItems.partitionOf(harness, GROUP, pk))
                        .write(RaftTestItems.itemKey(harness, GROUP, pk), RaftTestItems.put(pk, i))
                        .get(10, TimeUnit.SECONDS);
                int follower = (leader + 1 + i % 2) % harness.nodeCount();
                reads(harness, follower).replicaBarrier().get(10, TimeUnit.SECONDS);
                byte[] stored = harness.member(follower, GROUP).stateMachine()
                        .readStorage(storage -> storage.get(RaftTestItems.itemKey(harness, GROUP, pk)));
                assertThat(stored).as("node %d holds %s after its barrier", follower, pk).isNotNull();
            }
            reads(harness, leader).replicaBarrier().get(10, TimeUnit.SECONDS);
        }
    }

    /** A follower that cannot reach a leader fails its replica barrier (NOT_READY) rather than read stale data. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(RaftTransport.class)
    void aFollowersReplicaBarrierFailsWithoutALeader(RaftTransport transport) throws Exception {
        try (RaftGroupHarness harness = RaftGroupHarness.builder(directory)
                .config(RaftGroupHarness.testConfig().withTransport(transport)).start()) {
            int leader = harness.awaitLeader(GROUP, Duration.ofSeconds(15));
            int follower = (leader + 1) % harness.nodeCount();
            reads(harness, follower).replicaBarrier().get(10, TimeUnit.SECONDS);
            for (int node = 0; node < harness.nodeCount(); node++) {
                if (node != follower) {
                    harness.stop(node);
                }
            }
            long started = System.nanoTime();
            assertThatThrownBy(() -> reads(harness, follower).replicaBarrier().get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(ProposalOutcome.class)
                    .satisfies(e -> assertThat(((ProposalOutcome) e).reason())
                            .isEqualTo(ProposalOutcome.Reason.NOT_READY));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        }
    }

    private static GroupReads reads(RaftGroupHarness harness, int node) {
        return harness.member(node, GROUP).reads();
    }

    private static void assertBarrierFails(GroupReads reads) {
        assertThatThrownBy(() -> reads.barrier().get(20, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(ProposalOutcome.class)
                .satisfies(e -> assertThat(((ProposalOutcome) e).reason())
                        .isEqualTo(ProposalOutcome.Reason.NOT_LEADER));
    }
}
