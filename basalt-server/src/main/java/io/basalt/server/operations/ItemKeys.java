package io.basalt.server.operations;

import io.basalt.cluster.TableMetadata;
import io.basalt.model.AttributeValue;
import io.basalt.model.BasaltException;
import io.basalt.model.Item;
import io.basalt.model.ItemSize;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.Limits;
import io.basalt.model.PrimaryKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Extracts and checks the primary key of a request against the table's key schema, in DynamoDB's words. */
final class ItemKeys {
    private ItemKeys() {
    }

    /**
     * The key given as a {@code Key} member (GetItem, DeleteItem, UpdateItem): exactly the key attributes, with
     * the schema's types.
     */
    static PrimaryKey fromKey(Item key, TableMetadata table) {
        PrimaryKey primaryKey = matchKey(key, table);
        checkKeyValues(primaryKey, table.keySchema());
        return primaryKey;
    }

    /**
     * The key given as a {@code Key} member, checked against the schema only (names and types), not its values:
     * a transaction reports the two kinds of problem differently.
     */
    static PrimaryKey matchKey(Item key, TableMetadata table) {
        KeySchema schema = table.keySchema();
        if (key.size() != schema.size()) {
            throw mismatch();
        }
        AttributeValue partition = keyValue(key, schema.partitionKey());
        Optional<AttributeValue> sort = schema.sortKey().map(sortKey -> keyValue(key, sortKey));
        return new PrimaryKey(partition, sort);
    }

    private static AttributeValue keyValue(Item key, KeyAttribute attribute) {
        AttributeValue value = key.get(attribute.name());
        if (value == null || value.type() != attribute.type()) {
            throw mismatch();
        }
        return value;
    }

    /** The key of an item to put: every key attribute present with the schema's type. */
    static PrimaryKey fromItem(Item item, TableMetadata table) {
        PrimaryKey primaryKey = matchItem(item, table);
        checkKeyValues(primaryKey, table.keySchema());
        return primaryKey;
    }

    /** The key of an item to put, checked against the schema only (presence and types), not its values. */
    static PrimaryKey matchItem(Item item, TableMetadata table) {
        KeySchema schema = table.keySchema();
        AttributeValue partition = itemKeyValue(item, schema.partitionKey());
        Optional<AttributeValue> sort = schema.sortKey().map(sortKey -> itemKeyValue(item, sortKey));
        return new PrimaryKey(partition, sort);
    }

    private static AttributeValue itemKeyValue(Item item, KeyAttribute attribute) {
        AttributeValue value = item.get(attribute.name());
        if (value == null) {
            throw BasaltException.validation("One or more parameter values were invalid: Missing the key "
                    + attribute.name() + " in the item");
        }
        if (value.type() != attribute.type()) {
            throw BasaltException.validation("One or more parameter values were invalid: Type mismatch for key "
                    + attribute.name() + " expected: " + attribute.type().descriptor() + " actual: "
                    + value.type().descriptor());
        }
        return value;
    }

    /** Empty key values and key sizes, which DynamoDB checks after the schema. */
    static void checkKeyValues(PrimaryKey key, KeySchema schema) {
        checkNotEmpty(key.partitionValue(), schema.partitionKey());
        if (ItemSize.keyValueSize(key.partitionValue()) > Limits.MAX_PARTITION_KEY_BYTES) {
            // Sic: DynamoDB's text has no space before the number.
            throw BasaltException.validation("One or more parameter values were invalid: Size of hashkey has "
                    + "exceeded the maximum size limit of" + Limits.MAX_PARTITION_KEY_BYTES + " bytes");
        }
        if (key.sortValue().isPresent()) {
            AttributeValue sort = key.sortValue().get();
            checkNotEmpty(sort, schema.sortKey().orElseThrow());
            if (ItemSize.keyValueSize(sort) > Limits.MAX_SORT_KEY_BYTES) {
                throw BasaltException.validation("One or more parameter values were invalid: Aggregated size of all "
                        + "range keys has exceeded the size limit of " + Limits.MAX_SORT_KEY_BYTES + " bytes");
            }
        }
    }

    private static void checkNotEmpty(AttributeValue value, KeyAttribute attribute) {
        if (value instanceof AttributeValue.StringValue s && s.value().isEmpty()) {
            throw BasaltException.validation("One or more parameter values are not valid. The AttributeValue for a "
                    + "key attribute cannot contain an empty string value. Key: " + attribute.name());
        }
        if (value instanceof AttributeValue.BinaryValue b && b.value().length() == 0) {
            throw BasaltException.validation("One or more parameter values are not valid. The AttributeValue for a "
                    + "key attribute cannot contain an empty binary value. Key: " + attribute.name());
        }
    }

    /** The key attributes as an item, where an UpdateItem of an absent item starts. */
    static Item keyItem(PrimaryKey key, TableMetadata table) {
        Map<String, AttributeValue> attributes = new LinkedHashMap<>(key.toAttributes(table.keySchema()));
        return new Item(attributes);
    }

    static BasaltException mismatch() {
        return BasaltException.validation("The provided key element does not match the schema");
    }
}
