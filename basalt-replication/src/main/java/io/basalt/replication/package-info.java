/**
 * Ordering and durability of partition writes. A {@link io.basalt.replication.PartitionLeader} sequences the
 * writes of one partition (evaluating each against the latest image) and hands the resulting log entries to a
 * {@link io.basalt.replication.Replicator}, which makes them durable and has the replication group's state machine
 * ({@link io.basalt.partition.apply.GroupStateMachine}) apply them: on a single node the
 * {@link io.basalt.replication.LocalReplicator}, whose log is the storage engine's write-ahead log with group
 * commit; in a cluster, a Raft group carrying many partitions ({@link io.basalt.replication.raft.RaftReplicator} in the
 * {@code raft} package, the only code that may import Ratis).
 */
package io.basalt.replication;
