package io.basalt.cluster;

/**
 * How a node reaches partitions, given the client of those it serves itself (docs/design/cluster.md §12): on one
 * node that client as it is; in a cluster a routed client ({@code io.basalt.cluster.routing.RoutedPartitionClient})
 * that sends each call to the node serving its partition and keeps the local ones in-process. The same local client
 * is what the node's {@code PartitionRpcServer} serves other nodes from.
 */
@FunctionalInterface
public interface PartitionRouting {
    /** One node: every partition is local. */
    PartitionRouting LOCAL = local -> local;

    PartitionClient client(PartitionClient local);
}
