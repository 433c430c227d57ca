package io.basalt.partition;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.log.PartitionEntry;
import java.util.List;

/**
 * A write evaluated by the partition leader: what it did to the item and the log entry that makes it so.
 *
 * @param oldSize the item's size before, in DynamoDB's accounting (0 when absent)
 * @param entry the log entry that makes the write durable; null for a transaction's ConditionCheck, which writes
 *     nothing
 * @param newSize the item's size after (0 when absent)
 * @param indexWrites the write capacity each secondary index consumed, in the table's index order (empty without
 *     indexes)
 * @param itemCollectionSize the size of the item's collection after the write, for tables with local indexes;
 *     -1 otherwise
 */
public record EvaluatedWrite(WriteOutcome outcome, PartitionEntry entry, long oldSize, long newSize,
        List<IndexWrite> indexWrites, long itemCollectionSize) {
    public EvaluatedWrite {
        requireNonNull(outcome, "outcome is null");
        indexWrites = List.copyOf(indexWrites);
    }
}
