package io.basalt.partition;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.log.OperationList;
import io.basalt.storage.StorageIterator;
import io.basalt.storage.StorageReader;
import io.basalt.storage.WriteBatch;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One base partition's change log (REVIEW-2026-12 problem 5, cluster.md §15): the change records ({@code 0x0B},
 * one per log entry that changed items while the table has a global index) keyed by the partition's sequence. It
 * owns the three things done with them: <em>append</em> (a record goes into the entry whose changes it describes,
 * so it is exactly as durable as they are), <em>read from</em> a sequence in order, and <em>retention</em>: a
 * record is kept until every registered consumer has consumed it (each global index of the table today; Streams'
 * 24-hour floor later, issue 18). With no consumer left, every record up to the partition's applied sequence may go.
 *
 * <p>Append and read are stateless; the consumers' positions are thread-safe (each consumer advances its own).
 */
public final class ChangeLog {
    private final long tableId;
    private final PartitionId partition;
    /** Per consumer, the sequence of the last record it no longer needs. */
    private final Map<String, Long> consumers = new ConcurrentHashMap<>();

    /** Told each record read, in sequence order; returns whether to go on. */
    @FunctionalInterface
    public interface RecordVisitor {
        boolean visit(ChangeRecord record);
    }

    public ChangeLog(long tableId, PartitionId partition) {
        this.tableId = tableId;
        this.partition = requireNonNull(partition, "partition is null");
    }

    /**
     * Appends the record of the entry at {@code sequence} to the entry's operations.
     *
     * @param images each change's old then new image, encoded (either may be null)
     */
    public void append(OperationList.Builder entry, long sequence, long timestampMillis, List<byte[]> images) {
        entry.put(KeyLayout.changeKey(tableId, partition, sequence), ChangeRecord.encode(timestampMillis, images));
    }

    /**
     * Reads the records after {@code afterSequence} up to {@code throughSequence} (inclusive) in sequence order,
     * until the visitor says stop. Sequences without a record (entries that changed no item, or made before the
     * table had a global index) are simply absent.
     */
    public void read(StorageReader storage, long afterSequence, long throughSequence, RecordVisitor visitor) {
        if (throughSequence <= afterSequence) {
            return;
        }
        try (StorageIterator records = storage.iterator(KeyLayout.changeKey(tableId, partition, afterSequence + 1),
                throughSequence == Long.MAX_VALUE ? KeyLayout.changesEnd(tableId, partition)
                        : KeyLayout.changeKey(tableId, partition, throughSequence + 1))) {
            for (records.seekToFirst(); records.isValid(); records.next()) {
                long sequence = KeyLayout.logIndexOfChangeKey(records.key());
                if (!visitor.visit(ChangeRecord.decode(sequence, records.value()))) {
                    return;
                }
            }
        }
    }

    /** Registers (or moves) a consumer that still needs every record after {@code consumedThrough}. */
    public void register(String consumer, long consumedThrough) {
        consumers.put(requireNonNull(consumer, "consumer is null"), consumedThrough);
    }

    /** Moves a consumer forward; a consumer never moves back (replays read from their own position). */
    public void advance(String consumer, long consumedThrough) {
        consumers.computeIfPresent(consumer, (name, previous) -> Math.max(previous, consumedThrough));
    }

    public void unregister(String consumer) {
        consumers.remove(consumer);
    }

    public boolean hasConsumers() {
        return !consumers.isEmpty();
    }

    /** The last sequence every consumer is past: records up to it may be removed (up to {@code applied}). */
    public long retainedAfter(long applied) {
        long through = applied;
        for (long consumed : consumers.values()) {
            through = Math.min(through, consumed);
        }
        return through;
    }

    /**
     * Adds the removal of up to {@code max} records after {@code trimmedThrough} that no consumer needs (those up
     * to {@link #retainedAfter}) to {@code out}.
     *
     * @return the sequence trimmed through afterwards: {@code retainedAfter(applied)} when every such record fit
     */
    public long trim(StorageReader storage, long trimmedThrough, long applied, int max, WriteBatch out) {
        long through = retainedAfter(applied);
        if (through <= trimmedThrough) {
            return trimmedThrough;
        }
        int trimmed = 0;
        long reached = trimmedThrough;
        try (StorageIterator records = storage.iterator(KeyLayout.changeKey(tableId, partition, trimmedThrough + 1),
                KeyLayout.changeKey(tableId, partition, through + 1))) {
            for (records.seekToFirst(); records.isValid() && trimmed < max; records.next()) {
                byte[] key = records.key();
                out.delete(key);
                reached = KeyLayout.logIndexOfChangeKey(key);
                trimmed++;
            }
        }
        return trimmed < max ? through : reached;
    }
}
