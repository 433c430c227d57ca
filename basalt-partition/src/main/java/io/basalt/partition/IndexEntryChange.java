package io.basalt.partition;

import io.basalt.model.Item;
import io.basalt.model.KeySchema;
import io.basalt.model.Limits;
import io.basalt.model.SecondaryIndex;
import io.basalt.partition.encoding.ItemCodec;
import io.basalt.partition.log.OperationList;
import java.util.Arrays;

/**
 * How one write changes one secondary index's entry for its item: the entry key it removes and the one it writes,
 * the entry sizes, whether anything changed, and what that costs in write units. Local index entries are written
 * from it in the item's own batch; a global index's write units are reported from it. (The start of the one
 * index maintainer per index that REVIEW-2026-12 problem 5 and cluster.md §15 describe.)
 *
 * @param oldKey the entry key the current item has, or null
 * @param newKey the entry key the new item has, or null
 * @param newEntry the projected new entry, or null when there is none
 */
record IndexEntryChange(byte[] oldKey, long oldEntrySize, byte[] newKey, Item newEntry, long newEntrySize,
        boolean changed) {

    /** The change a write from {@code current} to {@code newItem} (either may be null) makes to {@code index}. */
    static IndexEntryChange of(long tableId, KeySchema table, SecondaryIndex index, Item current, Item newItem) {
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
        return new IndexEntryChange(oldKey, oldEntrySize, newKey, newEntry, newEntrySize, changed);
    }

    long countDelta() {
        return (newKey == null ? 0 : 1) - (oldKey == null ? 0 : 1);
    }

    long sizeDelta() {
        return newEntrySize - oldEntrySize;
    }

    /** DynamoDB's write units: a put and/or a delete of a whole entry, nothing when nothing changed. */
    double units() {
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
}
