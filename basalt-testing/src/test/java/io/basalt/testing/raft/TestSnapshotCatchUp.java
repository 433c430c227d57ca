package io.basalt.testing.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.partition.EvaluatedWrite;
import io.basalt.replication.raft.RaftConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Snapshots as storage checkpoints (docs/design/cluster.md §6.5): a follower that was stopped while the leader's log
 * was purged past its position gets the leader's checkpoint files from Ratis, swaps them in as its database, and
 * converges; members restart from their checkpoints and logs.
 */
@Tag("raft")
@Timeout(120)
class TestSnapshotCatchUp {
    private static final long GROUP = 1;

    @TempDir
    Path directory;

    /** Snapshots every 40 entries, purges up to them, and rolls log segments at 16 KB so that purges happen. */
    private static RaftConfig purgingConfig() {
        return RaftGroupHarness.testConfig().withSnapshots(40, true, 0, 8).withLogSegments(16 * 1024, 4 * 1024);
    }

    @ParameterizedTest(name = "in memory: {0}")
    @ValueSource(booleans = {false, true})
    void aFollowerBehindThePurgedLogCatchesUpBySnapshotAndConverges(boolean inMemory) throws Exception {
        try (RaftGroupHarness harness = RaftGroupHarness.builder(directory).partitionsPerGroup(2)
                .config(purgingConfig()).inMemory(inMemory).start()) {
            int leader = harness.awaitLeader(GROUP, Duration.ofSeconds(15));
            write(harness, leader, "early", 20);
            harness.awaitConverged(GROUP, Duration.ofSeconds(15));
            int follower = (leader + 1) % harness.nodeCount();
            long followerApplied = harness.member(follower, GROUP).stateMachine().lastAppliedIndex();
            harness.stop(follower);

            write(harness, leader, "late", 400);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (harness.node(leader).logStartIndex(GROUP) <= followerApplied + 1 && System.nanoTime() < deadline) {
                write(harness, leader, "more" + System.nanoTime() + "-", 20);
            }
            assertThat(harness.node(leader).logStartIndex(GROUP)).isGreaterThan(followerApplied + 1);
            assertThat(harness.member(leader, GROUP).stateMachine().latestSnapshotIndex()).isPositive();

            harness.restart(follower);
            String checksum = harness.awaitConverged(GROUP, Duration.ofSeconds(60));
            assertThat(harness.member(follower, GROUP).stateMachine().installedSnapshots()).isPositive();
            assertThat(harness.checksum(follower, GROUP)).isEqualTo(checksum);

            // The installed checkpoint is now the follower's database and its own latest snapshot: it keeps
            // applying on top of it, and comes back from it after a restart.
            write(harness, leader, "after", 30);
            harness.awaitConverged(GROUP, Duration.ofSeconds(30));
            harness.stop(follower);
            harness.restart(follower);
            write(harness, leader, "restarted", 10);
            harness.awaitConverged(GROUP, Duration.ofSeconds(30));
        }
    }

    @ParameterizedTest(name = "in memory: {0}")
    @ValueSource(booleans = {false, true})
    void aRestartedGroupComesBackFromItsCheckpointsAndLogs(boolean inMemory) throws Exception {
        try (RaftGroupHarness harness = RaftGroupHarness.builder(directory).config(purgingConfig())
                .inMemory(inMemory).start()) {
            int leader = harness.awaitLeader(GROUP, Duration.ofSeconds(15));
            write(harness, leader, "k", 150);
            String before = harness.awaitConverged(GROUP, Duration.ofSeconds(15));
            for (int node = 0; node < harness.nodeCount(); node++) {
                harness.stop(node);
            }
            for (int node = 0; node < harness.nodeCount(); node++) {
                harness.restart(node);
            }
            int newLeader = harness.awaitLeader(GROUP, Duration.ofSeconds(15));
            assertThat(harness.awaitConverged(GROUP, Duration.ofSeconds(15))).isNotNull();
            // Nothing lost: every item is still there, and the partition continues its sequence.
            for (int i = 0; i < 150; i++) {
                byte[] key = RaftTestItems.itemKey(harness, GROUP, "k" + i);
                byte[] stored = harness.member(newLeader, GROUP).stateMachine()
                        .readStorage(storage -> storage.get(key));
                assertThat(stored).as("item k%d", i).isNotNull();
            }
            EvaluatedWrite next = harness.leader(newLeader, GROUP, 0).write(RaftTestItems.itemKey(harness, GROUP,
                    "k0"), RaftTestItems.put("k0", -1)).get(10, TimeUnit.SECONDS);
            assertThat(next.entry().sequence()).isEqualTo(151);
            assertThat(before).isNotNull();
        }
    }

    private static void write(RaftGroupHarness harness, int node, String prefix, int count) throws Exception {
        List<CompletableFuture<EvaluatedWrite>> writes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String pk = prefix + i;
            writes.add(harness.leader(node, GROUP, RaftTestItems.partitionOf(harness, GROUP, pk))
                    .write(RaftTestItems.itemKey(harness, GROUP, pk), RaftTestItems.put(pk, i)));
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    }
}
