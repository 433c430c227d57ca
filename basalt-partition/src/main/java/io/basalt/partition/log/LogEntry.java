package io.basalt.partition.log;

/**
 * One entry of a replication group's log: the already-evaluated result of writes, as storage operations. Members
 * apply it as it is and never re-evaluate a request, so they cannot disagree (docs/design/cluster.md §5.1).
 *
 * <p>Group-admin entries join these kinds in later steps, with the codec tag §5.2 reserves for them.
 * {@link PartEntry} exists only on Raft groups (the single-node log never splits an entry).
 */
public sealed interface LogEntry permits PartitionEntry, MultiEntry, MetaEntry, PartEntry {
}
