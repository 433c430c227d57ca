package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.model.KeySchema;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.ConditionalCheckFailedException;
import io.basalt.partition.ItemOperation;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PrepareOutcome;
import io.basalt.partition.PreparedTransaction;
import io.basalt.partition.ReplaceItemOperation;
import io.basalt.partition.encoding.ItemCodec;
import io.basalt.replication.PartitionLeader;
import io.basalt.storage.StorageIterator;
import io.basalt.storage.StorageReader;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes transactions whose coordinator is gone (docs/design/cluster.md §14, "recovery without the
 * coordinator"): a partition's prepare record older than {@code --transaction-resolve-after} (and every one, when
 * the node starts: no coordinator outlives its process) is settled by the transaction's ledger row. COMMITTED (by
 * this transaction) → the partition commits its own staged writes; absent, or PENDING past its coordinator
 * deadline → a conditional put of CANCELLED, then the partition lets go; CANCELLED or taken over by a later
 * transaction of the same token → the partition lets go. The ledger partition's log orders the resolver's put
 * against the coordinator's: a slow coordinator's commit put then fails its condition and it reports cancellation.
 *
 * <p>Runs on one thread of its own (a sweep per period); every step is idempotent, so a sweep that races a
 * coordinator, or another sweep after a restart, changes nothing twice.
 */
