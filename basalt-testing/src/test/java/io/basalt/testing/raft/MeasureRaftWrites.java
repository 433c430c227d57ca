package io.basalt.testing.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.partition.EvaluatedWrite;
import io.basalt.replication.raft.GroupProposer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Write throughput of one 3-member group in one JVM with and without packing (docs/design/cluster.md §7.1): the
 * proposer's window decides how often waiting entries are packed into one {@code MultiEntry}. Hand-run, not part of
 * the suite:
 *
 * <pre>
 * ./mvnw -B -o -pl basalt-testing -am test -Dtest=MeasureRaftWrites -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dbasalt.raft.windows=100000,64,8 -Dbasalt.raft.writes=4000
 * </pre>
 */
@Tag("raft")
class MeasureRaftWrites {
    @TempDir
    Path directory;

    @Test
    void measure() throws Exception {
        int[] windows = Arrays.stream(System.getProperty("basalt.raft.windows", "100000,64").split(","))
                .mapToInt(Integer::parseInt).toArray();
        int writes = Integer.getInteger("basalt.raft.writes", 2000);
        System.out.println("window | writes | seconds | writes/s | packed submissions | entries per submission");
        for (int window : windows) {
            measure(window, writes);
        }
    }

    private void measure(int window, int count) throws Exception {
        try (MeasuredGroup group = MeasuredGroup.start(Files.createTempDirectory(directory, "w" + window), window)) {
            run(group, "warm", 500);
            GroupProposer proposer = group.proposer();
            long packedBefore = proposer.packedSubmissions();
            long appliedBefore = group.appliedIndex();
            long started = System.nanoTime();
            run(group, "k", count);
            double seconds = (System.nanoTime() - started) / 1e9;
            long logEntries = group.appliedIndex() - appliedBefore;
            System.out.printf("%d | %d | %.2f | %.0f | %d | %.1f%n", window, count, seconds, count / seconds,
                    proposer.packedSubmissions() - packedBefore, count / (double) Math.max(1, logEntries));
            assertThat(logEntries).isPositive();
        }
    }

    /** Every write sent at once, then all awaited: the proposer packs what waits. */
    private static void run(MeasuredGroup group, String prefix, int count) throws Exception {
        List<CompletableFuture<EvaluatedWrite>> writes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            writes.add(group.put(prefix + i, i));
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    }
}
