package io.basalt.partition.log;

/**
 * One entry of a replication group's log: the already-evaluated result of writes, as storage operations. Members
 * apply it as it is and never re-evaluate a request, so they cannot disagree (docs/design/cluster.md §5.1).
 *
 * <p>{@link GroupAdminEntry}s open and drop a group's partitions (on Raft groups; the single-node log opens
 * its partitions from the catalog). {@link PartEntry} exists only on Raft groups (the single-node log never
 * splits an entry).
 */
public sealed interface LogEntry permits PartitionEntry, MultiEntry, MetaEntry, PartEntry, GroupAdminEntry {
}
