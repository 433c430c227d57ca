package io.basalt.model;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * The schema of one secondary index: its name, its storage id, its key and its projection.
 *
 * <p>A local index has the table's partition key and one sort key of its own. A global index has one to four
 * partition key attributes and zero to four sort key attributes (DynamoDB's multi-attribute keys); with several,
 * an item is in the index only when it has every one of them with the declared type, and items order by the
 * sort key attributes left to right.
 *
 * @param id the index id in storage keys; unique within the table and never reused
 */
public record SecondaryIndex(String name, int id, boolean global, List<KeyAttribute> partitionKeys,
        List<KeyAttribute> sortKeys, Projection projection) {
    /** DynamoDB's limits on multi-attribute global index keys. */
    public static final int MAX_KEY_ATTRIBUTES_PER_ROLE = 4;

    public SecondaryIndex {
        requireNonNull(name, "name is null");
        partitionKeys = List.copyOf(partitionKeys);
        sortKeys = List.copyOf(sortKeys);
        requireNonNull(projection, "projection is null");
        if (id < 1 || id > 0xFFFF) {
            throw new IllegalArgumentException("index id must be in 1..65535: " + id);
        }
        if (partitionKeys.isEmpty() || partitionKeys.size() > MAX_KEY_ATTRIBUTES_PER_ROLE
                || sortKeys.size() > MAX_KEY_ATTRIBUTES_PER_ROLE) {
            throw new IllegalArgumentException("bad index key attribute counts: " + partitionKeys + ", " + sortKeys);
        }
        if (!global && (partitionKeys.size() != 1 || sortKeys.size() != 1)) {
            throw new IllegalArgumentException("a local index has one partition and one sort key attribute");
        }
    }

    public static SecondaryIndex local(String name, int id, KeyAttribute partitionKey, KeyAttribute sortKey,
            Projection projection) {
        return new SecondaryIndex(name, id, false, List.of(partitionKey), List.of(sortKey), projection);
    }

    /** Every key attribute of the index, partition keys first. */
    public List<KeyAttribute> keyAttributes() {
        List<KeyAttribute> all = new ArrayList<>(partitionKeys.size() + sortKeys.size());
        all.addAll(partitionKeys);
        all.addAll(sortKeys);
        return all;
    }

    public boolean isKeyAttribute(String attribute) {
        for (KeyAttribute key : partitionKeys) {
            if (key.name().equals(attribute)) {
                return true;
            }
        }
        for (KeyAttribute key : sortKeys) {
            if (key.name().equals(attribute)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the index holds {@code attribute} (a top-level name) of its items: every key attribute of the index
     * and of {@code table}, and what the projection adds.
     */
    public boolean projects(String attribute, KeySchema table) {
        return switch (projection.type()) {
            case ALL -> true;
            case KEYS_ONLY -> isKeyAttribute(attribute) || table.isKeyAttribute(attribute);
            case INCLUDE -> isKeyAttribute(attribute) || table.isKeyAttribute(attribute)
                    || projection.nonKeyAttributes().contains(attribute);
        };
    }
}
