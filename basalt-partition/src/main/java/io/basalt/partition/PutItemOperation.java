package io.basalt.partition;

import static java.util.Objects.requireNonNull;

import io.basalt.model.Item;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.encoding.StoredItem;
import java.util.List;

/** PutItem: replaces the whole item. */
public final class PutItemOperation extends ItemOperation {
    private final Item item;

    public PutItemOperation(PrimaryKey key, Item item, ItemCondition condition) {
        super(key, condition);
        this.item = requireNonNull(item, "item is null");
    }

    @Override
    protected WriteOutcome compute(StoredItem current) {
        return new WriteOutcome(current, item, List.of());
    }
}
