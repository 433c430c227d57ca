package io.basalt.partition;

import static java.util.Objects.requireNonNull;

import io.basalt.model.Item;

/**
 * One change to one secondary index entry, as an index maintainer computes it and as a global index partition
 * applies it (cluster.md §15): put the projected item under its entry key, or delete the entry. Entry keys are the
 * storage keys {@code [0x02][table id][index id][hash][index key][table key]} (KeyLayout.indexEntryKey).
 */
public sealed interface IndexEntryOperation {
    byte[] entryKey();

    /** Puts (replaces) the entry under {@code entryKey} with the projected image of the base item. */
    record IndexEntryPut(byte[] entryKey, Item projectedItem) implements IndexEntryOperation {
        public IndexEntryPut {
            requireNonNull(entryKey, "entryKey is null");
            requireNonNull(projectedItem, "projectedItem is null");
        }
    }

    /** Deletes the entry under {@code entryKey}, if there is one. */
    record IndexEntryDelete(byte[] entryKey) implements IndexEntryOperation {
        public IndexEntryDelete {
            requireNonNull(entryKey, "entryKey is null");
        }
    }
}
