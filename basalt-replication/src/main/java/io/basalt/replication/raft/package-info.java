/**
 * Replication groups on Apache Ratis (docs/design/cluster.md §5–§7, §10, §18): the only package that sees Ratis.
 * {@link io.basalt.replication.raft.RaftNode} hosts one node's {@code RaftServer} and its group members;
 * {@link io.basalt.replication.raft.RatisGroupStateMachine} applies encoded entries through the partition layer's
 * {@code GroupStateMachine} and snapshots by storage checkpoints; {@link io.basalt.replication.raft.GroupProposer}
 * submits entries through a {@code GroupSubmitter}, the group's queue that packs them off the callers' threads;
 * {@link io.basalt.replication.raft.RaftReplicator} resolves each proposal by what is
 * applied; {@link io.basalt.replication.raft.GroupLeadership} turns leadership into epochs of partition leaders;
 * {@link io.basalt.replication.raft.GroupReads} is the strong-read barrier;
 * {@link io.basalt.replication.raft.RaftTransport} picks Ratis' Netty or gRPC transport, each with an appender that
 * pushes a new commit index at once ({@link io.basalt.replication.raft.CommitPushingNetty},
 * {@link io.basalt.replication.raft.CommitPushingGrpc}). {@link io.basalt.replication.raft.RaftPeerCut} cuts a peer off
 * for fault tests of nodes run in one JVM.
 */
package io.basalt.replication.raft;
