package io.basalt.expressions.eval;

import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.Operand;
import io.basalt.expressions.ast.PathElement;
import io.basalt.expressions.ast.UpdateExpression;
import io.basalt.model.AttributeValue;
import io.basalt.model.BasaltException;
import io.basalt.model.Item;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies a bound UpdateExpression to an item.
 *
 * <p>Every value on a right-hand side, and every list index, refers to the item as it was before the update;
 * so all SET values are computed first and the actions then applied. Errors and their texts (Alternator
 * test_update_expression.py comments quote DynamoDB; dynalite test/updateItem.js):
 * a path whose parent is missing or not a map/list → "The document path provided in the update expression is
 * invalid for update" (SET, REMOVE, ADD, DELETE alike; a missing last element is fine); a missing attribute read
 * by a SET value → "The provided expression refers to an attribute that does not exist in the item"; values of
 * the wrong type for {@code +}, {@code -}, list_append, ADD or DELETE → "An operand in the update expression has
 * an incorrect data type".
 */
public final class UpdateApplier {
    private UpdateApplier() {
    }

    /** Applies SET, REMOVE, ADD, DELETE to item (never null: an absent item arrives as its key attributes). */
    public static UpdateResult apply(UpdateExpression update, Item item) {
        List<AttributeValue> values = new ArrayList<>(update.set().size());
        for (UpdateExpression.SetAction action : update.set()) {
            values.add(SetValues.evaluate(action.value(), item));
        }
        MutableDocument document = new MutableDocument(item);
        List<DocumentPath> updated = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            DocumentPath path = update.set().get(i).path();
            MutableDocument.put(parent(document, path), last(path), values.get(i));
            updated.add(path);
        }
        for (DocumentPath path : update.remove()) {
            MutableDocument.remove(parent(document, path), last(path));
            updated.add(path);
        }
        for (UpdateExpression.AddAction action : update.add()) {
            Object parent = parent(document, action.path());
            AttributeValue existing = MutableDocument.get(parent, last(action.path()));
            AttributeValue operand = ((Operand.Literal) action.value()).value();
            MutableDocument.put(parent, last(action.path()), SetAlgebra.add(existing, operand));
            updated.add(action.path());
        }
        for (UpdateExpression.DeleteAction action : update.delete()) {
            Object parent = parent(document, action.path());
            AttributeValue existing = MutableDocument.get(parent, last(action.path()));
            if (existing != null) {
                AttributeValue operand = ((Operand.Literal) action.value()).value();
                AttributeValue remaining = SetAlgebra.delete(existing, operand);
                if (remaining == null) {
                    // DynamoDB has no empty sets: deleting every element removes the attribute (Alternator
                    // test_update_expression_delete_sets).
                    MutableDocument.remove(parent, last(action.path()));
                } else {
                    MutableDocument.put(parent, last(action.path()), remaining);
                }
            }
            updated.add(action.path());
        }
        return new UpdateResult(document.toItem(), updated);
    }

    private static Object parent(MutableDocument document, DocumentPath path) {
        Object parent = document.parentOf(path);
        if (parent == null) {
            throw BasaltException.validation(Messages.INVALID_PATH_FOR_UPDATE);
        }
        return parent;
    }

    private static PathElement last(DocumentPath path) {
        return path.elements().get(path.elements().size() - 1);
    }
}
