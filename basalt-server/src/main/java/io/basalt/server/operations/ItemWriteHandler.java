package io.basalt.server.operations;

/**
 * PutItem, UpdateItem and DeleteItem: they hand one write to {@code BasaltNode.write} and return its future, which on
 * a cluster node is the routed call's (the Router retries and backs off on the node's timer, never waiting), so they
 * run on a cluster node's network thread as well. That saves a write two thread hand-offs there, as on one node
 * (docs/benchmarks.md, "Cluster writes in s21"). Reads and multi-item operations still wait for routed calls in
 * places ({@code RoutedPartitionClient}'s synchronous reads), so they run on a request worker on a cluster node.
 */
abstract class ItemWriteHandler extends DataPlaneHandler {
    @Override
    public final boolean runsOnClusterNetworkThread() {
        return true;
    }
}
