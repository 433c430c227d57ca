package io.basalt.partition;

import io.basalt.expressions.ast.Condition;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.encoding.StoredItem;
import java.util.List;

/** DeleteItem: removes the item; deleting an absent item succeeds and changes nothing. */
public final class DeleteItemOperation extends ItemOperation {
    /** An unconditional delete (BatchWriteItem's DeleteRequest). */
    public DeleteItemOperation(PrimaryKey key) {
        this(key, null);
    }

    /** @param condition the bound condition, or null for none */
    public DeleteItemOperation(PrimaryKey key, Condition condition) {
        super(key, condition);
    }

    @Override
    WriteOutcome compute(StoredItem current) {
        return new WriteOutcome(current, null, List.of());
    }
}
