package io.basalt.partition;

import io.basalt.model.PrimaryKey;
import io.basalt.partition.encoding.StoredItem;
import java.util.List;

/** DeleteItem: removes the item; deleting an absent item succeeds and changes nothing. */
public final class DeleteItemOperation extends ItemOperation {
    public DeleteItemOperation(PrimaryKey key, ItemCondition condition) {
        super(key, condition);
    }

    @Override
    protected WriteOutcome compute(StoredItem current) {
        return new WriteOutcome(current, null, List.of());
    }
}
