package io.basalt.server.operations;

import static java.util.Objects.requireNonNull;

import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.UpdateExpression;
import io.basalt.expressions.eval.UpdateApplier;
import io.basalt.expressions.eval.UpdateResult;
import io.basalt.model.Item;
import io.basalt.partition.ItemUpdate;
import java.util.ArrayList;
import java.util.List;

/** A bound UpdateExpression as the partition leader applies it. */
final class ExpressionUpdate implements ItemUpdate {
    private final UpdateExpression update;
    private final UpdateExpression withoutRemovals;

    ExpressionUpdate(UpdateExpression update) {
        this.update = requireNonNull(update, "update is null");
        this.withoutRemovals = new UpdateExpression(update.set(), List.of(), update.add(), List.of());
    }

    @Override
    public Applied apply(Item current) {
        UpdateResult result = UpdateApplier.apply(update, current);
        return new Applied(result.item(), result.updatedPaths());
    }

    /**
     * On an item that does not exist there is nothing to remove: DynamoDB ignores REMOVE and DELETE actions then,
     * even on nested paths whose parents are missing (which would be errors on an existing item).
     */
    @Override
    public Applied applyToAbsent(Item keyItem) {
        UpdateResult result = UpdateApplier.apply(withoutRemovals, keyItem);
        List<DocumentPath> updated = new ArrayList<>(result.updatedPaths());
        updated.addAll(update.remove());
        update.delete().forEach(action -> updated.add(action.path()));
        return new Applied(result.item(), updated);
    }
}
