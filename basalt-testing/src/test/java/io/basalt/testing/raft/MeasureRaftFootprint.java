package io.basalt.testing.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.partition.EvaluatedWrite;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a Raft group member costs in one JVM (docs/design/cluster.md §13.3): threads, heap, direct memory, resident
 * memory and idle CPU, for 3 nodes hosting G groups each (3 × G members). Hand-run, not part of the suite (its name
 * does not match surefire's patterns); the figures go to docs/benchmarks.md:
 *
 * <pre>
 * ./mvnw -B -o -pl basalt-testing -am test -Dtest=MeasureRaftFootprint -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dbasalt.raft.groups=1,4,8,16,32 -Dbasalt.raft.idleSeconds=10
 * </pre>
 *
 * The figures print to the test's output file (target/surefire-reports/...MeasureRaftFootprint-output.txt).
 */
@Tag("raft")
class MeasureRaftFootprint {
    @TempDir
    Path directory;

    @Test
    void measure() throws Exception {
        long[] groupCounts = Arrays.stream(System.getProperty("basalt.raft.groups", "1,8").split(","))
                .mapToLong(Long::parseLong).toArray();
        long idleSeconds = Long.getLong("basalt.raft.idleSeconds", 5);
        System.out.println("groups/node | members | threads | threads/member | heap MB/member | direct MB/member"
                + " | RSS MB/member | idle CPU % of a core | idle CPU %/member | start s");
        for (long groups : groupCounts) {
            measure((int) groups, idleSeconds);
        }
    }

    private void measure(int groups, long idleSeconds) throws Exception {
        System.gc();
        Thread.sleep(500);
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        long heapBefore = heapUsed();
        long directBefore = directUsed();
        long rssBefore = rss();
        List<Long> ids = LongStream.rangeClosed(1, groups).boxed().toList();
        long started = System.nanoTime();
        try (RaftGroupHarness harness = RaftGroupHarness.builder(Files.createTempDirectory(directory, "g" + groups))
                .groups(ids).start()) {
            for (long group : ids) {
                int leader = harness.awaitLeader(group, Duration.ofSeconds(60));
                List<CompletableFuture<EvaluatedWrite>> writes = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    String pk = "k" + i;
                    writes.add(harness.leader(leader, group, 0).write(RaftTestItems.itemKey(harness, group, pk),
                            RaftTestItems.put(pk, i)));
                }
                CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            }
            double startSeconds = (System.nanoTime() - started) / 1e9;
            Thread.sleep(2000);
            System.gc();
            Thread.sleep(500);
            int members = 3 * groups;
            int threads = ManagementFactory.getThreadMXBean().getThreadCount() - threadsBefore;
            double heap = (heapUsed() - heapBefore) / 1048576.0 / members;
            double direct = (directUsed() - directBefore) / 1048576.0 / members;
            double rss = (rss() - rssBefore) / 1048576.0 / members;
            long cpuBefore = processCpuNanos();
            long wallBefore = System.nanoTime();
            Thread.sleep(TimeUnit.SECONDS.toMillis(idleSeconds));
            double cpuPercent = 100.0 * (processCpuNanos() - cpuBefore) / (System.nanoTime() - wallBefore);
            System.out.printf("%d | %d | %d | %.1f | %.2f | %.2f | %.1f | %.1f | %.2f | %.1f%n", groups, members,
                    threads, threads / (double) members, heap, direct, rss, cpuPercent, cpuPercent / members,
                    startSeconds);
            assertThat(threads).isPositive();
        }
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long directUsed() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Resident memory of the JVM from /proc (Linux), 0 elsewhere. */
    private static long rss() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return 0;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return 0;
    }
}
