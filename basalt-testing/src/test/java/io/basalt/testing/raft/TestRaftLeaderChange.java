package io.basalt.testing.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.partition.EvaluatedWrite;
import io.basalt.replication.raft.ProposalOutcome;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A leader change on a 3-member group (docs/design/cluster.md §7.2–§7.3): a new leader accepts writes, and every
 * write that was in flight is reported exactly as what the group did with it — applied writes are in every store,
 * writes reported as not applied are in none. Distinct keys per write make each one checkable.
 */
@Tag("raft")
@Timeout(120)
class TestRaftLeaderChange {
    private static final long GROUP = 1;
    private static final int PARTITIONS = 2;

    @TempDir
    Path directory;

    @Test
    void closingTheLeadersServerElectsANewLeaderAndInFlightWritesResolveConsistently() throws Exception {
        try (RaftGroupHarness harness = RaftGroupHarness.builder(directory).partitionsPerGroup(PARTITIONS)
                .start()) {
            int oldLeader = harness.awaitLeader(GROUP, Duration.ofSeconds(15));
            List<CompletableFuture<EvaluatedWrite>> inFlight = writeMany(harness, oldLeader, "before", 300);
            harness.stop(oldLeader);
            long stopped = System.nanoTime();

            int newLeader = harness.awaitLeader(GROUP, Duration.ofSeconds(15));
            Duration failover = Duration.ofNanos(System.nanoTime() - stopped);
            System.out.println("failover (test timers, elections 0.5-1 s): " + failover.toMillis() + " ms");
            // Detection takes an election timeout (0.5–1 s here), then a vote and the new term's first commit.
            assertThat(failover).isLessThan(Duration.ofSeconds(5));
            assertThat(newLeader).isNotEqualTo(oldLeader);
            List<CompletableFuture<EvaluatedWrite>> after = writeMany(harness, newLeader, "after", 50);
            for (CompletableFuture<EvaluatedWrite> write : after) {
                assertThat(WriteResults.of(write)).isEqualTo(WriteResults.APPLIED);
            }
            Map<WriteResults, Integer> counts = checkAgainstStores(harness, "before", inFlight);
            // The stopped member can no longer learn what became of its proposals: those still open are ambiguous
            // (a 500), never reported as failed.
            assertThat(counts.get(WriteResults.APPLIED) + counts.get(WriteResults.NOT_APPLIED)
                    + counts.get(WriteResults.AMBIGUOUS)).isEqualTo(300);
            checkAgainstStores(harness, "after", after);
        }
    }

    @Test
    void aDeposedLeaderResolvesItsInFlightWritesFromWhatItAppliesAsAFollower() throws Exception {
        try (RaftGroupHarness harness = RaftGroupHarness.builder(directory).partitionsPerGroup(PARTITIONS)
                .start()) {
            int oldLeader = harness.awaitLeader(GROUP, Duration.ofSeconds(15));
            int target = (oldLeader + 1) % harness.nodeCount();
            List<CompletableFuture<EvaluatedWrite>> inFlight = writeMany(harness, oldLeader, "before", 300);
            // Some writes done, the rest in flight while the leadership moves.
            CompletableFuture.allOf(inFlight.subList(0, 50).toArray(CompletableFuture[]::new)).get(20,
                    TimeUnit.SECONDS);
            harness.node(oldLeader).transferLeadership(GROUP, "n" + (target + 1), Duration.ofSeconds(5));

            int newLeader = harness.awaitLeader(GROUP, Duration.ofSeconds(15));
            assertThat(newLeader).isEqualTo(target);
            assertThatThrownBy(() -> harness.leader(oldLeader, GROUP, 0)).isInstanceOf(ProposalOutcome.class)
                    .satisfies(e -> assertThat(((ProposalOutcome) e).reason())
                            .isEqualTo(ProposalOutcome.Reason.NOT_LEADER));
            // New writes on every partition take the sequences of whatever the old leader's log lost, which decides
            // the old proposals still open.
            List<CompletableFuture<EvaluatedWrite>> after = writeMany(harness, newLeader, "after", 50);
            for (CompletableFuture<EvaluatedWrite> write : after) {
                assertThat(WriteResults.of(write)).isEqualTo(WriteResults.APPLIED);
            }
            Map<WriteResults, Integer> counts = checkAgainstStores(harness, "before", inFlight);
            // The deposed member keeps applying as a follower, so nothing stays ambiguous.
            assertThat(counts.get(WriteResults.AMBIGUOUS)).isZero();
            assertThat(counts.get(WriteResults.APPLIED)).isGreaterThanOrEqualTo(50);
        }
    }

