package io.basalt.partition;

import static java.util.Objects.requireNonNull;

import io.basalt.model.BasaltException;
import io.basalt.model.Item;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.encoding.StoredItem;

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
     * @param current the item's current image as stored (decoded only if the condition or the operation needs
     *     its attributes), or null when it does not exist
     * @throws ConditionalCheckFailedException when the condition does not hold
     * @throws BasaltException when the request cannot be applied to this item (e.g. the result is too large)
     */
    public final WriteOutcome evaluate(StoredItem current) {
        checkBeforeCondition(current);
        if (condition != ItemCondition.ALWAYS) {
            Item currentItem = current == null ? null : current.item();
            if (!condition.test(currentItem)) {
                throw new ConditionalCheckFailedException(currentItem);
            }
        }
        return compute(current);
    }

    /**
     * Refuses a request DynamoDB refuses whatever its condition says (UpdateItem's statement size); nothing by
     * default.
     *
     * @throws BasaltException ValidationException
     */
    protected void checkBeforeCondition(StoredItem current) {
    }

    /** Computes the outcome once the condition holds. */
    protected abstract WriteOutcome compute(StoredItem current);
}
