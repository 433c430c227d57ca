package io.basalt.testing.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.cluster.GlobalIndexPropagation;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The global index propagation setting is the cluster's (docs/design/cluster.md, s18 and s19): set through one node it
 * reaches the nodes that are up, and a node that was down when it changed learns it from the others once it serves
 * again, rather than running on its own start options.
 */
@Tag("raft")
@Timeout(180)
class TestClusterPropagationSetting {
    @TempDir
    Path directory;

    private static void awaitSetting(BasaltTestCluster cluster, int node, GlobalIndexPropagation expected)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!cluster.server(node).node().globalIndexPropagation().equals(expected)
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(cluster.server(node).node().globalIndexPropagation()).as("node %d", node).isEqualTo(expected);
    }

    @Test
    void aNodeRestartedAfterTheSettingChangedHasIt() throws Exception {
        try (BasaltTestCluster cluster = BasaltTestCluster.start(directory, 3, 1)) {
            cluster.serve();
            for (int node = 1; node <= 3; node++) {
                assertThat(cluster.server(node).node().globalIndexPropagation()).as("node %d at start", node)
                        .isEqualTo(GlobalIndexPropagation.ASYNCHRONOUS);
            }
            GlobalIndexPropagation delayed = GlobalIndexPropagation.delayed(Duration.ofSeconds(60));
            cluster.server(1).node().setGlobalIndexPropagation(delayed);
            for (int node = 1; node <= 3; node++) {
                assertThat(cluster.server(node).node().globalIndexPropagation()).as("node %d", node)
                        .isEqualTo(delayed);
            }

            // Node 3 is down while the setting changes through node 2; started again, it asks and has it.
            cluster.stop(3);
            cluster.server(2).node().setGlobalIndexPropagation(GlobalIndexPropagation.SYNCHRONOUS);
            awaitSetting(cluster, 1, GlobalIndexPropagation.SYNCHRONOUS);
            cluster.restart(3);
            awaitSetting(cluster, 3, GlobalIndexPropagation.SYNCHRONOUS);

            // Two nodes down while it changes back: each learns it from the one that stayed up.
            cluster.stop(2);
            cluster.stop(3);
            GlobalIndexPropagation shorter = GlobalIndexPropagation.delayed(Duration.ofMillis(250));
            cluster.server(1).node().setGlobalIndexPropagation(shorter);
            cluster.restart(2);
            cluster.restart(3);
            awaitSetting(cluster, 2, shorter);
            awaitSetting(cluster, 3, shorter);
            // The newest setting wins wherever it is made: set through a node that learned it, it reaches all.
            cluster.server(3).node().setGlobalIndexPropagation(GlobalIndexPropagation.ASYNCHRONOUS);
            for (int node = 1; node <= 3; node++) {
                assertThat(cluster.server(node).node().globalIndexPropagation()).as("node %d", node)
                        .isEqualTo(GlobalIndexPropagation.ASYNCHRONOUS);
            }
        }
    }
}
