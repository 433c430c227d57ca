package io.basalt.partition.log;

/**
 * Drops every partition the group holds of table {@code tableId} (§6.2 step 4, {@code DROP_PARTITION} for a deleted
 * table): their key spaces are range-deleted and the partitions closed, so later entries of them are rejected.
 * Dropping a table the group does not hold changes nothing but the applied index.
 */
public record DropPartitionsEntry(long tableId) implements GroupAdminEntry {
    public DropPartitionsEntry {
        if (tableId < 1) {
            throw new IllegalArgumentException("table id out of range: " + tableId);
        }
    }
}
