package io.basalt.cluster.node;

import io.basalt.partition.PartitionId;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a router needs to know of the cluster map (docs/design/cluster.md §12.3): where a partition lives, who is in
 * its group, who leads it as far as this node knows, and how to reach a node. Answers are this node's current view
 * and may be stale; a router retries on a leader hint from the node it asked.
 */
public interface ClusterTopology {
    /** The replication group holding the partition, when this node's map knows it. */
    Optional<Long> groupOf(PartitionId partition);

    /** The group's members (node ids); empty when the group is unknown. */
    List<Integer> members(long groupId);

    /** The group's leader as this node last heard; empty while an election runs or when the group is unknown. */
    OptionalInt leaderHint(long groupId);

    /** A node's endpoints, when the node is known. */
    Optional<NodeAddress> node(int nodeId);

    /** This node's id. */
    int selfId();
}
