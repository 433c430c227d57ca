package io.basalt.server.operations;

import io.basalt.cluster.TableMetadata;
import io.basalt.model.BasaltException;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.CancellationReason;
import io.basalt.partition.TransactionCanceledException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * The keys of a transaction's actions, checked as DynamoDB checks them once every table is known: an empty or
 * oversized key value fails the whole request at once; two actions on one item fail it with {@code Transaction
 * request cannot include multiple operations on one item}; a key that does not match its table's schema cancels
 * the transaction, with a {@code ValidationError} reason for that action and {@code None} for the others
 * (paritysuite/dynamodb-conformance, transactWriteItems and transactGetItems error messages). Only the first such
 * action is reported: DynamoDB stops looking for validation errors at the first one, so a later action that is
 * just as invalid gets {@code None} too (scylladb/scylladb test/alternator/test_transact.py,
 * test_transact_write_cancellation_reasons_validationerror, run against DynamoDB).
 */
final class TransactionKeys {
    static final String MULTIPLE_OPERATIONS = "Transaction request cannot include multiple operations on one item";

    private TransactionKeys() {
    }

    /**
     * @param key the key of action {@code i}; throws {@link TransactWriteAction.ActionValidationError} for a
     *     problem that cancels, any other exception for one that fails the request
     */
    static List<PrimaryKey> resolve(int size, IntFunction<PrimaryKey> key, IntFunction<TableMetadata> table) {
        List<PrimaryKey> keys = new ArrayList<>(size);
        List<CancellationReason> reasons = new ArrayList<>(size);
        boolean cancelled = false;
        for (int i = 0; i < size; i++) {
            try {
                keys.add(key.apply(i));
                reasons.add(CancellationReason.NONE);
            } catch (TransactWriteAction.ActionValidationError e) {
                keys.add(null);
                reasons.add(cancelled ? CancellationReason.NONE
                        : new CancellationReason("ValidationError", e.getMessage(), null));
                cancelled = true;
            }
        }
        Set<List<Object>> seen = new HashSet<>();
        for (int i = 0; i < size; i++) {
            if (keys.get(i) != null && !seen.add(List.of(table.apply(i).id(), keys.get(i)))) {
                throw BasaltException.validation(MULTIPLE_OPERATIONS);
            }
        }
        if (cancelled) {
            throw new TransactionCanceledException(reasons);
        }
        return keys;
    }
}
