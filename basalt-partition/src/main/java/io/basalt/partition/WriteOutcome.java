package io.basalt.partition;

import io.basalt.model.Item;
import java.util.Set;

/**
 * The result of evaluating one write against an item: its image before and after (null where the item does not
 * exist) and, for updates, the names of the top-level attributes the update touched (for
 * {@code ReturnValues=UPDATED_OLD/UPDATED_NEW}).
 */
public record WriteOutcome(Item oldItem, Item newItem, Set<String> touchedAttributes) {
    public WriteOutcome {
        touchedAttributes = Set.copyOf(touchedAttributes);
    }

    public boolean existedBefore() {
        return oldItem != null;
    }

    public boolean existsAfter() {
        return newItem != null;
    }
}
