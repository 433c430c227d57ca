package io.basalt.testing.raft;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
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
    @TempDir
    Path directory;

    @Test
    void measure() throws Exception {
        int count = Integer.getInteger("basalt.raft.writes", 300);
        try (MeasuredGroup group = MeasuredGroup.start(directory)) {
            run(group, "warm", 100);
            long appliedBefore = group.appliedIndex();
            long[] micros = run(group, "k", count);
            long logEntries = group.appliedIndex() - appliedBefore;
            Arrays.sort(micros);
            System.out.printf("sequential writes %d | p50 %.2f ms | p90 %.2f ms | p99 %.2f ms | max %.2f ms"
                    + " | log entries %d%n", count, micros[count / 2] / 1e3, micros[count * 9 / 10] / 1e3,
                    micros[count * 99 / 100] / 1e3, micros[count - 1] / 1e3, logEntries);
            assertThat(logEntries).isPositive();
        }
    }

    /** One write at a time: each waits for the one before. */
    private static long[] run(MeasuredGroup group, String prefix, int count) throws Exception {
        long[] micros = new long[count];
        for (int i = 0; i < count; i++) {
            long started = System.nanoTime();
            group.put(prefix + i, i).get(10, TimeUnit.SECONDS);
            micros[i] = (System.nanoTime() - started) / 1000;
        }
        return micros;
    }
}
