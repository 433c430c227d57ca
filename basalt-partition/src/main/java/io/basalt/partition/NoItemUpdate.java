package io.basalt.partition;

import io.basalt.model.Item;
import java.util.List;

/** UpdateItem with neither UpdateExpression nor AttributeUpdates: the item is created with only its key. */
public record NoItemUpdate() implements ItemUpdate {
    public static final NoItemUpdate INSTANCE = new NoItemUpdate();

    @Override
    public Applied apply(Item current) {
        return new Applied(current, List.of());
    }
}
