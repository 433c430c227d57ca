package io.basalt.partition;

import io.basalt.expressions.ast.LegacyUpdate;
import io.basalt.expressions.ast.Operand;
import io.basalt.expressions.ast.UpdateExpression;
import io.basalt.model.AttributeType;
import io.basalt.model.KeyAttribute;
import io.basalt.model.SecondaryIndex;
import java.util.List;

/**
 * The index key checks DynamoDB makes from the request alone, before it reads the item and so before the write's
 * condition: every index key value of a PutItem's item, and the type of an index key an UpdateItem sets to a value
 * whose type the request tells (a value placeholder, arithmetic, {@code list_append}, an ADD, an AttributeUpdates
 * PUT or ADD). What only the evaluated update tells (a value taken from the item, an empty value) is checked on the
 * new image afterwards ({@link IndexEntries#checkKeys}). Sources: docs/design/index-writes.md §4 (dynalite's
 * putItem/updateItem, whose tests were checked against DynamoDB, validate these before reading the item).
 */
final class IndexKeyPrechecks {
    private IndexKeyPrechecks() {
    }

    /**
     * Checks what {@code operation} tells of its index keys, indexes in name order.
     *
     * @return whether the operation's new image needs no index key check after evaluation (a PutItem, checked whole)
     * @throws io.basalt.model.BasaltException ValidationException naming the index and the attribute
     */
    static boolean check(List<SecondaryIndex> byName, ItemOperation operation) {
        if (operation instanceof PutItemOperation put) {
            for (SecondaryIndex index : byName) {
                IndexEntries.checkKeys(index, put.item(), null, false);
            }
            return true;
        }
        if (operation instanceof UpdateItemOperation update) {
            for (SecondaryIndex index : byName) {
                checkKeys(index, index.partitionKeys(), update.update());
                checkKeys(index, index.sortKeys(), update.update());
            }
        }
        return false;
    }

    private static void checkKeys(SecondaryIndex index, List<KeyAttribute> keys, ItemUpdate update) {
        for (KeyAttribute key : keys) {
            AttributeType type = statedType(update, key.name());
            if (type != null && type != key.type()) {
                throw IndexEntries.typeMismatch(index, key, type);
            }
        }
    }

    /** The type {@code update} gives the top-level {@code attribute}, when the request alone tells it; else null. */
    private static AttributeType statedType(ItemUpdate update, String attribute) {
        if (update instanceof ExpressionItemUpdate expression) {
            UpdateExpression parsed = expression.expression();
            for (UpdateExpression.SetAction action : parsed.set()) {
                if (action.path().size() == 1 && action.path().attributeName().equals(attribute)) {
                    return operandType(action.value());
                }
            }
            for (UpdateExpression.AddAction action : parsed.add()) {
                if (action.path().size() == 1 && action.path().attributeName().equals(attribute)) {
                    return operandType(action.value());
                }
            }
        } else if (update instanceof LegacyItemUpdate legacy) {
            for (LegacyUpdate.Action action : legacy.update().actions()) {
                if (action.attribute().equals(attribute) && action.kind() != LegacyUpdate.Kind.DELETE) {
                    return action.value().type();
                }
            }
        }
        return null;
    }

    private static AttributeType operandType(Operand operand) {
        if (operand instanceof Operand.Literal literal) {
            return literal.value().type();
        }
        if (operand instanceof Operand.Arithmetic) {
            return AttributeType.N;
        }
        if (operand instanceof Operand.ListAppend) {
            return AttributeType.L;
        }
        return null;
    }
}
