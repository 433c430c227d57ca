package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.model.PrimaryKey;

/** One Get of a TransactGetItems request, validated. */
public record TransactionGet(TableMetadata table, PrimaryKey key) {
    public TransactionGet {
        requireNonNull(table, "table is null");
        requireNonNull(key, "key is null");
    }
}
