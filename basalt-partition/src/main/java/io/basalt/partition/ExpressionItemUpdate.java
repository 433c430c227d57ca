package io.basalt.partition;

import static java.util.Objects.requireNonNull;

import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.UpdateExpression;
import io.basalt.expressions.eval.UpdateApplier;
import io.basalt.expressions.eval.UpdateResult;
import io.basalt.expressions.eval.UpdateStatementSize;
import io.basalt.model.BasaltException;
import io.basalt.model.Item;
import io.basalt.model.Limits;
import io.basalt.partition.encoding.StoredItem;
import java.util.ArrayList;
import java.util.List;

/**
 * A bound UpdateExpression as the partition leader applies it.
 *
 * @param requestStatementSize the statement's size from the request alone (an upper bound), or -1 when the update
 *     is not sized by its statement (a transaction's Update); derived from {@code expression}, so a codec carries
 *     only whether it applies
 */
public record ExpressionItemUpdate(UpdateExpression expression, long requestStatementSize) implements ItemUpdate {
    public ExpressionItemUpdate {
        requireNonNull(expression, "expression is null");
        if (requestStatementSize < -1) {
            throw new IllegalArgumentException("requestStatementSize is " + requestStatementSize);
        }
    }

    /** An update sized only by the item it finishes, as a transaction's Update is. */
    public static ExpressionItemUpdate sizedByItem(UpdateExpression expression) {
        return new ExpressionItemUpdate(expression, -1);
    }

    /**
     * A standalone UpdateItem's update, which DynamoDB (us-east-1 and most regions) also sizes by its statement,
     * before the condition: docs/design/write-path.md. The statement is sized here, on the request's thread, so
     * the partition does nothing more for the usual update, whose statement is far below the limit.
     */
    public static ExpressionItemUpdate sizedByStatement(UpdateExpression expression) {
        return new ExpressionItemUpdate(expression, UpdateStatementSize.ofRequest(expression));
    }

    /** Whether the update is also sized by its statement ({@link #sizedByStatement}). */
    public boolean isSizedByStatement() {
        return requestStatementSize >= 0;
    }

    @Override
    public void checkStatementSize(StoredItem current) {
        if (requestStatementSize <= Limits.MAX_ITEM_SIZE_BYTES) {
            return;
        }
        // Only an ADD makes the size depend on the item (it pays for the set members it adds, not those present).
        if (!UpdateStatementSize.dependsOnItem(expression)
                || UpdateStatementSize.of(expression, current == null ? null : current.item())
                        > Limits.MAX_ITEM_SIZE_BYTES) {
            throw BasaltException.validation("Item size to update has exceeded the maximum allowed size");
        }
    }

    @Override
    public Applied apply(Item current) {
        UpdateResult result = UpdateApplier.apply(expression, current);
        return new Applied(result.item(), result.updatedPaths());
    }

    /**
     * On an item that does not exist there is nothing to remove: DynamoDB ignores REMOVE and DELETE actions then,
     * even on nested paths whose parents are missing (which would be errors on an existing item).
     */
    @Override
    public Applied applyToAbsent(Item keyItem) {
        UpdateExpression withoutRemovals = new UpdateExpression(expression.set(), List.of(), expression.add(),
                List.of());
        UpdateResult result = UpdateApplier.apply(withoutRemovals, keyItem);
        List<DocumentPath> updated = new ArrayList<>(result.updatedPaths());
        updated.addAll(expression.remove());
        expression.delete().forEach(action -> updated.add(action.path()));
        return new Applied(result.item(), updated);
    }
}
