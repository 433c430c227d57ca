/**
 * The replication group's state machine: the one place where a log entry changes partition state, on a group's
 * leader and followers alike, and on the single-node log ({@link io.basalt.partition.apply.GroupStateMachine};
 * docs/design/cluster.md §6). Holds no threads and knows nothing of Raft: the replicator in front of it decides the
 * order and the log positions.
 */
package io.basalt.partition.apply;
