package io.basalt.replication;

import io.basalt.partition.log.PartitionEntry;
import java.util.concurrent.CompletableFuture;

/**
 * Makes a partition's log entries durable and has the group state machine apply them, in the order they are
 * appended.
 *
 * <p>The returned future completes once the entry is durable (on a single node: fsynced; in a cluster: committed
 * by a quorum) and applied, so that reads which follow see it. It fails when the entry was not applied: refused
 * before it was logged, rejected by the state machine (its sequence did not follow the partition's, e.g. because
 * an entry before it failed), or storage failed. Callbacks may run on the replicator's own thread: keep them short
 * and never block in them.
 */
public interface Replicator extends AutoCloseable {
    CompletableFuture<Void> append(PartitionEntry entry);

    /** Stops accepting entries after making every appended entry durable. */
    @Override
    void close();
}
