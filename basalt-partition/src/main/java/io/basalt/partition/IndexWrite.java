package io.basalt.partition;

import static java.util.Objects.requireNonNull;

/**
 * The write capacity one write consumed in one secondary index, as DynamoDB counts it: nothing when the index entry
 * neither appears, disappears nor changes; one entry's units for a put or a delete; both entries' units when the
 * index key changed (a delete and a put).
 */
public record IndexWrite(String indexName, boolean global, double units) {
    public IndexWrite {
        requireNonNull(indexName, "indexName is null");
    }
}
