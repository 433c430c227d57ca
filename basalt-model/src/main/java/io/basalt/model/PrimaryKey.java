package io.basalt.model;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The key of one item: the partition key value and, for tables with a sort key, the sort key value. Only
 * scalar values (S, N, B) can be keys.
 */
public record PrimaryKey(AttributeValue partitionValue, Optional<AttributeValue> sortValue) {
    public PrimaryKey {
        requireNonNull(partitionValue, "partitionValue is null");
        requireNonNull(sortValue, "sortValue is null");
    }

    /** The key as an item of its key attributes, in schema order, as DynamoDB returns keys. */
    public Map<String, AttributeValue> toAttributes(KeySchema schema) {
        Map<String, AttributeValue> attributes = new LinkedHashMap<>(4);
        attributes.put(schema.partitionKey().name(), partitionValue);
        schema.sortKey().ifPresent(sortKey -> attributes.put(sortKey.name(), sortValue.orElseThrow()));
        return attributes;
    }
}
