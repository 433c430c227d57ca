/**
 * The replication group's state machine: the one place where a log entry changes partition state, on a group's
 * leader and followers alike, and on the single-node log ({@link io.basalt.partition.apply.GroupStateMachine};
 * docs/design/cluster.md §6). Holds no threads and knows nothing of Raft: the replicator in front of it decides the
 * order and the log positions. {@link io.basalt.partition.apply.GroupStore} takes a group's storage engine over:
 * the state machine is its only writer, everyone else gets the read view (docs/design/cluster.md §16; only this
 * package, the storage module and the migration may import {@code WritableStorage}, build/import-control.xml).
 */
package io.basalt.partition.apply;
