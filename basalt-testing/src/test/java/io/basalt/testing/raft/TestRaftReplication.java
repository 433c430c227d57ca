package io.basalt.testing.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.partition.EvaluatedWrite;
import io.basalt.replication.PartitionLeader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Writes through partition leaders on a 3-member Ratis group reach every member (docs/design/cluster.md §6–§7). */
@Tag("raft")
@Timeout(60)
class TestRaftReplication {
    private static final long GROUP = 1;

    @TempDir
    Path directory;

    @Test
    void replicasConvergeToTheSameStore() throws Exception {
        try (RaftGroupHarness harness = RaftGroupHarness.builder(directory).partitionsPerGroup(2).start()) {
            int leaderNode = harness.awaitLeader(GROUP, Duration.ofSeconds(15));
            List<CompletableFuture<EvaluatedWrite>> writes = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int partition = RaftTestItems.partitionOf(harness, GROUP, "k" + i);
                PartitionLeader leader = harness.leader(leaderNode, GROUP, partition);
                writes.add(leader.write(RaftTestItems.itemKey(harness, GROUP, "k" + i),
                        RaftTestItems.put("k" + i, i)));
            }
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            String checksum = harness.awaitConverged(GROUP, Duration.ofSeconds(15));
            // 200 items + 2 partition records + the group's applied state at least.
            assertThat(Long.parseLong(checksum.substring(0, checksum.indexOf(':')))).isGreaterThanOrEqualTo(203);
            for (int node = 0; node < harness.nodeCount(); node++) {
                assertThat(harness.checksum(node, GROUP)).isEqualTo(checksum);
            }
        }
        // Ratis starts non-daemon threads (DEPENDENCIES.md): closing the harness must end every one of them.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> left = nonDaemonRaftThreads();
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            left = nonDaemonRaftThreads();
        }
        assertThat(left).isEmpty();
    }

    /**
     * Live non-daemon threads of the harness' nodes (Ratis names them after the peer: n1, n2, n3), and of either
     * transport's event loops (gRPC's, Ratis' Netty server's and its clients').
     */
    private static List<String> nonDaemonRaftThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && !thread.isDaemon())
                .map(Thread::getName)
                .filter(name -> name.matches("n[123][-@].*") || name.startsWith("grpc-")
                        || name.startsWith("NettyRpcService-") || name.startsWith("NettyClient"))
                .toList();
    }
}
