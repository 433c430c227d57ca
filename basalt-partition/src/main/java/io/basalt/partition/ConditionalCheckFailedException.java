package io.basalt.partition;

import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.model.Item;

/**
 * A write's condition did not hold. Carries the item's current image, which DynamoDB returns when the request
 * asked for {@code ReturnValuesOnConditionCheckFailure=ALL_OLD}.
 */
public final class ConditionalCheckFailedException extends BasaltException {
    private final transient Item currentItem;
    private final boolean returnItem;

    public ConditionalCheckFailedException(Item currentItem) {
        this(currentItem, false);
    }

    private ConditionalCheckFailedException(Item currentItem, boolean returnItem) {
        super(ErrorCode.CONDITIONAL_CHECK_FAILED, "The conditional request failed");
        this.currentItem = currentItem;
        this.returnItem = returnItem;
    }

    /** The same failure, to be answered with the current item (ReturnValuesOnConditionCheckFailure=ALL_OLD). */
    public ConditionalCheckFailedException returningItem() {
        return new ConditionalCheckFailedException(currentItem, true);
    }

    /** Whether the response carries the current item. */
    public boolean returnItem() {
        return returnItem;
    }

    /** The item's image when the condition was evaluated, or null when it did not exist. */
    public Item currentItem() {
        return currentItem;
    }
}
