package io.basalt.cluster.node;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * What {@link PlacementPolicy} aims at (docs/design/cluster.md §13.2).
 *
 * @param replicationFactor members per group when there are enough nodes (3); a cluster of fewer nodes runs with
 *     one member per node
 * @param groupsPerNode data-group members per node ({@code --groups-per-node}, default 2 × processors)
 * @param nodeDownTimeout how long a node may stay {@link NodeState#DOWN} before its members are re-created on the
 *     other nodes ({@code --node-down-timeout}, default 10 minutes; tests use seconds)
 */
public record PlacementConfig(int replicationFactor, int groupsPerNode, Duration nodeDownTimeout) {
    public static final int DEFAULT_REPLICATION_FACTOR = 3;
    public static final Duration DEFAULT_NODE_DOWN_TIMEOUT = Duration.ofMinutes(10);

    public PlacementConfig {
        requireNonNull(nodeDownTimeout, "nodeDownTimeout is null");
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replicationFactor must be positive: " + replicationFactor);
        }
        if (groupsPerNode < 1) {
            throw new IllegalArgumentException("groupsPerNode must be positive: " + groupsPerNode);
        }
        if (nodeDownTimeout.isNegative()) {
            throw new IllegalArgumentException("nodeDownTimeout must not be negative: " + nodeDownTimeout);
        }
    }

    /** The defaults for {@code groupsPerNode}. */
    public static PlacementConfig defaults(int groupsPerNode) {
        return new PlacementConfig(DEFAULT_REPLICATION_FACTOR, groupsPerNode, DEFAULT_NODE_DOWN_TIMEOUT);
    }
}
