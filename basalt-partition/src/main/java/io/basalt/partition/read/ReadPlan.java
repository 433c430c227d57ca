package io.basalt.partition.read;

import static java.util.Objects.requireNonNull;

import io.basalt.model.KeySchema;
import io.basalt.model.SecondaryIndex;

/**
 * A {@link ReadSpec} made concrete for one table's schema: the storage key range the page reads (already narrowed
 * to after the ExclusiveStartKey). Made by {@link ReadPlanner}; opaque to the layers above the partition.
 *
 * @param spec the logical read
 * @param schema the table's key schema
 * @param index the index read, or null for the table
 * @param range the storage keys to read
 */
public record ReadPlan(ReadSpec spec, KeySchema schema, SecondaryIndex index, KeyRange range) {
    public ReadPlan {
        requireNonNull(spec, "spec is null");
        requireNonNull(schema, "schema is null");
        requireNonNull(range, "range is null");
        if ((index == null) != (spec.source().kind() == ReadSource.Kind.BASE)
                || index != null && index.id() != spec.source().indexId()) {
            throw new IllegalArgumentException("index " + index + " is not the source " + spec.source());
        }
    }
}