final class TransactionResolver {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionResolver.class);

    private final Clock clock;
    private final Duration resolveAfter;
    private final Supplier<Collection<PartitionLeader>> leaders;
    private final LongSupplier ledgerTableId;
    private final Ledger ledger;
    private volatile ScheduledExecutorService timer;
    private volatile boolean closed;

    /**
     * @param leaders the partition leaders of the node's live tables; the ledger table's own partitions
     *     ({@code ledgerTableId}) hold no prepare records
     */
    TransactionResolver(Clock clock, Duration resolveAfter, Supplier<Collection<PartitionLeader>> leaders,
            LongSupplier ledgerTableId, Ledger ledger) {
        this.clock = requireNonNull(clock, "clock is null");
        this.resolveAfter = requireNonNull(resolveAfter, "resolveAfter is null");
        this.leaders = requireNonNull(leaders, "leaders is null");
        this.ledgerTableId = requireNonNull(ledgerTableId, "ledgerTableId is null");
        this.ledger = requireNonNull(ledger, "ledger is null");
    }

    /**
     * Starts the periodic sweeps on a thread of their own: prepare records every {@code min(1 s, resolveAfter / 2)}
     * (at least 10 ms), expired ledger rows each minute. A failed sweep is logged and the next one tries again.
     */
    void start(ThreadFactory threads) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(threads);
        long period = Math.max(10, Math.min(1000, resolveAfter.toMillis() / 2));
        timer.scheduleWithFixedDelay(() -> logFailure("A transaction resolver sweep", () -> sweep(false)), period,
                period, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(() -> logFailure("Dropping expired ledger rows", this::dropExpiredRows), 1, 1,
                TimeUnit.MINUTES);
        this.timer = timer;
    }

    /** Stops the sweeps, waiting for one in progress. */
    void close() {
        ScheduledExecutorService running = timer;
        if (running == null) {
            return;
        }
        closed = true;
        running.shutdownNow();
        try {
            running.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void logFailure(String what, Runnable sweep) {
        try {
            sweep.run();
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.warn("{} failed; the next one tries again", what, e);
            }
        }
    }

    /**
     * Settles the prepare records of every partition: all of them when {@code atStart}, else those older than
     * {@code resolveAfter}.
     *
     * @return how many transactions were committed and let go, in that order
     */
    int[] sweep(boolean atStart) {
        int[] settled = new int[2];
        long nowMicros = TimeUnit.MILLISECONDS.toMicros(clock.millis());
        long horizon = nowMicros - TimeUnit.NANOSECONDS.toMicros(resolveAfter.toNanos());
        long ledgerTable = ledgerTableId.getAsLong();
        for (PartitionLeader leader : leaders.get()) {
            if (leader.descriptor().tableId() == ledgerTable || !leader.hasPrepared()) {
                continue;
            }
            Map<Long, PreparedTransaction> prepared = leader.preparedTransactions().join();
            for (Map.Entry<Long, PreparedTransaction> record : prepared.entrySet()) {
                if (atStart || record.getValue().timestamp() < horizon) {
                    int outcome = resolve(leader, record.getKey(), record.getValue(), atStart);
                    if (outcome >= 0) {
                        settled[outcome]++;
                    }
                }
            }
        }
        if (settled[0] + settled[1] > 0) {
            LOG.info("Resolved prepared transactions without their coordinator: committed {}, let go of {}",
                    settled[0], settled[1]);
        }
        return settled;
    }

    /**
     * Deletes the ledger rows that answer for nothing any more: a token's past its 10 minutes, a cancelled
     * transaction's once no coordinator can still try its commit put (its expiry), and a committed row without a
     * token whose coordinator died before deleting it. Rows still listing participants are left to the sweeps
     * that commit them. Each delete is conditional on the row's transaction, so a row taken over meanwhile stays.
     *
     * <p>Each node sweeps the ledger partitions it leads, in their own storage: on one node that is every ledger
     * partition in the one store; on a cluster node, those of the groups it leads, so every row is swept by the
     * leader of its partition and by no other node (a leader change between reading and deleting is harmless: the
     * delete is conditional).
     *
     * @return how many rows were deleted
     */
    int dropExpiredRows() {
        long now = clock.millis();
        long ledgerTable = ledgerTableId.getAsLong();
        Set<StorageReader> stores = Collections.newSetFromMap(new IdentityHashMap<>());
        for (PartitionLeader leader : leaders.get()) {
            if (leader.descriptor().tableId() == ledgerTable) {
                stores.add(leader.storage());
            }
        }
        List<LedgerRow> expired = new ArrayList<>();
        for (StorageReader storage : stores) {
            // The table's rows in this store are those of its partitions in this store's group: all of them led here.
            try (StorageIterator rows = storage.iterator(KeyLayout.indexStart(ledgerTable,
                    KeyLayout.BASE_TABLE_INDEX), KeyLayout.indexEnd(ledgerTable, KeyLayout.BASE_TABLE_INDEX))) {
                for (rows.seekToFirst(); rows.isValid(); rows.next()) {
                    LedgerRow row = LedgerRow.fromItem(ItemCodec.decode(rows.value()));
                    if (row.expires() < now && row.participants().isEmpty()
                            && row.state() != LedgerRow.State.PENDING) {
                        expired.add(row);
                    }
                }
            }
        }
        int dropped = 0;
        for (LedgerRow row : expired) {
            try {
                ledger.delete(row.key(), row.transaction()).join();
                dropped++;
            } catch (CompletionException e) {
                if (!(e.getCause() instanceof ConditionalCheckFailedException)) {
                    throw e;
                }
            }
        }
        return dropped;
    }

    /** @return 0 committed, 1 let go, -1 left for a later sweep */
    private int resolve(PartitionLeader leader, long transaction, PreparedTransaction record, boolean atStart) {
        if (record.isLegacy()) {
            // A version 1 record's decision was in the old ledger, completed at start before this runs
            // (FormatMigration.retireOldLedger): what is still prepared was never decided.
            leader.release(transaction, List.of()).join();
            return 1;
        }
        LedgerRow row = ledger.read(record.ledgerKey());
        boolean mine = row != null && row.transaction() == transaction;
        if (mine && row.state() == LedgerRow.State.COMMITTED) {
            leader.commit(transaction, record.timestamp()).join();
            return 0;
        }
        if (row == null || mine && row.state() == LedgerRow.State.PENDING) {
            if (row != null && !atStart && row.deadline() > clock.millis()) {
                return -1;
            }
            long now = clock.millis();
            LedgerRow cancelled = row != null ? row.with(LedgerRow.State.CANCELLED, List.of())
                    : new LedgerRow(record.ledgerKey(), LedgerRow.State.CANCELLED, transaction, null,
                            now + TransactionCoordinator.TOKEN_LIFETIME.toMillis(), now, List.of(), new long[0],
                            new long[0]);
            try {
                ledger.decide(cancelled).join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof ConditionalCheckFailedException) {
                    return -1; // decided meanwhile: the next sweep reads the decision
                }
                throw e;
            }
        }
        leader.release(transaction, List.of()).join();
        return 1;
    }

    /**
     * Completes the transactions of the old ledger ({@code 0x07}, written before step 7 by the coordinator itself):
     * on every partition that still holds a transaction's (version 1) prepare record, each write becomes "make the
     * item exactly this image". A partition without the record had applied its share before the crash.
     */
    static int completeOldDecisions(Map<Long, TransactionRecord> decisions, Map<Long, TableRuntime> runtimes,
            Map<Long, TableMetadata> tablesById) {
        int completed = 0;
        for (Map.Entry<Long, TransactionRecord> decision : decisions.entrySet()) {
            long transaction = decision.getKey();
            Map<PartitionLeader, List<TransactionRecord.Write>> byPartition = new LinkedHashMap<>();
            for (TransactionRecord.Write write : decision.getValue().writes()) {
                TableRuntime runtime = runtimes.get(write.tableId());
                if (tablesById.containsKey(write.tableId()) && runtime != null) {
                    // By the item's hash: a record written before the format migration names a v1 ordinal.
                    PartitionLeader leader = runtime.partition(runtime.partitionIndexFor(
                            KeyLayout.hashOfItemKey(write.itemKey())));
                    byPartition.computeIfAbsent(leader, key -> new ArrayList<>()).add(write);
                }
            }
            for (Map.Entry<PartitionLeader, List<TransactionRecord.Write>> share : byPartition.entrySet()) {
                PartitionLeader leader = share.getKey();
                if (!leader.preparedTransactions().join().containsKey(transaction)) {
                    continue;
                }
                KeySchema schema = tablesById.get(share.getValue().get(0).tableId()).keySchema();
                List<byte[]> itemKeys = new ArrayList<>();
                List<ItemOperation> operations = new ArrayList<>();
                for (TransactionRecord.Write write : share.getValue()) {
                    PrimaryKey key = new PrimaryKey(write.key().get(schema.partitionKey().name()),
                            schema.sortKey().map(sortKey -> write.key().get(sortKey.name())));
                    itemKeys.add(write.itemKey());
                    operations.add(new ReplaceItemOperation(key, write.image()));
                }
                // The items are still held for this transaction (restored from the record), so preparing again
                // succeeds and keeps the writes for the commit.
                for (PrepareOutcome outcome : leader.prepare(transaction, 0, "", itemKeys, operations).join()) {
                    if (!(outcome instanceof PrepareOutcome.Prepared)) {
                        throw new IllegalStateException("cannot complete committed transaction " + transaction
                                + ": " + outcome);
                    }
                }
                leader.commit(transaction, 0).join();
                completed++;
            }
        }
        return completed;
    }
}
