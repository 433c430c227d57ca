package io.basalt.cluster.rpc;

import io.basalt.partition.PartitionId;

/**
 * Whether this node serves a partition now (docs/design/cluster.md §12.3): the serving side of the Router's retry
 * table. Asked by {@link PartitionRpcServer} for every partition a request names, before anything is served.
 */
@FunctionalInterface
public interface ServingGuard {
    /** Serves everything: one node, or the loopback mode. */
    ServingGuard SERVE_ALL = (partition, write) -> null;

    /**
     * Null when this node serves {@code partition}; otherwise the answer that sends the caller elsewhere:
     * {@link RpcResponse.NotLeader}, {@link RpcResponse.WrongPartition} or {@link RpcResponse.NotReady}.
     *
     * @param write whether the request changes the partition (a write or a transaction round) rather than reads it
     */
    RpcResponse refusal(PartitionId partition, boolean write);
}
