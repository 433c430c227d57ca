package io.basalt.partition;

import io.basalt.expressions.ast.DocumentPath;
import io.basalt.model.Item;
import io.basalt.partition.encoding.StoredItem;
import java.util.List;

/**
 * The result of evaluating one write against an item: its image before and after (null where the item does not
 * exist) and, for updates, the document paths the update changed (for {@code ReturnValues=UPDATED_OLD/NEW}).
 */
public record WriteOutcome(StoredItem old, Item newItem, List<DocumentPath> updatedPaths) {
    public WriteOutcome {
        updatedPaths = List.copyOf(updatedPaths);
    }

    /** The image before the write (decoded on the first call), or null when the item did not exist. */
    public Item oldItem() {
        return old == null ? null : old.item();
    }

    public boolean existedBefore() {
        return old != null;
    }

    public boolean existsAfter() {
        return newItem != null;
    }
}
