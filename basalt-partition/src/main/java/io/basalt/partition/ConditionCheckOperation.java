package io.basalt.partition;

import io.basalt.model.PrimaryKey;
import io.basalt.partition.encoding.StoredItem;
import java.util.List;

/**
 * A transaction's ConditionCheck: the condition must hold for the transaction to commit, and the item does not
 * change (its image after is its image before).
 */
public final class ConditionCheckOperation extends ItemOperation {
    public ConditionCheckOperation(PrimaryKey key, ItemCondition condition) {
        super(key, condition);
    }

    @Override
    protected WriteOutcome compute(StoredItem current) {
        return new WriteOutcome(current, current == null ? null : current.item(), List.of());
    }
}
