package io.basalt.partition;

import static java.util.Objects.requireNonNull;

import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;

/**
 * What a participant makes of one action of a transaction's first phase (REVIEW-2026-12 problem 6): the write it
 * staged and holds, or the reason it refused, as DynamoDB reports it in {@code CancellationReasons}. A failure that is
 * no reason of DynamoDB's (the table was deleted, storage failed) fails the partition's whole prepare instead.
 */
public sealed interface PrepareOutcome {
    /** The action was evaluated and its item is held for the transaction. */
    record Prepared(PartitionState.Staged staged) implements PrepareOutcome {
        public Prepared {
            requireNonNull(staged, "staged is null");
        }
    }

    /**
     * The action was refused; its item is not held. A failed condition's reason always carries the item's current
     * image: whether the client sees it is the action's choice ({@code ReturnValuesOnConditionCheckFailure}).
     */
    record Refused(CancellationReason reason) implements PrepareOutcome {
        public Refused {
            requireNonNull(reason, "reason is null");
        }
    }

    /**
     * The refusal {@code failure} stands for, or null when it is not one of the per-action reasons DynamoDB gives
     * (<a href="https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_TransactWriteItems.html">
     * TransactWriteItems</a>: ConditionalCheckFailed, TransactionConflict, ValidationError,
     * ItemCollectionSizeLimitExceeded).
     */
    static Refused refusal(BasaltException failure) {
        if (failure instanceof ConditionalCheckFailedException failed) {
            return new Refused(new CancellationReason("ConditionalCheckFailed", failed.getMessage(),
                    failed.currentItem()));
        }
        if (failure.code() == ErrorCode.TRANSACTION_CONFLICT) {
            return new Refused(new CancellationReason("TransactionConflict", "Transaction is ongoing for the item",
                    null));
        }
        if (failure.code() == ErrorCode.VALIDATION) {
            return new Refused(new CancellationReason("ValidationError", failure.getMessage(), null));
        }
        if (failure.code() == ErrorCode.ITEM_COLLECTION_SIZE_LIMIT_EXCEEDED) {
            return new Refused(new CancellationReason("ItemCollectionSizeLimitExceeded", failure.getMessage(), null));
        }
        return null;
    }
}
