package io.basalt.partition;

import io.basalt.model.Item;

/**
 * A Query or Scan FilterExpression (or legacy QueryFilter/ScanFilter) as {@link io.basalt.partition.read.PageReader}
 * tests it today. Writes no longer use it: an {@link ItemOperation} holds its bound condition as data. Step 5 of
 * docs/design/cluster.md replaces this with a {@code Condition} in {@code ReadSpec} and deletes it.
 */
@FunctionalInterface
public interface ItemCondition {
    ItemCondition ALWAYS = current -> true;

    boolean test(Item current);
}
