package io.basalt.partition;

import io.basalt.model.Item;
import io.basalt.model.KeySchema;
import io.basalt.model.Limits;
import io.basalt.model.SecondaryIndex;
import io.basalt.partition.encoding.ItemCodec;
import io.basalt.partition.log.OperationList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How one write changes one secondary index's entry for its item, as {@link IndexMaintainer#delta} computes it: the
 * entry key it removes and the one it writes, the entry sizes, whether anything changed, and what that costs in
 * write units. Local index entries are written from it in the item's own batch ({@link #writeTo}); a global index's
 * write units are reported from it, and its propagator sends its {@link #replayOperations()} to the index.
 *
 * @param oldKey the entry key the current item has, or null
 * @param newKey the entry key the new item has, or null
 * @param newEntry the projected new entry, or null when there is none
 */
public record IndexDelta(byte[] oldKey, long oldEntrySize, byte[] newKey, Item newEntry, long newEntrySize,
        boolean changed) {

    /** The change a write from {@code current} to {@code newItem} (either may be null) makes to {@code index}. */
    static IndexDelta of(long tableId, KeySchema table, SecondaryIndex index, Item current, Item newItem) {
        byte[] oldKey = current == null ? null : KeyLayout.indexEntryKey(tableId, table, index, current);
        byte[] newKey = newItem == null ? null : KeyLayout.indexEntryKey(tableId, table, index, newItem);
        Item oldEntry = oldKey == null ? null : IndexEntries.project(table, index, current);
        Item newEntry = newKey == null ? null : IndexEntries.project(table, index, newItem);
        long oldEntrySize = oldEntry == null ? 0 : IndexEntries.size(oldEntry);
        long newEntrySize = newEntry == null ? 0 : IndexEntries.size(newEntry);
        boolean changed = oldKey == null || newKey == null || !Arrays.equals(oldKey, newKey)
                || !oldEntry.equals(newEntry);
        if (oldKey == null && newKey == null) {
            changed = false;
        }
        return new IndexDelta(oldKey, oldEntrySize, newKey, newEntry, newEntrySize, changed);
    }

    public long countDelta() {
        return (newKey == null ? 0 : 1) - (oldKey == null ? 0 : 1);
    }

    public long sizeDelta() {
        return newEntrySize - oldEntrySize;
    }

    /** DynamoDB's write units: a put and/or a delete of a whole entry, nothing when nothing changed. */
    public double units() {
        if (!changed) {
            return 0;
        }
        if (oldKey != null && newKey != null && Arrays.equals(oldKey, newKey)) {
            return writeUnits(Math.max(oldEntrySize, newEntrySize));
        }
        return (oldKey == null ? 0 : writeUnits(oldEntrySize)) + (newKey == null ? 0 : writeUnits(newEntrySize));
    }

    /** Write units are counted on the entry's attributes, without the stored size's overhead. */
    private static double writeUnits(long entrySize) {
        long attributes = entrySize - IndexEntries.ENTRY_OVERHEAD_BYTES;
        return (attributes + Limits.WRITE_UNIT_BYTES - 1) / Limits.WRITE_UNIT_BYTES;
    }

    void writeTo(OperationList.Builder batch) {
        if (oldKey != null && (newKey == null || !Arrays.equals(oldKey, newKey))) {
            batch.delete(oldKey);
        }
        if (newKey != null && changed) {
            batch.put(newKey, ItemCodec.encode(newEntry, newEntrySize - IndexEntries.ENTRY_OVERHEAD_BYTES));
        }
    }

    /**
     * The entry operations a global index partition applies for this delta, idempotently: delete the old entry when
     * the index key moved or went away, and put the new entry whenever there is one, even when it did not change.
     * A replay may meet an entry that a backfill copied from a later image; putting the image of the record in hand
     * keeps the argument of indexes.md (every later change has its own record, which puts the later image back).
     */
    public List<IndexEntryOperation> replayOperations() {
        List<IndexEntryOperation> operations = new ArrayList<>(2);
        if (oldKey != null && (newKey == null || !Arrays.equals(oldKey, newKey))) {
            operations.add(new IndexEntryOperation.IndexEntryDelete(oldKey));
        }
        if (newKey != null) {
            operations.add(new IndexEntryOperation.IndexEntryPut(newKey, newEntry));
        }
        return operations;
    }
}
