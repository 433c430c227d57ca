package io.basalt.partition;

/**
 * What a transactional read's first round leaves for its second ({@link PartitionState#readForTransaction}): the
 * partition's own {@link PartitionState.ReadWatch} when both rounds run in the partition's process, or a handle
 * that names it when the rounds travel as frames (the node serving the partition keeps the watch under that name
 * until the second round, docs/design/cluster.md §12.2).
 */
public interface TransactionWatch {
}
