package io.basalt.testing.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.partition.EvaluatedWrite;
import io.basalt.replication.raft.GroupProposer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proposer's append guard on real Ratis (docs/design/cluster.md §7.1): an entry a drain took before the
 * leadership generation moved is refused inside Ratis' append ({@code preAppendTransaction}), answered as not
 * applied, and never logged. The generation is moved here by hand, over and over, while writes stream in, so that
 * drains keep being caught between taking entries and appending them (the moment a real leadership change opens).
 */
@Tag("raft")
@Timeout(180)
class TestAppendGuard {
    private static final long GROUP = 1;

    @TempDir
    Path directory;

    @Test
    void entriesOfAnEarlierGenerationAreRefusedAtAppendAndNeverLogged() throws Exception {
        try (RaftGroupHarness harness = RaftGroupHarness.builder(directory).partitionsPerGroup(2).start()) {
            int leader = harness.awaitLeader(GROUP, Duration.ofSeconds(15));
            GroupProposer proposer = harness.member(leader, GROUP).proposer();
            AtomicBoolean churning = new AtomicBoolean(true);
            Thread churn = new Thread(() -> {
                while (churning.get()) {
                    proposer.leaderReady();
                    LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
                }
            }, "generation-churn");
            churn.start();
            List<List<CompletableFuture<EvaluatedWrite>>> rounds = new ArrayList<>();
            try {
                for (int round = 0; round < 30 && proposer.refusedAtAppend() == 0; round++) {
                    List<CompletableFuture<EvaluatedWrite>> writes = TestRaftLeaderChange.writeMany(harness, leader,
                            "r" + round + "-", 200);
                    rounds.add(writes);
                    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
                            .handle((ignored, failure) -> null).get(60, TimeUnit.SECONDS);
                }
            } finally {
                churning.set(false);
                churn.join();
            }
            assertThat(proposer.refusedAtAppend()).as("the guard refused an entry of an earlier generation")
                    .isPositive();
            for (int round = 0; round < rounds.size(); round++) {
                // Applied → stored; refused at append (or failed before submission) → absent; none ambiguous.
                Map<WriteResults, Integer> counts = TestRaftLeaderChange.checkAgainstStores(harness, "r" + round + "-",
                        rounds.get(round));
                assertThat(counts.get(WriteResults.AMBIGUOUS)).isZero();
            }
            // The leader goes on taking writes once the generation holds still.
            harness.leader(leader, GROUP, RaftTestItems.partitionOf(harness, GROUP, "after")).write(
                    RaftTestItems.itemKey(harness, GROUP, "after"), RaftTestItems.put("after", 1))
                    .get(30, TimeUnit.SECONDS);
        }
    }
}
