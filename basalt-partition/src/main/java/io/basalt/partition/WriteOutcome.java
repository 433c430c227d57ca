package io.basalt.partition;

import io.basalt.expressions.ast.DocumentPath;
import io.basalt.model.Item;
import java.util.List;

/**
 * The result of evaluating one write against an item: its image before and after (null where the item does not
 * exist) and, for updates, the document paths the update changed (for {@code ReturnValues=UPDATED_OLD/NEW}).
 */
public record WriteOutcome(Item oldItem, Item newItem, List<DocumentPath> updatedPaths) {
    public WriteOutcome {
        updatedPaths = List.copyOf(updatedPaths);
    }

    public boolean existedBefore() {
        return oldItem != null;
    }

    public boolean existsAfter() {
        return newItem != null;
    }
}
