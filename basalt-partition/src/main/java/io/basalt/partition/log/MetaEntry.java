package io.basalt.partition.log;

import static java.util.Objects.requireNonNull;

import io.basalt.storage.WriteBatch;
import java.util.List;

/**
 * The evaluated result of a metadata command (docs/design/cluster.md §11): puts and deletes of the metadata key
 * spaces (node counters {@code 0x00}, catalog {@code 0x01}, the cluster registry's groups {@code 0x10} and nodes
 * {@code 0x11}) with absolute values, applied as they are. On one node
 * the local group applies it, in the same batch as its applied index; it may also drop a whole table's data
 * (DeleteTable) when the group no longer holds any of the table's partitions, which a cluster does with group-admin
 * entries instead.
 */
public record MetaEntry(List<WriteBatch.Operation> operations) implements LogEntry {
    public MetaEntry {
        operations = OperationList.copyOf(requireNonNull(operations, "operations is null"));
        if (operations.isEmpty()) {
            throw new IllegalArgumentException("a metadata entry holds at least one operation");
        }
    }

    /** The key and value bytes of the operations (what group commit bounds its batches by). */
    public long approximateBytes() {
        return ((OperationList) operations).approximateBytes();
    }
}
