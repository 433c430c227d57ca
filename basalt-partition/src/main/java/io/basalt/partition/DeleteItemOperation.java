package io.basalt.partition;

import io.basalt.model.Item;
import io.basalt.model.PrimaryKey;
import java.util.List;

/** DeleteItem: removes the item; deleting an absent item succeeds and changes nothing. */
public final class DeleteItemOperation extends ItemOperation {
    public DeleteItemOperation(PrimaryKey key, ItemCondition condition) {
        super(key, condition);
    }

    @Override
    protected WriteOutcome compute(Item current) {
        return new WriteOutcome(current, null, List.of());
    }
}
