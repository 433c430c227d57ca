package io.basalt.partition;

import static java.util.Objects.requireNonNull;

import io.basalt.expressions.ast.LegacyUpdate;
import io.basalt.expressions.eval.LegacyUpdateApplier;
import io.basalt.expressions.eval.UpdateResult;
import io.basalt.model.Item;

/**
 * UpdateItem's legacy {@code AttributeUpdates}, checked by the request layer (key attributes included). An action
 * on an absent item applies as on its key attributes: DELETE of a missing attribute is silent anyway.
 */
public record LegacyItemUpdate(LegacyUpdate update) implements ItemUpdate {
    public LegacyItemUpdate {
        requireNonNull(update, "update is null");
    }

    @Override
    public Applied apply(Item current) {
        UpdateResult result = LegacyUpdateApplier.apply(update, current);
        return new Applied(result.item(), result.updatedPaths());
    }
}
