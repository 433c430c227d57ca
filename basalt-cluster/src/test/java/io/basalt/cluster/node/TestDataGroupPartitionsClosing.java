package io.basalt.cluster.node;

import static org.assertj.core.api.Assertions.assertThatCode;

import io.basalt.cluster.GroupGlobalIndexes;
import io.basalt.cluster.MetadataGroup;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

/**
 * A catalog change applied while the node closes (docs/design/cluster.md s19): {@code ClusterNode.close} stops the
 * reconciler before Ratis, and a metadata entry applied in between used to throw {@code RejectedExecutionException}
 * out of the change listener into the member's apply — after which Ratis 3.3.0's state machine updater spun and the
 * node's close never returned (seen in {@code TestClusterPropagationSetting}, a node stopped while still catching up).
 */
class TestDataGroupPartitionsClosing {
    @Test
    void aCatalogChangeWhileClosingIsIgnored() {
        MetadataGroup metadata = new MetadataGroup(entry -> CompletableFuture.completedFuture(null));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        ScheduledExecutorService reconciler = Executors.newSingleThreadScheduledExecutor();
        try (GroupGlobalIndexes indexes = new GroupGlobalIndexes(metadata, Clock.systemUTC(), "test-")) {
            DataGroupPartitions partitions = new DataGroupPartitions(metadata, () -> null, pool, reconciler, indexes);
            assertThatCode(partitions::reconcileSoon).doesNotThrowAnyException();
            reconciler.shutdownNow();
            assertThatCode(partitions::reconcileSoon).as("the reconciler is stopped").doesNotThrowAnyException();
        } finally {
            pool.shutdownNow();
        }
    }
}
