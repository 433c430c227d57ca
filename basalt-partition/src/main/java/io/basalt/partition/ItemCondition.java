package io.basalt.partition;

import io.basalt.model.Item;

/**
 * A condition a write must satisfy against the item's current image (a ConditionExpression or the legacy
 * {@code Expected} parameter, once compiled). The current image is null when the item does not exist.
 */
@FunctionalInterface
public interface ItemCondition {
    ItemCondition ALWAYS = current -> true;

    boolean test(Item current);
}
