package io.basalt.partition;

import static java.util.Objects.requireNonNull;

import io.basalt.expressions.ast.Condition;
import io.basalt.model.Item;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.encoding.StoredItem;
import java.util.List;

/** PutItem: replaces the whole item. */
public final class PutItemOperation extends ItemOperation {
    private final Item item;

    /** An unconditional put (BatchWriteItem's PutRequest). */
    public PutItemOperation(PrimaryKey key, Item item) {
        this(key, item, null);
    }

    /** @param condition the bound condition, or null for none */
    public PutItemOperation(PrimaryKey key, Item item, Condition condition) {
        super(key, condition);
        this.item = requireNonNull(item, "item is null");
    }

    /** The item as it will be stored. */
    public Item item() {
        return item;
    }

    @Override
    WriteOutcome compute(StoredItem current) {
        return new WriteOutcome(current, item, List.of());
    }
}
