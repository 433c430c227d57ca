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
    /**
     * DynamoDB adds 100 bytes of overhead to every index entry's stored size (IndexSizeBytes, item collection
     * sizes); write units are counted without it.
     */
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

    /** The stored size of an index entry holding {@code projected}, overhead included. */
    public static long size(Item projected) {
        return ItemSize.of(projected) + ENTRY_OVERHEAD_BYTES;
    }

    /**
     * Checks the index key attributes a write sets (those whose value differs from the item's previous image) as
     * DynamoDB does: the declared type, not empty, within the key size limits.
     *
     * @param previous the item's image before the write; null when it did not exist
     * @param byUpdateExpression whether an UpdateItem of an existing item set them (DynamoDB words an empty value
     *     differently then)
     * @throws BasaltException ValidationException naming the index and the attribute
     */
    public static void checkKeys(SecondaryIndex index, Item item, Item previous, boolean byUpdateExpression) {
        for (KeyAttribute key : index.partitionKeys()) {
            check(index, key, item, previous, Limits.MAX_PARTITION_KEY_BYTES, byUpdateExpression);
        }
        for (KeyAttribute key : index.sortKeys()) {
            check(index, key, item, previous, Limits.MAX_SORT_KEY_BYTES, byUpdateExpression);
        }
    }

    /** Whether an item that predates an index satisfies its key rules (backfill leaves the others out). */
    public static boolean satisfiesKeyRules(SecondaryIndex index, Item item) {
        try {
            checkKeys(index, item, null, false);
            return true;
        } catch (BasaltException e) {
            return false;
        }
    }

    private static void check(SecondaryIndex index, KeyAttribute key, Item item, Item previous, int maxBytes,
            boolean byUpdateExpression) {
        AttributeValue value = item.get(key.name());
        if (value == null || (previous != null && value.equals(previous.get(key.name())))) {
            return;
        }
        if (value.type() != key.type()) {
            throw BasaltException.validation("One or more parameter values were invalid: Type mismatch for Index Key "
                    + key.name() + " Expected: " + key.type().descriptor() + " Actual: " + value.type().descriptor()
                    + " IndexName: " + index.name());
        }
        boolean emptyString = value instanceof AttributeValue.StringValue s && s.value().isEmpty();
        boolean emptyBinary = value instanceof AttributeValue.BinaryValue b && b.value().length() == 0;
        if (emptyString || emptyBinary) {
            String what = "The AttributeValue for a key attribute cannot contain an empty "
                    + (emptyString ? "string" : "binary") + " value.";
            if (byUpdateExpression) {
                throw BasaltException.validation("One or more parameter values are not valid. The update expression "
                        + "attempted to update a secondary index key to a value that is not supported. " + what);
            }
            throw BasaltException.validation("One or more parameter values are not valid. A value specified for a "
                    + "secondary index key is not supported. " + what + " IndexName: " + index.name()
                    + ", IndexKey: " + key.name());
        }
        long size = ItemSize.keyValueSize(value);
        if (size > maxBytes) {
            throw BasaltException.validation("One or more parameter values were invalid: Size limit exceeded for "
                    + "Index Key " + key.name() + " Actual Size: " + size + " bytes Max Size: " + maxBytes
                    + " bytes IndexName: " + index.name());
        }
    }
}
