package io.basalt.partition;

import static java.util.Objects.requireNonNull;

import io.basalt.expressions.ast.Condition;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.encoding.StoredItem;
import java.util.List;

/**
 * A transaction's ConditionCheck: the condition must hold for the transaction to commit, and the item does not
 * change (its image after is its image before).
 */
public final class ConditionCheckOperation extends ItemOperation {
    /** @param condition the bound ConditionExpression, which a ConditionCheck always has */
    public ConditionCheckOperation(PrimaryKey key, Condition condition) {
        super(key, requireNonNull(condition, "condition is null"));
    }

    @Override
    WriteOutcome compute(StoredItem current) {
        return new WriteOutcome(current, current == null ? null : current.item(), List.of());
    }
}