    /**
     * A planned transfer (the leader balance after a node's restart, §13.2): writes that reach the leader while it
     * hands over are refused by Ratis before they are logged ({@code LeaderSteppingDownException}) and resolve as
     * not applied at once, without a later write at their sequence to decide them; none is ambiguous. Before s18
     * they waited for the ambiguous-write timeout (here 60 s, longer than this test waits) and became 500s.
     */
    @Test
    void writesMadeWhileTheLeaderHandsOverResolveWithoutWaitingAndNoneIsAmbiguous() throws Exception {
        try (RaftGroupHarness harness = RaftGroupHarness.builder(directory).partitionsPerGroup(PARTITIONS)
                .ambiguousTimeout(Duration.ofSeconds(60)).start()) {
            // The node the writer writes to: the leader that is asked to hand over.
            AtomicInteger source = new AtomicInteger(harness.awaitAgreedLeader(GROUP, Duration.ofSeconds(15)));
            List<CompletableFuture<EvaluatedWrite>> writes = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean moving = new AtomicBoolean(true);
            Thread writer = new Thread(() -> {
                for (int i = 0; moving.get() && i < 20_000; i++) {
                    writes.addAll(writeMany(harness, source.get(), "during" + i + "-", 1));
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                }
            }, "transfer-writer");
            writer.start();
            Thread.sleep(300);
            // Each attempt asks the group's current leader: under load the group can elect another by itself
            // before the transfer (seen in s19: the transfer then asked the deposed leader, which answered
            // NotLeaderException for the whole 15 s), and the writer moves to it so that its writes reach the
            // leader that hands over. A transfer can also be refused for a moment — the leader not ready yet in
            // its term (LeaderNotReadyException), or still leading after the target's election under the writer
            // (DIFFERENT_LEADER), each seen in clean-clone CI runs; asked again it goes through, and every attempt
            // is a handover the writes must survive without an ambiguous outcome.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            int target;
            while (true) {
                int current = harness.awaitAgreedLeader(GROUP, Duration.ofSeconds(15));
                source.set(current);
                target = (current + 1) % harness.nodeCount();
                try {
                    harness.node(current).transferLeadership(GROUP, "n" + (target + 1), Duration.ofSeconds(5));
                    break;
                } catch (IOException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(200);
                }
            }
            assertThat(harness.awaitAgreedLeader(GROUP, Duration.ofSeconds(15))).isEqualTo(target);
            Thread.sleep(300);
            moving.set(false);
            writer.join();

            List<CompletableFuture<EvaluatedWrite>> made = List.copyOf(writes);
            CompletableFuture.allOf(made.stream().map(write -> write.handle((value, failure) -> value))
                    .toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
            Map<WriteResults, Integer> counts = new EnumMap<>(WriteResults.class);
            for (CompletableFuture<EvaluatedWrite> write : made) {
                counts.merge(WriteResults.of(write), 1, Integer::sum);
            }
            assertThat(counts.getOrDefault(WriteResults.AMBIGUOUS, 0)).as("outcomes %s", counts).isZero();
            assertThat(counts.getOrDefault(WriteResults.APPLIED, 0)).as("outcomes %s", counts).isPositive();
            harness.awaitConverged(GROUP, Duration.ofSeconds(30));
        }
    }

    /** Starts {@code count} puts of distinct keys on the node's partition leaders, without waiting. */
    static List<CompletableFuture<EvaluatedWrite>> writeMany(RaftGroupHarness harness, int node, String prefix,
            int count) {
        List<CompletableFuture<EvaluatedWrite>> writes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String pk = prefix + i;
            int partition = RaftTestItems.partitionOf(harness, GROUP, pk);
            CompletableFuture<EvaluatedWrite> write;
            try {
                write = harness.leader(node, GROUP, partition).write(RaftTestItems.itemKey(harness, GROUP, pk),
                        RaftTestItems.put(pk, i));
            } catch (ProposalOutcome notLeader) {
                write = CompletableFuture.failedFuture(notLeader);
            }
            writes.add(write);
        }
        return writes;
    }

    /**
     * Waits for the running members to converge, then checks each write against the stores: applied → present with
     * its value, not applied → absent; ambiguous may be either.
     */
    static Map<WriteResults, Integer> checkAgainstStores(RaftGroupHarness harness, String prefix,
            List<CompletableFuture<EvaluatedWrite>> writes) throws InterruptedException {
        harness.awaitConverged(GROUP, Duration.ofSeconds(30));
        int reader = -1;
        for (int node = 0; node < harness.nodeCount() && reader < 0; node++) {
            reader = harness.isRunning(node) ? node : -1;
        }
        Map<WriteResults, Integer> counts = new EnumMap<>(WriteResults.class);
        for (WriteResults result : WriteResults.values()) {
            counts.put(result, 0);
        }
        for (int i = 0; i < writes.size(); i++) {
            WriteResults result = WriteResults.of(writes.get(i));
            counts.merge(result, 1, Integer::sum);
            byte[] key = RaftTestItems.itemKey(harness, GROUP, prefix + i);
            byte[] stored = harness.member(reader, GROUP).stateMachine().readStorage(storage -> storage.get(key));
            if (result == WriteResults.APPLIED) {
                assertThat(stored).as("applied write %s%d", prefix, i).isNotNull();
            } else if (result == WriteResults.NOT_APPLIED) {
                assertThat(stored).as("write %s%d reported as not applied", prefix, i).isNull();
            }
        }
        return counts;
    }

    @Test
    void writesAfterALeaderChangeSeeTheCommittedState() throws Exception {
        try (RaftGroupHarness harness = RaftGroupHarness.builder(directory).partitionsPerGroup(1).start()) {
            int first = harness.awaitLeader(GROUP, Duration.ofSeconds(15));
            for (int i = 0; i < 20; i++) {
                harness.leader(first, GROUP, 0).write(RaftTestItems.itemKey(harness, GROUP, "x"),
                        RaftTestItems.put("x", i)).get(10, TimeUnit.SECONDS);
            }
            harness.stop(first);
            int second = harness.awaitLeader(GROUP, Duration.ofSeconds(15));
            // The new epoch's partition leader starts from storage: its next sequence follows the 20 applied.
            EvaluatedWrite next = harness.leader(second, GROUP, 0).write(RaftTestItems.itemKey(harness, GROUP, "x"),
                    RaftTestItems.put("x", 99)).get(10, TimeUnit.SECONDS);
            assertThat(next.entry().sequence()).isEqualTo(21);
            harness.restart(first);
            harness.awaitConverged(GROUP, Duration.ofSeconds(30));
        }
    }
}
