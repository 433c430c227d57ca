package io.basalt.partition;

import io.basalt.expressions.ast.Operand;
import io.basalt.expressions.ast.UpdateExpression;
import io.basalt.model.AttributeType;
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
        checkKeys(index, item, previous, byUpdateExpression, null);
    }

    /**
     * As {@link #checkKeys(SecondaryIndex, Item, Item, boolean)}, for the new image of an UpdateItem made by
     * {@code update} (null for other writes): a key attribute given the wrong type by a top-level SET whose value
     * comes from the item (another attribute, {@code if_not_exists}) is refused with the text DynamoDB uses when the
     * type is known only once the update is evaluated (docs/design/index-writes.md §4).
     */
    public static void checkKeys(SecondaryIndex index, Item item, Item previous, boolean byUpdateExpression,
            UpdateExpression update) {
        for (KeyAttribute key : index.partitionKeys()) {
            check(index, key, item, previous, Limits.MAX_PARTITION_KEY_BYTES, byUpdateExpression, update);
        }
        for (KeyAttribute key : index.sortKeys()) {
            check(index, key, item, previous, Limits.MAX_SORT_KEY_BYTES, byUpdateExpression, update);
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

    /** DynamoDB's refusal of an index key value of the wrong type (docs/design/index-writes.md §4). */
    static BasaltException typeMismatch(SecondaryIndex index, KeyAttribute key, AttributeType actual) {
        return BasaltException.validation("One or more parameter values were invalid: Type mismatch for Index Key "
                + key.name() + " Expected: " + key.type().descriptor() + " Actual: " + actual.descriptor()
                + " IndexName: " + index.name());
    }

    private static void check(SecondaryIndex index, KeyAttribute key, Item item, Item previous, int maxBytes,
            boolean byUpdateExpression, UpdateExpression update) {
        AttributeValue value = item.get(key.name());
        if (value == null || (previous != null && value.equals(previous.get(key.name())))) {
            return;
        }
        if (value.type() != key.type()) {
            if (update != null && setFromItem(update, key.name())) {
                throw BasaltException.validation(
                        "The update expression attempted to update the secondary index key to unsupported type");
            }
            throw typeMismatch(index, key, value.type());
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

    /**
     * Whether {@code update} sets {@code attribute} (at the top level) to a value whose type the expression alone
     * does not tell: another attribute of the item, or {@code if_not_exists}, which may take it from the item.
     * DynamoDB checks a value's type against the index keys before it reads the item when the expression tells it
     * (a value placeholder, arithmetic, {@code list_append}), and words the check it can make only afterwards
     * differently (architect/dynalite test/updateItem.js "should return ValidationException if trying to update
     * existing index", checked against DynamoDB).
     */
    private static boolean setFromItem(UpdateExpression update, String attribute) {
        for (UpdateExpression.SetAction action : update.set()) {
            if (action.path().size() == 1 && action.path().attributeName().equals(attribute)) {
                return action.value() instanceof Operand.Path || action.value() instanceof Operand.IfNotExists;
            }
        }
        return false;
    }
}
