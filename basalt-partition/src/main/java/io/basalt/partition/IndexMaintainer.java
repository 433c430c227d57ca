package io.basalt.partition;

import static java.util.Objects.requireNonNull;

import io.basalt.model.Item;
import io.basalt.model.KeySchema;
import io.basalt.model.SecondaryIndex;

/**
 * The one owner of one secondary index's entry logic (REVIEW-2026-12 problem 5, cluster.md §15): which entry an
 * item has, what it projects, and how a write from one image to another changes the entries. A local index's
 * entries are written from its {@link #delta} in the base write's own batch ({@link PartitionState}); a global
 * index's propagator turns the deltas of the change records into the entry operations it sends to the index's
 * partitions. Both therefore agree on keys, projections, counts, sizes and write units by construction.
 *
 * <p>Immutable and stateless apart from the index definition: safe to share between threads.
 */
public final class IndexMaintainer {
    private final long tableId;
    private final KeySchema tableSchema;
    private final SecondaryIndex index;

    public IndexMaintainer(long tableId, KeySchema tableSchema, SecondaryIndex index) {
        this.tableId = tableId;
        this.tableSchema = requireNonNull(tableSchema, "tableSchema is null");
        this.index = requireNonNull(index, "index is null");
    }

    public SecondaryIndex index() {
        return index;
    }

    public long tableId() {
        return tableId;
    }

    public KeySchema tableSchema() {
        return tableSchema;
    }

    /**
     * How a write from {@code oldItem} to {@code newItem} (either null when the item did not or no longer exists)
     * changes this index: the entry removed, the entry written, count, size and DynamoDB's write units.
     */
    public IndexDelta delta(Item oldItem, Item newItem) {
        return IndexDelta.of(tableId, tableSchema, index, oldItem, newItem);
    }

    /**
     * The entry a backfill copies for an item that predates the index; null when the item has no entry (sparse
     * index) or breaks the index's key rules, which DynamoDB leaves out of a backfilled index.
     */
    public IndexEntryOperation.IndexEntryPut backfillEntry(Item item) {
        byte[] entryKey = KeyLayout.indexEntryKey(tableId, tableSchema, index, item);
        if (entryKey == null || !IndexEntries.satisfiesKeyRules(index, item)) {
            return null;
        }
        return new IndexEntryOperation.IndexEntryPut(entryKey, IndexEntries.project(tableSchema, index, item));
    }
}
