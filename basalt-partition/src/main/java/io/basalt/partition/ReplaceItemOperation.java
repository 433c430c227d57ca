package io.basalt.partition;

import io.basalt.model.Item;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.encoding.StoredItem;
import java.util.List;

/**
 * Makes an item exactly {@code image} (or absent, for null), whatever it is now: how a transaction's committed
 * outcome is applied again after a crash. Applying it to an item that already has the image changes nothing.
 */
public final class ReplaceItemOperation extends ItemOperation {
    private final Item image;

    public ReplaceItemOperation(PrimaryKey key, Item image) {
        super(key, null);
        this.image = image;
    }

    /** The image the item gets, or null when it is to be absent. */
    public Item image() {
        return image;
    }

    @Override
    WriteOutcome compute(StoredItem current) {
        return new WriteOutcome(current, image, List.of());
    }
}
