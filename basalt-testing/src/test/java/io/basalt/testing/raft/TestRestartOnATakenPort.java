package io.basalt.testing.raft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member restarted on its port while something else holds the port (docs/design/cluster.md "s18 robustness": the
 * cause of TestOversizedEntry's JVM dying once under load). Ratis 3.3.0 answers a gRPC server that cannot bind with
 * {@code ExitUtils.terminate}, which calls {@code System.exit} unless told not to: the whole JVM — every other member
 * and test in it — went away without a trace. {@code RaftNode} now turns that into an exception, and the harness
 * retries a start for a while, since on a busy machine a freed port is taken briefly by another process's outgoing
 * connection (the peers' own reconnect attempts among them).
 */
@Tag("raft")
@Timeout(120)
class TestRestartOnATakenPort {
    private static final long GROUP = 1;

    @TempDir
    Path directory;

    @Test
    void aPortTakenForAMomentIsWaitedForAndOneTakenForGoodFailsTheStartNotTheJvm() throws Exception {
        try (RaftGroupHarness harness = RaftGroupHarness.builder(directory).inMemory(true).start()) {
            int leader = harness.awaitLeader(GROUP, Duration.ofSeconds(15));
            int follower = (leader + 1) % harness.nodeCount();
            int port = harness.port(follower);

            harness.stop(follower);
            ServerSocket forGood = TakenPorts.hold(port);
            try {
                assertThatThrownBy(() -> harness.restart(follower, Duration.ofSeconds(1)))
                        .hasMessageContaining(Integer.toString(port));
            } finally {
                forGood.close();
            }
            assertThat(harness.isRunning(follower)).isFalse();

            Thread release = TakenPorts.holdFor(port, Duration.ofMillis(1500));
            harness.restart(follower, Duration.ofSeconds(20));
            release.join();
            assertThat(harness.isRunning(follower)).isTrue();
            // The member is back in its group: a write through the leader reaches it.
            harness.leader(leader, GROUP, 0).write(RaftTestItems.itemKey(harness, GROUP, "k"),
                    RaftTestItems.put("k", 1)).get(30, TimeUnit.SECONDS);
            harness.awaitConverged(GROUP, Duration.ofSeconds(30));
        }
    }
}
