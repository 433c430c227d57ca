package io.basalt.partition.log;

/**
 * An entry that changes which partitions a replication group holds (docs/design/cluster.md §6.2 step 4, §11): the
 * group's leader proposes it through the group's own log, so every member opens or drops the same partitions at the
 * same log position, whatever the metadata group's log says meanwhile.
 */
public sealed interface GroupAdminEntry extends LogEntry permits OpenPartitionsEntry, DropPartitionsEntry,
        ClosePartitionsEntry {
}
