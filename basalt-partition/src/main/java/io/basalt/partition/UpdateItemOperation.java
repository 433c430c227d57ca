package io.basalt.partition;

import static java.util.Objects.requireNonNull;

import io.basalt.expressions.ast.Condition;
import io.basalt.model.BasaltException;
import io.basalt.model.Item;
import io.basalt.model.ItemSize;
import io.basalt.model.Limits;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.encoding.StoredItem;

/**
 * UpdateItem: changes some attributes of an item, creating it (with its key attributes) when it does not exist.
 */
public final class UpdateItemOperation extends ItemOperation {
    private final Item keyItem;
    private final ItemUpdate update;

    /**
     * @param keyItem the key attributes as an item, which is where a new item starts
     * @param condition the bound condition, or null for none
     */
    public UpdateItemOperation(PrimaryKey key, Item keyItem, ItemUpdate update, Condition condition) {
        super(key, condition);
        this.keyItem = requireNonNull(keyItem, "keyItem is null");
        this.update = requireNonNull(update, "update is null");
    }

    /** The key attributes as an item. */
    public Item keyItem() {
        return keyItem;
    }

    public ItemUpdate update() {
        return update;
    }

    @Override
    void checkBeforeCondition(StoredItem current) {
        update.checkStatementSize(current);
    }

    @Override
    WriteOutcome compute(StoredItem current) {
        ItemUpdate.Applied applied = current != null ? update.apply(current.item()) : update.applyToAbsent(keyItem);
        Item updated = applied.item();
        if (current == null && !applied.updatedPaths().isEmpty() && updated.size() == keyItem.size()) {
            // An update of an absent item that only removed things does not create it (DynamoDB behaves so; an
            // update with no action at all does create the key-only item).
            return new WriteOutcome(null, null, applied.updatedPaths());
        }
        if (ItemSize.of(updated) > Limits.MAX_ITEM_SIZE_BYTES) {
            throw BasaltException.validation("Item size to update has exceeded the maximum allowed size");
        }
        return new WriteOutcome(current, updated, applied.updatedPaths());
    }
}
