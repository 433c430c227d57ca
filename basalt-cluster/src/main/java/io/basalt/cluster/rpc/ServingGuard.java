package io.basalt.cluster.rpc;

import io.basalt.cluster.PartitionClient;
import io.basalt.partition.PartitionId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

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

    /**
     * A share of a BatchGetItem read part by part (§12.4): per key group, its items (a list) from {@code local}, or
     * this guard's routing answer ({@link RpcResponse}) for a partition this node does not serve now. The served
     * groups are read in one {@code getBatchAsync}, so a strong read's barrier never waits on the caller's thread.
     */
    default CompletableFuture<List<Object>> readServed(PartitionClient local, List<PartitionClient.KeyGroup> groups) {
        List<Object> parts = new ArrayList<>(groups.size());
        List<PartitionClient.KeyGroup> served = new ArrayList<>(groups.size());
        for (PartitionClient.KeyGroup group : groups) {
            RpcResponse elsewhere = refusal(group.partition(), false);
            parts.add(elsewhere);
            if (elsewhere == null) {
                served.add(group);
            }
        }
        if (served.isEmpty()) {
            return CompletableFuture.completedFuture(parts);
        }
        return local.getBatchAsync(served).thenApply(found -> {
            int next = 0;
            for (int i = 0; i < parts.size(); i++) {
                if (parts.get(i) == null) {
                    parts.set(i, found.get(next++));
                }
            }
            return parts;
        });
    }
}
