package io.basalt.partition;

import static java.util.Objects.requireNonNull;

import io.basalt.model.BasaltException;
import io.basalt.model.Item;
import io.basalt.model.ItemSize;
import io.basalt.model.Limits;
import io.basalt.model.PrimaryKey;

/**
 * UpdateItem: changes some attributes of an item, creating it (with its key attributes) when it does not exist.
 */
public final class UpdateItemOperation extends ItemOperation {
    private final Item keyItem;
    private final ItemUpdate update;

    /**
     * @param keyItem the key attributes as an item, which is where a new item starts
     */
    public UpdateItemOperation(PrimaryKey key, Item keyItem, ItemUpdate update, ItemCondition condition) {
        super(key, condition);
        this.keyItem = requireNonNull(keyItem, "keyItem is null");
        this.update = requireNonNull(update, "update is null");
    }

    @Override
    protected WriteOutcome compute(Item current) {
        Item updated = update.apply(current != null ? current : keyItem);
        if (ItemSize.of(updated) > Limits.MAX_ITEM_SIZE_BYTES) {
            throw BasaltException.validation("Item size to update has exceeded the maximum allowed size");
        }
        return new WriteOutcome(current, updated, update.touchedAttributes());
    }
}
