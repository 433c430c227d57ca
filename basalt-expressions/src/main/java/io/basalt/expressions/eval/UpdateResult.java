package io.basalt.expressions.eval;

import static java.util.Objects.requireNonNull;

import io.basalt.expressions.ast.DocumentPath;
import io.basalt.model.Item;
import java.util.List;

/**
 * The item after an update and the paths the update set, removed, added to or deleted from (in the order SET,
 * REMOVE, ADD, DELETE), which ReturnValues UPDATED_OLD / UPDATED_NEW project from the old and the new item.
 */
public record UpdateResult(Item item, List<DocumentPath> updatedPaths) {
    public UpdateResult {
        requireNonNull(item, "item is null");
        updatedPaths = List.copyOf(updatedPaths);
    }
}
