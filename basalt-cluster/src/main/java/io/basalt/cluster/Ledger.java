package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.Operand;
import io.basalt.model.AttributeValue;
import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.DeleteItemOperation;
import io.basalt.partition.ItemOperation;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PutItemOperation;
import io.basalt.partition.encoding.StoredItem;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Reads and writes the rows of the ledger table (docs/design/cluster.md §14) through {@link PartitionClient}, like
 * any item: every decision is a conditional put, so two deciders of one transaction (its coordinator and a
 * partition's resolver) are ordered by the ledger partition's log and exactly one of them wins. A refused condition
 * fails the future with {@link io.basalt.partition.ConditionalCheckFailedException}.
 */
final class Ledger {
    private static final Condition ABSENT = new Condition.AttributeNotExists(DocumentPath.of(LedgerRow.STATE));

    private final Supplier<TableMetadata> table;
    private final BiFunction<TableMetadata, byte[], PartitionId> router;
    private final PartitionClient partitions;

    /**
     * @param table the ledger table (created at the node's first start)
     * @param router the partition holding an item key of a table
     */
    Ledger(Supplier<TableMetadata> table, BiFunction<TableMetadata, byte[], PartitionId> router,
            PartitionClient partitions) {
        this.table = requireNonNull(table, "table is null");
        this.router = requireNonNull(router, "router is null");
        this.partitions = requireNonNull(partitions, "partitions is null");
    }

    /** Writes {@code row} where there is none ({@code attribute_not_exists(state)}). */
    CompletableFuture<Void> create(LedgerRow row) {
        return put(row, ABSENT);
    }

    /** Writes {@code row} over the row of transaction {@code seen} (a cancelled or expired one). */
    CompletableFuture<Void> replace(LedgerRow row, long seen) {
        return put(row, ofTransaction(seen));
    }

    /**
     * Decides: writes {@code row} (COMMITTED or CANCELLED) where there is no row, or where its own transaction's row
     * is still PENDING ({@code attribute_not_exists(state) OR (state = PENDING AND txn = :mine)}).
     */
    CompletableFuture<Void> decide(LedgerRow row) {
        Condition pending = new Condition.And(
                new Condition.Comparison(path(LedgerRow.STATE), Condition.Comparator.EQ,
                        literal(LedgerRow.State.PENDING.name())),
                ofTransaction(row.transaction()));
        return put(row, new Condition.Or(ABSENT, pending));
    }

    /** Rewrites the row of {@code row}'s own transaction (to forget its participants). */
    CompletableFuture<Void> update(LedgerRow row) {
        return put(row, ofTransaction(row.transaction()));
    }

    /** Deletes the row under {@code key} if it is still {@code transaction}'s. */
    CompletableFuture<Void> delete(String key, long transaction) {
        return write(key, new DeleteItemOperation(primaryKey(key), ofTransaction(transaction)));
    }

    /**
     * Copies the live tokens of the old token space ({@code 0x08}, before step 7) into COMMITTED rows, so that their
     * retries are answered as before; a row already there was copied by an earlier, interrupted start.
     */
    void copyOldTokens(Map<String, TokenRecord> tokens, Instant now) {
        for (Map.Entry<String, TokenRecord> token : tokens.entrySet()) {
            TokenRecord record = token.getValue();
            if (record.expires().isBefore(now)) {
                continue;
            }
            create(new LedgerRow(LedgerRow.keyOf(token.getKey(), 0), LedgerRow.State.COMMITTED, 0,
                    record.fingerprint(), record.expires().toEpochMilli(), 0, List.of(), record.oldSizes(),
                    record.newSizes())).handle((done, failure) -> null).join();
        }
    }

    /** The row under {@code key}, read strongly, or null. */
    LedgerRow read(String key) {
        TableMetadata ledger = ledger();
        byte[] itemKey = KeyLayout.itemKey(ledger.id(), KeyLayout.BASE_TABLE_INDEX, ledger.keySchema(),
                primaryKey(key));
        StoredItem stored = partitions.get(router.apply(ledger, itemKey), itemKey, true);
        return stored == null ? null : LedgerRow.fromItem(stored.item());
    }

    private CompletableFuture<Void> put(LedgerRow row, Condition condition) {
        return write(row.key(), new PutItemOperation(primaryKey(row.key()), row.toItem(), condition));
    }

    private CompletableFuture<Void> write(String key, ItemOperation operation) {
        TableMetadata ledger = ledger();
        byte[] itemKey = KeyLayout.itemKey(ledger.id(), KeyLayout.BASE_TABLE_INDEX, ledger.keySchema(),
                operation.key());
        return partitions.write(router.apply(ledger, itemKey), itemKey, operation).thenApply(written -> null);
    }

    private TableMetadata ledger() {
        TableMetadata ledger = table.get();
        if (ledger == null) {
            throw new BasaltException(ErrorCode.INTERNAL_SERVER_ERROR, "Internal server error");
        }
        return ledger;
    }

    private static PrimaryKey primaryKey(String key) {
        return new PrimaryKey(new AttributeValue.StringValue(key), Optional.empty());
    }

    private static Condition ofTransaction(long transaction) {
        return new Condition.Comparison(path(LedgerRow.TRANSACTION), Condition.Comparator.EQ,
                literal(Long.toString(transaction)));
    }

    private static Operand path(String attribute) {
        return new Operand.Path(DocumentPath.of(attribute));
    }

    private static Operand literal(String value) {
        return new Operand.Literal(new AttributeValue.StringValue(value), ":" + value);
    }
}
