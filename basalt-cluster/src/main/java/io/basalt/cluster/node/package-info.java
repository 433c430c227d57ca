/**
 * A cluster node's identity and its Raft groups (docs/design/cluster.md §3, §11, §13.1–§13.2): {@link
 * io.basalt.cluster.node.NodeIdentity} is {@code node.json}, {@link io.basalt.cluster.node.StaticPlacement} lays the
 * initial nodes' replication groups out, {@link io.basalt.cluster.node.ClusterNode} hosts this node's members of
 * them on a {@code RaftNode} (and, as {@link io.basalt.cluster.ClusterPartitions}, serves their partitions), {@link
 * io.basalt.cluster.node.DataGroupPartitions} builds the data groups' partition leaders and keeps each group's
 * partitions in step with the catalog through the group's own log, and {@link
 * io.basalt.cluster.node.ClusterTopology} is what the router asks of the map (which group holds a partition, its
 * members and leader, each node's endpoints).
 */
package io.basalt.cluster.node;
