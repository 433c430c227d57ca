/**
 * A cluster node's identity and its Raft groups (docs/design/cluster.md §3, §11, §13): {@link
 * io.basalt.cluster.node.NodeIdentity} is {@code node.json} (of an initial or a joined node), {@link
 * io.basalt.cluster.node.StaticPlacement} lays the initial nodes' replication groups out, {@link
 * io.basalt.cluster.node.PlacementPolicy} decides how a running cluster's groups change (joins, nodes down, growing
 * replication, leaders), {@link io.basalt.cluster.node.NodeDescriptor} and {@link
 * io.basalt.cluster.node.GroupPlacement} are the registry's records ({@link io.basalt.cluster.node.MembershipCodec}
 * their stored form), {@link io.basalt.cluster.node.ClusterNode} hosts this node's members on a {@code RaftNode} (and,
 * as {@link io.basalt.cluster.ClusterPartitions}, serves their partitions), {@link
 * io.basalt.cluster.node.DataGroupPartitions} builds the data groups' partition leaders and keeps each group's
 * partitions in step with the catalog through the group's own log, and {@link
 * io.basalt.cluster.node.ClusterTopology} is what the router asks of the map (which group holds a partition, its
 * members and leader, each node's endpoints). Membership at run time (step 13): {@link
 * io.basalt.cluster.node.NodeMembership} (heartbeats, the join and member frames, and the metadata leader's reconcile
 * loop), which runs {@link io.basalt.cluster.node.MembershipReconciler} over the data groups and {@code
 * MetadataVoters} over the metadata group, reaching the nodes through {@code MemberFrames}.
 */
package io.basalt.cluster.node;
