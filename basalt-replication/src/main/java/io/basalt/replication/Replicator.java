package io.basalt.replication;

import io.basalt.partition.LogEntry;
import java.util.concurrent.CompletableFuture;

/**
 * Makes a partition's log entries durable and applies them to storage, in the order they are appended.
 *
 * <p>The returned future completes once the entry is durable (on a single node: fsynced; in a cluster: committed
 * by a quorum) and applied, so that reads which follow see it. Callbacks may run on the replicator's own thread:
 * keep them short and never block in them.
 */
public interface Replicator extends AutoCloseable {
    CompletableFuture<Void> append(LogEntry entry);

    /** Stops accepting entries after making every appended entry durable. */
    @Override
    void close();
}
