package io.basalt.cluster.node;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The content of a cluster node's {@code node.json} (docs/design/cluster.md §3, §13.1): written once when the node is
 * created, read at every start. Every initial node holds the same cluster id, initial node list and groups per node,
 * so that each computes the same static placement (§13.2) and builds the identical Raft groups on its first start
 * (the usual static bootstrap).
 *
 * @param clusterId the cluster's random id; the high 64 bits of every Ratis group id
 * @param nodeId this node's id, one of {@code initialNodes}
 * @param initialNodes the nodes the cluster was created with, in id order
 * @param groupsPerNode data-group members per node that the static placement aims at
 */
public record NodeIdentity(long clusterId, int nodeId, List<NodeAddress> initialNodes, int groupsPerNode) {
    /** {@code node.json}'s format; bumped on any incompatible change, and older versions stay readable. */
    public static final int FORMAT_VERSION = 1;
    public static final String FILE_NAME = "node.json";

    public NodeIdentity {
        initialNodes = List.copyOf(requireNonNull(initialNodes, "initialNodes is null"));
        if (groupsPerNode < 1) {
            throw new IllegalArgumentException("groupsPerNode must be positive: " + groupsPerNode);
        }
        for (int i = 0; i < initialNodes.size(); i++) {
            if (initialNodes.get(i).nodeId() != i + 1) {
                throw new IllegalArgumentException("initial nodes must be numbered 1..N in order: " + initialNodes);
            }
        }
        if (nodeId < 1 || nodeId > initialNodes.size()) {
            throw new IllegalArgumentException("node " + nodeId + " is not one of the initial nodes");
        }
    }

    /** This node's own address. */
    public NodeAddress self() {
        return initialNodes.get(nodeId - 1);
    }

    /** The initial voters of the metadata group: the first min(3, N) nodes (§11). */
    public List<NodeAddress> metadataVoters() {
        return initialNodes.subList(0, Math.min(3, initialNodes.size()));
    }
}
