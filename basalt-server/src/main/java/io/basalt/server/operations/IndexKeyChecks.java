package io.basalt.server.operations;

import io.basalt.cluster.TableMetadata;
import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.model.Item;
import io.basalt.model.SecondaryIndex;
import io.basalt.partition.IndexEntries;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Checks of secondary index key attributes made before a batch writes anything. A single PutItem is checked when
 * the partition evaluates it (a failure there changes nothing); a batch must be checked as a whole first, because
 * DynamoDB rejects the whole BatchWriteItem for one bad index key and writes none of it (scylladb
 * test/alternator/test_gsi.py, test_gsi_wrong_type_attribute_batch, which runs against DynamoDB).
 */
final class IndexKeyChecks {
    private IndexKeyChecks() {
    }

    /**
     * The indexes whose keys a write to {@code table} must satisfy, in the order DynamoDB checks them (by name: the
     * first index in that order with a bad key is the one the error names). Empty, and free, without indexes.
     */
    static List<SecondaryIndex> inCheckOrder(TableMetadata table) {
        if (table.indexes().isEmpty()) {
            return List.of();
        }
        List<SecondaryIndex> indexes = new ArrayList<>(table.maintainedIndexes());
        indexes.sort(Comparator.comparing(SecondaryIndex::name));
        return indexes;
    }

    /** Checks a put's index key attributes exactly as PutItem does (the same messages). */
    static void checkPut(List<SecondaryIndex> indexes, Item item) {
        for (SecondaryIndex index : indexes) {
            IndexEntries.checkKeys(index, item, null, false);
        }
    }

    /**
     * Rethrows the failure of one batch write unless it is transient (an item held by a transaction, a server
     * fault), the only failures a client may retry through UnprocessedItems. A checked batch fails otherwise only
     * if the table changed under it (an index added between the check and the write).
     */
    static void rethrowUnlessTransient(CompletableFuture<?> failed) {
        Throwable cause;
        try {
            failed.join();
            return;
        } catch (CompletionException e) {
            cause = e.getCause();
        } catch (RuntimeException e) {
            cause = e;
        }
        if (cause instanceof BasaltException basalt && basalt.code() != ErrorCode.TRANSACTION_CONFLICT
                && !basalt.code().isServerFault()) {
            throw basalt;
        }
    }
}
