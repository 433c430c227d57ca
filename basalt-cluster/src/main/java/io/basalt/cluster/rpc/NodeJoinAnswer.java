package io.basalt.cluster.rpc;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.node.NodeAddress;
import io.basalt.cluster.node.NodeIdentity;
import io.basalt.replication.raft.RaftTransport;
import java.util.List;

/**
 * What the metadata leader answers a {@code NODE_JOIN} with (docs/design/cluster.md §13.1): everything a joining
 * node writes into its {@code node.json} ({@link #identity()}) before it starts. The joining node then has no group
 * members; placement gives it some.
 *
 * @param nodeId the id the cluster registered the joining node under
 * @param groupsPerNode the cluster's data-group members per node
 * @param nodes every registered node's address, the joining node's among them, in id order
 * @param metadataVoters the node ids of the metadata group's voters
 */
public record NodeJoinAnswer(long clusterId, int nodeId, int groupsPerNode, List<NodeAddress> nodes,
        List<Integer> metadataVoters) {
    public NodeJoinAnswer {
        nodes = List.copyOf(requireNonNull(nodes, "nodes is null"));
        metadataVoters = List.copyOf(requireNonNull(metadataVoters, "metadataVoters is null"));
    }

    /**
     * The joining node's {@code node.json}: a joined identity (checked there) on {@code transport}, the cluster's Raft
     * transport, which the joining node learnt from the node it joined through (the answer does not carry it: a new
     * field would need a new RPC protocol version, {@link RpcCodec}).
     */
    public NodeIdentity identity(RaftTransport transport) {
        return NodeIdentity.joined(clusterId, nodeId, groupsPerNode, transport, nodes, metadataVoters);
    }
}
