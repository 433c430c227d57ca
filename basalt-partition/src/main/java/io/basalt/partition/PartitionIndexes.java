package io.basalt.partition;

import static java.util.Objects.requireNonNull;

import io.basalt.model.KeySchema;
import io.basalt.model.SecondaryIndex;
import java.util.ArrayList;
import java.util.List;

/**
 * The secondary indexes a partition's writes maintain: local indexes are written in each write's own batch;
 * global indexes are checked (their key types) and fed from change records, which are written whenever a global
 * index exists.
 */
public record PartitionIndexes(KeySchema tableSchema, List<SecondaryIndex> local, List<SecondaryIndex> global,
        List<SecondaryIndex> byName) {
    public PartitionIndexes {
        requireNonNull(tableSchema, "tableSchema is null");
        local = List.copyOf(local);
        global = List.copyOf(global);
        byName = List.copyOf(byName);
    }

    /**
     * @param byName is derived: every index in name order, the order DynamoDB checks written index keys in (the
     *     first index in that order with a bad key is the one an error names)
     */
    public PartitionIndexes(KeySchema tableSchema, List<SecondaryIndex> local, List<SecondaryIndex> global) {
        this(tableSchema, local, global, sortedByName(local, global));
    }

    private static List<SecondaryIndex> sortedByName(List<SecondaryIndex> local, List<SecondaryIndex> global) {
        List<SecondaryIndex> all = new ArrayList<>(local);
        all.addAll(global);
        all.sort(java.util.Comparator.comparing(SecondaryIndex::name));
        return all;
    }

    public static PartitionIndexes none(KeySchema tableSchema) {
        return new PartitionIndexes(tableSchema, List.of(), List.of());
    }

    /** Splits {@code indexes} by kind. */
    public static PartitionIndexes of(KeySchema tableSchema, List<SecondaryIndex> indexes) {
        List<SecondaryIndex> local = new ArrayList<>();
        List<SecondaryIndex> global = new ArrayList<>();
        for (SecondaryIndex index : indexes) {
            (index.global() ? global : local).add(index);
        }
        return new PartitionIndexes(tableSchema, local, global);
    }

    public boolean recordsChanges() {
        return !global.isEmpty();
    }

    public boolean isEmpty() {
        return local.isEmpty() && global.isEmpty();
    }
}
