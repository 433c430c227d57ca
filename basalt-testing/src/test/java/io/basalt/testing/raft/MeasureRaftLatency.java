package io.basalt.testing.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Latency of ONE write at a time through the leader's {@code PartitionLeader} of one 3-member group in one JVM
 * (docs/design/cluster.md "Step 15 as built: cluster writes"): separates Ratis and the replicator from the cluster
 * serving path. Hand-run, not part of the suite:
 *
 * <pre>
 * ./mvnw -B -o -pl basalt-testing -am test -Dtest=MeasureRaftLatency -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dbasalt.raft.writes=300
 * </pre>
 */
@Tag("raft")
class MeasureRaftLatency {
    private static final long GROUP = 1;
    private static final int PARTITIONS = 4;

    @TempDir
    Path directory;

    @Test
    void measure() throws Exception {
        int count = Integer.getInteger("basalt.raft.writes", 300);
        try (RaftGroupHarness harness = RaftGroupHarness.builder(directory).partitionsPerGroup(PARTITIONS).start()) {
            int leader = harness.awaitLeader(GROUP, Duration.ofSeconds(15));
            run(harness, leader, "warm", 100);
            long appliedBefore = harness.member(leader, GROUP).stateMachine().lastAppliedIndex();
            long[] micros = run(harness, leader, "k", count);
            long logEntries = harness.member(leader, GROUP).stateMachine().lastAppliedIndex() - appliedBefore;
            Arrays.sort(micros);
            System.out.printf("sequential writes %d | p50 %.2f ms | p90 %.2f ms | p99 %.2f ms | max %.2f ms"
                    + " | log entries %d%n", count, micros[count / 2] / 1e3, micros[count * 9 / 10] / 1e3,
                    micros[count * 99 / 100] / 1e3, micros[count - 1] / 1e3, logEntries);
            assertThat(logEntries).isPositive();
        }
    }

    private static long[] run(RaftGroupHarness harness, int leader, String prefix, int count) throws Exception {
        long[] micros = new long[count];
        for (int i = 0; i < count; i++) {
            String pk = prefix + i;
            long started = System.nanoTime();
            harness.leader(leader, GROUP, RaftTestItems.partitionOf(harness, GROUP, pk))
                    .write(RaftTestItems.itemKey(harness, GROUP, pk), RaftTestItems.put(pk, i))
                    .get(10, TimeUnit.SECONDS);
            micros[i] = (System.nanoTime() - started) / 1000;
        }
        return micros;
    }
}
