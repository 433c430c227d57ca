package io.basalt.partition.log;

/**
 * One entry of a replication group's log: the already-evaluated result of writes, as storage operations. Members
 * apply it as it is and never re-evaluate a request, so they cannot disagree (docs/design/cluster.md §5.1).
 *
 * <p>Only the kinds the single-node log needs exist yet; group-admin and multi-part entries join them in later
 * steps, with the codec tags §5.2 reserves for them.
 */
public sealed interface LogEntry permits PartitionEntry, MultiEntry, MetaEntry {
}
