package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.ItemOperation;

/**
 * One action of a TransactWriteItems request, validated: a Put, Update, Delete or ConditionCheck
 * ({@link io.basalt.partition.ConditionCheckOperation}) of one item of {@code table}.
 *
 * @param returnItemOnConditionFailure whether a failed condition reports the item (ReturnValuesOnConditionCheck
 *     Failure=ALL_OLD)
 */
public record TransactionAction(TableMetadata table, ItemOperation operation, boolean returnItemOnConditionFailure) {
    public TransactionAction {
        requireNonNull(table, "table is null");
        requireNonNull(operation, "operation is null");
    }
}
