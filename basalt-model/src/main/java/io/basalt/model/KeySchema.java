package io.basalt.model;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/** The primary key of a table or index: a partition (HASH) key and an optional sort (RANGE) key. */
public record KeySchema(KeyAttribute partitionKey, Optional<KeyAttribute> sortKey) {
    public KeySchema {
        requireNonNull(partitionKey, "partitionKey is null");
        requireNonNull(sortKey, "sortKey is null");
    }

    public static KeySchema of(KeyAttribute partitionKey) {
        return new KeySchema(partitionKey, Optional.empty());
    }

    public static KeySchema of(KeyAttribute partitionKey, KeyAttribute sortKey) {
        return new KeySchema(partitionKey, Optional.of(sortKey));
    }

    public boolean isKeyAttribute(String name) {
        return partitionKey.name().equals(name) || sortKey.map(k -> k.name().equals(name)).orElse(false);
    }

    public int size() {
        return sortKey.isPresent() ? 2 : 1;
    }
}
