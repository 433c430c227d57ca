package io.basalt.testing.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.replication.PartitionLeader;
import io.basalt.replication.raft.RaftConfig;
import io.basalt.replication.raft.RaftTransport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Followers learn a new commit index at once, without Ratis' log metadata entries (docs/design/cluster.md §18):
 * the leader's appender sends an empty append when only the commit index is news ({@code CommitPushingGrpc},
 * {@code CommitPushingNetty}), on either transport.
 * Heartbeats here are 3 s apart (half the 6 s minimum election timeout), so a follower that waited for one would
 * apply a lone write about 1.5 s late on average; each of five lone writes must be applied by both followers
 * within 1 s.
 */
@Tag("raft")
@Timeout(90)
class TestCommitPush {
    private static final long GROUP = 1;
    private static final Duration APPLIED_WITHIN = Duration.ofSeconds(1);

    @TempDir
    Path directory;

    @ParameterizedTest(name = "{0}")
    @EnumSource(RaftTransport.class)
    void followersApplyALoneWriteWithoutWaitingForAHeartbeat(RaftTransport transport) throws Exception {
        RaftConfig slowHeartbeats = RaftGroupHarness.testConfig()
                .withElectionTimeouts(Duration.ofSeconds(6), Duration.ofSeconds(12)).withTransport(transport);
        try (RaftGroupHarness harness = RaftGroupHarness.builder(directory).config(slowHeartbeats).start()) {
            int leaderNode = harness.awaitLeader(GROUP, Duration.ofSeconds(15));
            List<Long> lags = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Thread.sleep(700);   // the group idles: nothing else is sent until the write
                String pk = "lone" + i;
                PartitionLeader leader = harness.leader(leaderNode, GROUP,
                        RaftTestItems.partitionOf(harness, GROUP, pk));
                leader.write(RaftTestItems.itemKey(harness, GROUP, pk), RaftTestItems.put(pk, i))
                        .get(10, TimeUnit.SECONDS);
                long written = System.nanoTime();
                long index = applied(harness, leaderNode);
                for (int node = 0; node < harness.nodeCount(); node++) {
                    if (node == leaderNode) {
                        continue;
                    }
                    long deadline = written + TimeUnit.SECONDS.toNanos(10);
                    while (applied(harness, node) < index && System.nanoTime() < deadline) {
                        Thread.sleep(5);
                    }
                    assertThat(applied(harness, node)).as("node %d applied the write", node)
                            .isGreaterThanOrEqualTo(index);
                    lags.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - written));
                }
            }
            assertThat(lags).as("ms from a write's acknowledgement to each follower applying it")
                    .allSatisfy(lag -> assertThat(lag).isLessThan(APPLIED_WITHIN.toMillis()));
        }
    }

    private static long applied(RaftGroupHarness harness, int node) {
        return harness.member(node, GROUP).stateMachine().lastAppliedIndex();
    }
}
