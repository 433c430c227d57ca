package io.basalt.cluster.routing;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.rpc.RpcResponse;
import io.basalt.cluster.rpc.ServingGuard;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import java.util.Optional;

/**
 * The serving side of routing, read from the node's own cluster map: a node serves a partition whose group it
 * leads; a member that does not lead it answers NOT_LEADER with the leader it knows; a node that is not a member of
 * the partition's group answers WRONG_PARTITION with its map's version, so that the sender refreshes (§12.3).
 * A partition the map does not know is served, so that the node's own answer (a table not found) is what the
 * client sees. Eventual reads from followers come with Raft (§10); until then every call goes to the leader.
 */
public final class ViewServingGuard implements ServingGuard {
    private final long node;
    private final ClusterView view;

    public ViewServingGuard(long node, ClusterView view) {
        this.node = node;
        this.view = requireNonNull(view, "view is null");
    }

    @Override
    public RpcResponse refusal(PartitionId partition, boolean write) {
        ClusterState state = view.current();
        Optional<PartitionDescriptor> descriptor = state.tryGetPartition(partition);
        if (descriptor.isEmpty()) {
            return null;
        }
        ReplicationGroup group = state.groups().get(descriptor.get().groupId());
        if (group == null || !group.members().contains(node)) {
            return new RpcResponse.WrongPartition(state.version(), partition);
        }
        if (group.leaderHint() != node) {
            return new RpcResponse.NotLeader(group.id(), group.leaderHint());
        }
        return null;
    }
}
