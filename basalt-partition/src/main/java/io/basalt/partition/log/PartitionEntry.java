package io.basalt.partition.log;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.PartitionId;
import io.basalt.storage.WriteBatch;
import java.util.List;

/**
 * One partition's evaluated write: the storage operations that make it so (item images, local index entries, the
 * item collection's size, index states, the change record and the partition record, all with absolute values), in
 * the order they apply.
 *
 * @param partition the partition's stable id
 * @param tableId the table the partition belongs to (every key the entry writes starts with it)
 * @param sequence the partition's sequence this entry takes: the stored sequence + 1 when it was evaluated. The
 *     group state machine applies it only then, so an entry evaluated on top of one that never applied is rejected
 *     on every member alike (docs/design/cluster.md §6.2)
 * @param nonce unique per proposal of the proposing leader, so that it recognises its own entry among those
 *     applied; 0 on the single-node log, which has one proposer
 * @param timestampMillis stamped by the leader; apply never reads a clock
 * @param operations immutable; a list built by {@link OperationList.Builder} is kept as it is, any other is copied
 */
public record PartitionEntry(PartitionId partition, long tableId, long sequence, long nonce, long timestampMillis,
        List<WriteBatch.Operation> operations) implements LogEntry {
    public PartitionEntry {
        requireNonNull(partition, "partition is null");
        if (tableId < 1) {
            throw new IllegalArgumentException("tableId must be positive: " + tableId);
        }
        operations = OperationList.copyOf(requireNonNull(operations, "operations is null"));
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence must be positive: " + sequence);
        }
    }

    /** The key and value bytes of the operations (what group commit bounds its batches by). */
    public long approximateBytes() {
        return ((OperationList) operations).approximateBytes();
    }
}
