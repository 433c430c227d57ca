package io.basalt.partition;

/** One hash partition of a table: the table's id and the partition's index within the table. */
public record PartitionId(long tableId, int index) {
    public PartitionId {
        if (index < 0) {
            throw new IllegalArgumentException("index is negative: " + index);
        }
    }

    @Override
    public String toString() {
        return tableId + "/" + index;
    }
}
