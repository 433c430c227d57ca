package io.basalt.partition;

import static java.util.Objects.requireNonNull;

import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.eval.ConditionEvaluator;
import io.basalt.model.BasaltException;
import io.basalt.model.Item;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.encoding.StoredItem;

/**
 * One write request against one item, evaluated on the partition leader against the item's current image: the
 * shared read-modify-write base of PutItem, DeleteItem, UpdateItem and each action of a transaction.
 *
 * <p>An operation is data: its fields are the key, images, a bound {@link Condition} and a sealed
 * {@link ItemUpdate}, never a closure, so it can be encoded ({@link io.basalt.partition.codec.OperationCodec}),
 * sent to the partition's leader and evaluated there. The hierarchy is sealed: the codec has one tag per subtype.
 *
 * <p>Evaluation is a pure function of the current image and the request: it must not read clocks, random numbers
 * or other items, so that the result can be logged and applied anywhere.
 */
public abstract sealed class ItemOperation permits PutItemOperation, UpdateItemOperation, DeleteItemOperation,
        ConditionCheckOperation, ReplaceItemOperation {
    private final PrimaryKey key;
    private final Condition condition;

    /** @param condition the bound ConditionExpression (or translated legacy {@code Expected}); null for none */
    ItemOperation(PrimaryKey key, Condition condition) {
        this.key = requireNonNull(key, "key is null");
        this.condition = condition;
    }

    public final PrimaryKey key() {
        return key;
    }

    /** The condition the current image must satisfy, or null when there is none. */
    public final Condition condition() {
        return condition;
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
        if (condition != null) {
            Item currentItem = current == null ? null : current.item();
            if (!ConditionEvaluator.evaluate(condition, currentItem)) {
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
    void checkBeforeCondition(StoredItem current) {
    }

    /** Computes the outcome once the condition holds. */
    abstract WriteOutcome compute(StoredItem current);
}
