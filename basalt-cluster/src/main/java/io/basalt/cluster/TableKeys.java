package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.model.PrimaryKey;
import java.util.List;

/** The keys of one table that a BatchGetItem reads, and whether its reads are strongly consistent. */
public record TableKeys(TableMetadata table, List<PrimaryKey> keys, boolean consistent) {
    public TableKeys {
        requireNonNull(table, "table is null");
        keys = List.copyOf(keys);
    }
}
