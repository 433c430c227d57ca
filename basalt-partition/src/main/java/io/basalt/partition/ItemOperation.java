package io.basalt.partition;

import static java.util.Objects.requireNonNull;

import io.basalt.model.BasaltException;
import io.basalt.model.Item;
import io.basalt.model.PrimaryKey;

/**
 * One write request against one item, evaluated on the partition leader against the item's current image: the
 * shared read-modify-write base of PutItem, DeleteItem and UpdateItem (and, later, each action of a transaction).
 *
 * <p>Evaluation is a pure function of the current image and the request: it must not read clocks, random numbers
 * or other items, so that the result can be logged and applied anywhere.
 */
public abstract class ItemOperation {
    private final PrimaryKey key;
    private final ItemCondition condition;

    protected ItemOperation(PrimaryKey key, ItemCondition condition) {
        this.key = requireNonNull(key, "key is null");
        this.condition = requireNonNull(condition, "condition is null");
    }

    public final PrimaryKey key() {
        return key;
    }

    /**
     * Checks the condition, then computes the new image.
     *
     * @param current the item's current image, or null when it does not exist
     * @throws ConditionalCheckFailedException when the condition does not hold
     * @throws BasaltException when the request cannot be applied to this item (e.g. the result is too large)
     */
    public final WriteOutcome evaluate(Item current) {
        if (!condition.test(current)) {
            throw new ConditionalCheckFailedException(current);
        }
        return compute(current);
    }

    /** Computes the outcome once the condition holds. */
    protected abstract WriteOutcome compute(Item current);
}
