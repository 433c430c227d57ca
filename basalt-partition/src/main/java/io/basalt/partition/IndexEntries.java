package io.basalt.partition;

import io.basalt.model.AttributeValue;
import io.basalt.model.BasaltException;
import io.basalt.model.Item;
import io.basalt.model.ItemSize;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.Limits;
import io.basalt.model.ProjectionType;
import io.basalt.model.SecondaryIndex;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a secondary index holds of an item: the projected attributes, their size as DynamoDB counts it, and the
 * checks DynamoDB makes on a write's index key attributes.
 */
public final class IndexEntries {
    /** DynamoDB adds 100 bytes of overhead to every index entry for sizes and write units. */
    public static final long ENTRY_OVERHEAD_BYTES = 100;

    private IndexEntries() {
    }

    /**
     * The attributes of {@code item} that {@code index} holds, in the item's order: all of them for an ALL
     * projection (the same instance), otherwise the table's and the index's keys and any INCLUDE attributes.
     */
    public static Item project(KeySchema table, SecondaryIndex index, Item item) {
        if (index.projection().type() == ProjectionType.ALL) {
            return item;
        }
        Map<String, AttributeValue> projected = new LinkedHashMap<>();
        for (Map.Entry<String, AttributeValue> attribute : item.attributes().entrySet()) {
            if (index.projects(attribute.getKey(), table)) {
                projected.put(attribute.getKey(), attribute.getValue());
            }
        }
        return new Item(projected);
    }

    /** The size of an index entry holding {@code projected}, overhead included. */
    public static long size(Item projected) {
        return ItemSize.of(projected) + ENTRY_OVERHEAD_BYTES;
    }

    /**
     * Checks a written item's index key attributes as DynamoDB does: present ones must have the declared type,
     * must not be empty, and must fit the key size limits.
     *
     * @throws BasaltException ValidationException naming the index and the attribute
     */
    public static void checkKeys(SecondaryIndex index, Item item) {
        for (KeyAttribute key : index.partitionKeys()) {
            AttributeValue value = check(index, key, item.get(key.name()));
            if (value != null && ItemSize.keyValueSize(value) > Limits.MAX_PARTITION_KEY_BYTES) {
                // Sic: DynamoDB's text has no space before the number (as for table keys).
                throw BasaltException.validation("One or more parameter values were invalid: Size of hashkey has "
                        + "exceeded the maximum size limit of" + Limits.MAX_PARTITION_KEY_BYTES + " bytes");
            }
        }
        for (KeyAttribute key : index.sortKeys()) {
            AttributeValue value = check(index, key, item.get(key.name()));
            if (value != null && ItemSize.keyValueSize(value) > Limits.MAX_SORT_KEY_BYTES) {
                throw BasaltException.validation("One or more parameter values were invalid: Aggregated size of all "
                        + "range keys has exceeded the size limit of " + Limits.MAX_SORT_KEY_BYTES + " bytes");
            }
        }
    }

    private static AttributeValue check(SecondaryIndex index, KeyAttribute key, AttributeValue value) {
        if (value == null) {
            return null;
        }
        if (value.type() != key.type()) {
            throw BasaltException.validation("One or more parameter values were invalid: Type mismatch for Index Key "
                    + key.name() + " Expected: " + key.type().descriptor() + " Actual: " + value.type().descriptor()
                    + " IndexName: " + index.name());
        }
        boolean emptyString = value instanceof AttributeValue.StringValue s && s.value().isEmpty();
        boolean emptyBinary = value instanceof AttributeValue.BinaryValue b && b.value().length() == 0;
        if (emptyString || emptyBinary) {
            throw BasaltException.validation("One or more parameter values are not valid. A value specified for a "
                    + "secondary index key is not supported. The AttributeValue for a key attribute cannot contain an "
                    + "empty " + (emptyString ? "string" : "binary") + " value. IndexName: " + index.name()
                    + ", IndexKey: " + key.name());
        }
        return value;
    }
}
