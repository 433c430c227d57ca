package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.model.Item;
import io.basalt.model.ItemSize;
import io.basalt.model.KeySchema;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.CancellationReason;
import io.basalt.partition.ConditionCheckOperation;
import io.basalt.partition.ConditionalCheckFailedException;
import io.basalt.partition.EvaluatedWrite;
import io.basalt.partition.ItemOperation;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionState;
import io.basalt.partition.ReplaceItemOperation;
import io.basalt.partition.TransactionCanceledException;
import io.basalt.partition.WriteOutcome;
import io.basalt.partition.encoding.ItemCodec;
import io.basalt.replication.PartitionLeader;
import io.basalt.storage.WritableStorage;
import io.basalt.storage.StorageIterator;
import io.basalt.storage.WriteBatch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs transactions over the partitions they touch with two-phase commit (docs/design/transactions.md).
 *
 * <p><b>Writes.</b> Phase one asks every partition involved to evaluate its actions against the items' latest
 * images and hold the items (a single write or another transaction that touches a held item is refused with a
 * conflict, never queued). If any action is refused, the transaction is cancelled: the items are let go and the
 * client gets one reason per action. Otherwise the commit decision, with every item's new image, is stored
 * durably in the transaction ledger; then each partition applies its writes as one log entry and lets go of its
 * items; then the ledger record is dropped. A crash after the decision is stored is completed at restart by
 * applying the record again ({@link #recover}); a crash before it leaves nothing.
 *
 * <p><b>Reads.</b> TransactGetItems reads in two rounds over the partitions involved, as DynamoDB does (no
 * snapshot spans partitions, so the same code serves a cluster): the first reads every item and has each partition
 * watch the items it read; the second asks each partition whether any of them was written since. When none was,
 * every item stayed as read from its partition's first round to its second, and since every first round ended
 * before any second began, there is a moment when all of them held together. Otherwise the read starts over. Items
 * that stay held by transactions in progress (or written) cancel the read with TransactionConflict, as in DynamoDB.
 */
final class TransactionCoordinator {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionCoordinator.class);
    private static final Duration TOKEN_LIFETIME = Duration.ofMinutes(10);
    private static final int READ_ATTEMPTS = 200;

    private final WritableStorage storage;
    private final boolean sync;
    private final Clock clock;
    private final LongFunction<TableRuntime> runtimes;
    /** The partition that holds an item key of a table, by the partition map. */
    private final BiFunction<TableMetadata, byte[], PartitionId> router;
    private final PartitionClient partitions;
    private final Executor workers;
    private final AtomicLong nextId;
    private final AtomicLong lastTimestamp = new AtomicLong();
    private final AtomicLong lastTokenSweep = new AtomicLong();
    private final ConcurrentHashMap<String, Token> tokens = new ConcurrentHashMap<>();
    private final CommitDelay commitDelay;

    /** A ClientRequestToken seen in the last 10 minutes: the request it came with, and how that went. */
    private record Token(String fingerprint, CompletableFuture<TransactionResult> outcome, Instant expires) {
    }

    /** One action placed on its partition. */
    private record Placed(int action, PartitionId partition, byte[] itemKey) {
    }

    /**
     * @param runtimes the live tables (a transaction on a table that is gone fails at once)
     * @param partitions how the rounds reach each partition ({@link PartitionClient})
     */
    TransactionCoordinator(WritableStorage storage, boolean sync, Clock clock, LongFunction<TableRuntime> runtimes,
            BiFunction<TableMetadata, byte[], PartitionId> router, PartitionClient partitions, Executor workers,
            CommitDelay commitDelay) {
        this.storage = requireNonNull(storage, "storage is null");
        this.commitDelay = requireNonNull(commitDelay, "commitDelay is null");
        this.sync = sync;
        this.clock = requireNonNull(clock, "clock is null");
        this.runtimes = requireNonNull(runtimes, "runtimes is null");
        this.router = requireNonNull(router, "router is null");
        this.partitions = requireNonNull(partitions, "partitions is null");
        this.workers = requireNonNull(workers, "workers is null");
        // Ids only need to be unique among the transactions in flight and in the ledger: start past any id a
        // previous run could have left there.
        this.nextId = new AtomicLong(System.currentTimeMillis() << 20);
    }

    CompletableFuture<TransactionResult> write(List<TransactionAction> actions, String clientRequestToken,
            String requestFingerprint) {
        if (clientRequestToken == null) {
            return run(actions, null);
        }
        Instant now = clock.instant();
        forgetExpiredTokens(now);
        CompletableFuture<TransactionResult> outcome = new CompletableFuture<>();
        Token mine = new Token(requestFingerprint, outcome, now.plus(TOKEN_LIFETIME));
        Token earlier = tokens.putIfAbsent(clientRequestToken, mine);
        if (earlier != null) {
            if (!earlier.fingerprint().equals(requestFingerprint)) {
                return CompletableFuture.failedFuture(new BasaltException(ErrorCode.IDEMPOTENT_PARAMETER_MISMATCH,
                        "The request uses the same client token as a previous, but non-identical request. Do not "
                                + "reuse a client token with different requests, unless the requests are identical."));
            }
            if (!earlier.outcome().isDone()) {
                return CompletableFuture.failedFuture(new BasaltException(ErrorCode.TRANSACTION_IN_PROGRESS,
                        "Transaction is in progress"));
            }
            return earlier.outcome().thenApply(first -> new TransactionResult(first.writes(), true));
        }
        run(actions, new TokenUse(clientRequestToken, requestFingerprint, mine.expires())).whenComplete(
                (result, failure) -> {
            if (failure != null) {
                // Only a transaction that committed makes its token answer for it; a cancelled one may be retried.
                tokens.remove(clientRequestToken, mine);
                outcome.completeExceptionally(failure);
            } else {
                outcome.complete(result);
            }
        });
        return outcome;
    }

    /** A token to store with the commit decision. */
    private record TokenUse(String token, String fingerprint, Instant expires) {
    }

    private void forgetExpiredTokens(Instant now) {
        long last = lastTokenSweep.get();
        if (now.toEpochMilli() - last < 1000 || !lastTokenSweep.compareAndSet(last, now.toEpochMilli())) {
            return;
        }
        List<String> expired = new ArrayList<>();
        tokens.forEach((token, entry) -> {
            if (entry.expires().isBefore(now) && tokens.remove(token, entry)) {
                expired.add(token);
            }
        });
        if (!expired.isEmpty()) {
            WriteBatch batch = new WriteBatch();
            expired.forEach(token -> batch.delete(KeyLayout.tokenKey(token)));
            storage.write(batch, false);
        }
    }

    private CompletableFuture<TransactionResult> run(List<TransactionAction> actions, TokenUse token) {
        long transaction = nextId.incrementAndGet();
        long timestamp = nextTimestamp();
        List<Placed> placed = new ArrayList<>(actions.size());
        Map<PartitionId, List<Placed>> byPartition = new LinkedHashMap<>();
        for (int i = 0; i < actions.size(); i++) {
            TransactionAction action = actions.get(i);
            TableRuntime runtime = runtimes.apply(action.table().id());
            if (runtime == null) {
                return CompletableFuture.failedFuture(BasaltException.resourceNotFound("Requested resource not found"));
            }
            byte[] itemKey = KeyLayout.itemKey(action.table().id(), KeyLayout.BASE_TABLE_INDEX,
                    action.table().keySchema(), action.operation().key());
            Placed place = new Placed(i, router.apply(action.table(), itemKey), itemKey);
            placed.add(place);
            byPartition.computeIfAbsent(place.partition(), k -> new ArrayList<>()).add(place);
        }
        List<CompletableFuture<List<Object>>> prepared = new ArrayList<>(byPartition.size());
        for (List<Placed> group : byPartition.values()) {
            prepared.add(partitions.prepare(group.get(0).partition(), transaction, timestamp,
                    group.stream().map(Placed::itemKey).toList(),
                    group.stream().map(p -> actions.get(p.action()).operation()).toList()));
        }
        // The commit decision is an fsync: never on the thread that completed the prepares (a network thread).
        // Every prepare is waited for, failed or not, so that whatever was held is let go on every path.
        return settled(prepared).thenComposeAsync(ignored -> {
            Object[] outcomes = new Object[actions.size()];
            int g = 0;
            for (List<Placed> group : byPartition.values()) {
                CompletableFuture<List<Object>> future = prepared.get(g++);
                List<Object> results = future.isCompletedExceptionally() ? null : future.join();
                for (int j = 0; j < group.size(); j++) {
                    outcomes[group.get(j).action()] = results != null ? results.get(j) : failureOf(future);
                }
            }
            List<CancellationReason> reasons;
            try {
                reasons = reasons(actions, outcomes);
            } catch (RuntimeException e) {
                release(transaction, byPartition, outcomes);
                throw e;
            }
            if (reasons != null) {
                release(transaction, byPartition, outcomes);
                return CompletableFuture.failedFuture(new TransactionCanceledException(reasons));
            }
            // Fault injection: the items stay held between the phases, so tests can race other writes against it.
            CompletableFuture<Void> due = commitDelay.await(workers);
            if (due == null) {
                return commit(transaction, timestamp, token, actions, placed, byPartition, outcomes);
            }
            return due.thenCompose(x -> commit(transaction, timestamp, token, actions, placed, byPartition, outcomes));
        }, workers);
    }

    /** Why a partition's prepare failed as a whole (its table was deleted, the node is closing). */
    private static BasaltException failureOf(CompletableFuture<?> future) {
        try {
            future.join();
            throw new IllegalStateException("the prepare did not fail");
        } catch (CompletionException e) {
            return e.getCause() instanceof BasaltException basalt ? basalt
                    : new BasaltException(ErrorCode.INTERNAL_SERVER_ERROR, "Internal server error", e.getCause());
        }
    }

    /**
     * The cancellation reasons, or null when every action was prepared.
     *
     * @throws BasaltException the failure of a whole partition (not a reason DynamoDB reports per action)
     */
    private static List<CancellationReason> reasons(List<TransactionAction> actions, Object[] outcomes) {
        List<CancellationReason> reasons = new ArrayList<>(outcomes.length);
        boolean cancelled = false;
        for (int i = 0; i < outcomes.length; i++) {
            if (outcomes[i] instanceof PartitionState.Staged) {
                reasons.add(CancellationReason.NONE);
                continue;
            }
            cancelled = true;
            BasaltException failure = (BasaltException) outcomes[i];
            if (failure instanceof ConditionalCheckFailedException failed) {
                reasons.add(new CancellationReason("ConditionalCheckFailed", failed.getMessage(),
                        actions.get(i).returnItemOnConditionFailure() ? failed.currentItem() : null));
            } else if (failure.code() == ErrorCode.TRANSACTION_CONFLICT) {
                reasons.add(new CancellationReason("TransactionConflict", "Transaction is ongoing for the item",
                        null));
            } else if (failure.code() == ErrorCode.VALIDATION) {
                reasons.add(new CancellationReason("ValidationError", failure.getMessage(), null));
            } else if (failure.code() == ErrorCode.ITEM_COLLECTION_SIZE_LIMIT_EXCEEDED) {
                reasons.add(new CancellationReason("ItemCollectionSizeLimitExceeded", failure.getMessage(), null));
            } else {
                throw failure;
            }
        }
        return cancelled ? reasons : null;
    }

    private void release(long transaction, Map<PartitionId, List<Placed>> byPartition, Object[] outcomes) {
        for (List<Placed> group : byPartition.values()) {
            List<byte[]> held = new ArrayList<>(group.size());
            for (Placed place : group) {
                if (outcomes[place.action()] instanceof PartitionState.Staged) {
                    held.add(place.itemKey());
                }
            }
            if (!held.isEmpty()) {
                partitions.release(group.get(0).partition(), transaction, held);
            }
        }
    }

    private CompletableFuture<TransactionResult> commit(long transaction, long timestamp, TokenUse token,
            List<TransactionAction> actions, List<Placed> placed, Map<PartitionId, List<Placed>> byPartition,
            Object[] outcomes) {
        List<TransactionRecord.Write> writes = new ArrayList<>();
        for (Placed place : placed) {
            TransactionAction action = actions.get(place.action());
            PartitionState.Staged staged = (PartitionState.Staged) outcomes[place.action()];
            if (!(action.operation() instanceof ConditionCheckOperation)) {
                KeySchema schema = action.table().keySchema();
                writes.add(new TransactionRecord.Write(action.table().id(), place.itemKey(),
                        new Item(action.operation().key().toAttributes(schema)), staged.outcome().newItem()));
            }
        }
        byte[] ledgerKey = KeyLayout.transactionKey(transaction);
        WriteBatch decision = new WriteBatch();
        if (!writes.isEmpty()) {
            decision.put(ledgerKey, new TransactionRecord(writes).encode());
        }
        if (token != null) {
            // The token answers for the transaction from the moment it is decided, restarts included.
            long[] oldSizes = new long[actions.size()];
            long[] newSizes = new long[actions.size()];
            for (int i = 0; i < actions.size(); i++) {
                PartitionState.Staged staged = (PartitionState.Staged) outcomes[i];
                oldSizes[i] = staged.current() == null ? 0 : staged.current().size();
                Item after = staged.outcome().newItem();
                newSizes[i] = after == null ? 0 : ItemSize.of(after);
            }
            decision.put(KeyLayout.tokenKey(token.token()),
                    new TokenRecord(token.fingerprint(), token.expires(), oldSizes, newSizes).encode());
        }
        try {
            if (!decision.isEmpty()) {
                storage.write(decision, sync);
            }
        } catch (RuntimeException e) {
            release(transaction, byPartition, outcomes);
            return CompletableFuture.failedFuture(new BasaltException(ErrorCode.INTERNAL_SERVER_ERROR,
                    "Internal server error", e));
        }
        List<CompletableFuture<List<EvaluatedWrite>>> committed = new ArrayList<>(byPartition.size());
        for (List<Placed> group : byPartition.values()) {
            List<PartitionState.Staged> staged = group.stream()
                    .map(p -> (PartitionState.Staged) outcomes[p.action()]).toList();
            committed.add(partitions.commit(group.get(0).partition(), transaction, timestamp, staged));
        }
        return CompletableFuture.allOf(committed.toArray(CompletableFuture[]::new)).handle((ignored, failure) -> {
            if (failure != null) {
                // The decision is durable: a restart applies what did not reach storage.
                throw new CompletionException(failure);
            }
            if (!writes.isEmpty()) {
                storage.write(new WriteBatch().delete(ledgerKey), false);
            }
            EvaluatedWrite[] results = new EvaluatedWrite[actions.size()];
            int g = 0;
            for (List<Placed> group : byPartition.values()) {
                List<EvaluatedWrite> groupWrites = committed.get(g++).join();
                int w = 0;
                for (Placed place : group) {
                    PartitionState.Staged staged = (PartitionState.Staged) outcomes[place.action()];
                    if (staged.operation() instanceof ConditionCheckOperation) {
                        // Charged on the checked item's size, and writes nothing.
                        long size = staged.current() == null ? 0 : staged.current().size();
                        results[place.action()] = new EvaluatedWrite(staged.outcome(), null, size, size, List.of(),
                                -1);
                    } else {
                        results[place.action()] = groupWrites.get(w++);
                    }
                }
            }
            return new TransactionResult(Arrays.asList(results), false);
        });
    }

    /** The next transaction timestamp: microseconds of the node's clock, strictly increasing. */
    private long nextTimestamp() {
        long now = TimeUnit.MILLISECONDS.toMicros(clock.millis());
        return lastTimestamp.updateAndGet(last -> Math.max(now, last + 1));
    }

    /** Reads the items of a TransactGetItems as they all were at one moment. */
    CompletableFuture<List<Item>> read(List<TransactionGet> gets) {
        Map<PartitionId, ReadGroup> groups = new LinkedHashMap<>();
        for (int i = 0; i < gets.size(); i++) {
            TransactionGet get = gets.get(i);
            TableRuntime runtime = runtimes.apply(get.table().id());
            if (runtime == null) {
                return CompletableFuture.failedFuture(BasaltException.resourceNotFound("Requested resource not found"));
            }
            byte[] key = KeyLayout.itemKey(get.table().id(), KeyLayout.BASE_TABLE_INDEX, get.table().keySchema(),
                    get.key());
            ReadGroup group = groups.computeIfAbsent(router.apply(get.table(), key),
                    partition -> new ReadGroup(partition, new ArrayList<>(), new ArrayList<>()));
            group.places().add(i);
            group.keys().add(key);
        }
        TransactionalRead read = new TransactionalRead(List.copyOf(groups.values()), gets.size());
        workers.execute(() -> read.attempt(0));
        return read.result;
    }

    /** The gets of one TransactGetItems that fall on one partition: their places in the request and item keys. */
    private record ReadGroup(PartitionId partition, List<Integer> places, List<byte[]> keys) {
    }

    /**
     * One TransactGetItems in progress: its rounds run as tasks on the workers, never blocking one, so that reads
     * which must try again do not hold up the transactions they wait for.
     */
    private final class TransactionalRead {
        private final List<ReadGroup> groups;
        private final boolean[] unsettled;
        private final CompletableFuture<List<Item>> result = new CompletableFuture<>();

        TransactionalRead(List<ReadGroup> groups, int count) {
            this.groups = groups;
            this.unsettled = new boolean[count];
        }

        void attempt(int attempt) {
            List<CompletableFuture<PartitionState.ReadRound>> firsts = new ArrayList<>(groups.size());
            for (ReadGroup group : groups) {
                firsts.add(partitions.readForTransaction(group.partition(), group.keys()));
            }
            settled(firsts).whenCompleteAsync((ignored, unused) -> afterFirstRound(attempt, firsts), workers);
        }

        private void afterFirstRound(int attempt, List<CompletableFuture<PartitionState.ReadRound>> firsts) {
            List<PartitionState.ReadRound> rounds = new ArrayList<>(groups.size());
            Throwable failed = null;
            boolean busy = false;
            for (int g = 0; g < groups.size(); g++) {
                PartitionState.ReadRound round = firsts.get(g).isCompletedExceptionally() ? null : firsts.get(g).join();
                rounds.add(round);
                if (round == null) {
                    failed = failureOf(firsts.get(g));
                    continue;
                }
                for (int j = 0; j < round.states().size(); j++) {
                    boolean read = round.states().get(j) == PartitionState.ReadState.READ;
                    unsettled[groups.get(g).places().get(j)] = !read;
                    busy |= !read;
                }
            }
            if (failed != null || busy) {
                for (int g = 0; g < groups.size(); g++) {
                    if (rounds.get(g) != null && rounds.get(g).watch() != null) {
                        partitions.validate(groups.get(g).partition(), rounds.get(g).watch());
                    }
                }
                if (failed != null) {
                    result.completeExceptionally(failed);
                } else {
                    // A transaction in progress holds an item, or a single write to one is in flight: both end
                    // within milliseconds, so try again for a while before cancelling as DynamoDB does.
                    retry(attempt);
                }
                return;
            }
            List<CompletableFuture<boolean[]>> seconds = new ArrayList<>(groups.size());
            for (int g = 0; g < groups.size(); g++) {
                seconds.add(partitions.validate(groups.get(g).partition(), rounds.get(g).watch()));
            }
            settled(seconds).whenCompleteAsync((ignored, unused) -> afterSecondRound(attempt, rounds, seconds),
                    workers);
        }

        private void afterSecondRound(int attempt, List<PartitionState.ReadRound> rounds,
                List<CompletableFuture<boolean[]>> seconds) {
            boolean changed = false;
            for (int g = 0; g < groups.size(); g++) {
                if (seconds.get(g).isCompletedExceptionally()) {
                    // The partition went away between the rounds (its table was deleted).
                    result.completeExceptionally(failureOf(seconds.get(g)));
                    return;
                }
                boolean[] written = seconds.get(g).join();
                for (int j = 0; j < written.length; j++) {
                    unsettled[groups.get(g).places().get(j)] = written[j];
                    changed |= written[j];
                }
            }
            if (changed) {
                retry(attempt);
                return;
            }
            try {
                Item[] items = new Item[unsettled.length];
                for (int g = 0; g < groups.size(); g++) {
                    List<byte[]> stored = rounds.get(g).items();
                    for (int j = 0; j < stored.size(); j++) {
                        items[groups.get(g).places().get(j)] = stored.get(j) == null ? null
                                : ItemCodec.decode(stored.get(j));
                    }
                }
                result.complete(Arrays.asList(items));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }

        private void retry(int attempt) {
            if (attempt + 1 >= READ_ATTEMPTS) {
                // Transactions or writes kept these items busy: report them as conflicts, as DynamoDB does.
                result.completeExceptionally(new TransactionCanceledException(conflicts(unsettled)));
            } else if (attempt < 20) {
                workers.execute(() -> attempt(attempt + 1));
            } else {
                CompletableFuture.delayedExecutor(200, TimeUnit.MICROSECONDS, workers)
                        .execute(() -> attempt(attempt + 1));
            }
        }
    }

    /** Completes when every one of {@code futures} has, failed or not. */
    private static CompletableFuture<Void> settled(List<? extends CompletableFuture<?>> futures) {
        return CompletableFuture.allOf(futures.stream().map(future -> future.handle((value, failure) -> value))
                .toArray(CompletableFuture[]::new));
    }

    /** TransactionConflict for each unsettled item, None for the others. */
    private static List<CancellationReason> conflicts(boolean[] unsettled) {
        List<CancellationReason> reasons = new ArrayList<>(unsettled.length);
        for (boolean conflict : unsettled) {
            reasons.add(conflict ? new CancellationReason("TransactionConflict", "Transaction is ongoing for the item",
                    null) : CancellationReason.NONE);
        }
        return reasons;
    }

    /** Restores the tokens of transactions committed in the last 10 minutes (and forgets older ones). */
    private void loadTokens() {
        Instant now = clock.instant();
        WriteBatch expired = new WriteBatch();
        try (StorageIterator stored = storage.iterator(KeyLayout.tokensStart(), KeyLayout.tokensEnd())) {
            for (stored.seekToFirst(); stored.isValid(); stored.next()) {
                TokenRecord record = TokenRecord.decode(stored.value());
                if (record.expires().isBefore(now)) {
                    expired.delete(stored.key());
                    continue;
                }
                List<EvaluatedWrite> writes = new ArrayList<>(record.oldSizes().length);
                for (int i = 0; i < record.oldSizes().length; i++) {
                    writes.add(new EvaluatedWrite(new WriteOutcome(null, null, List.of()), null,
                            record.oldSizes()[i], record.newSizes()[i], List.of(), -1));
                }
                tokens.put(KeyLayout.tokenOf(stored.key()), new Token(record.fingerprint(),
                        CompletableFuture.completedFuture(new TransactionResult(writes, false)), record.expires()));
            }
        }
        if (!expired.isEmpty()) {
            storage.write(expired, false);
        }
    }

    /**
     * Settles the transactions a crash left prepared: at start-up, before the node serves anything. A transaction
     * whose commit decision is in the ledger is completed on every partition that still holds its prepare record
     * (a partition without one applied its share before the crash, and later writes may have followed it there);
     * every other prepared transaction was never decided, so no client was told it committed, and it is let go.
     * Then the ledger records are dropped.
     */
    void recover(Map<Long, TableMetadata> tablesById) {
        loadTokens();
        List<byte[]> done = new ArrayList<>();
        try (StorageIterator ledger = storage.iterator(KeyLayout.transactionsStart(), KeyLayout.transactionsEnd())) {
            for (ledger.seekToFirst(); ledger.isValid(); ledger.next()) {
                completeDecided(KeyLayout.transactionOfKey(ledger.key()), TransactionRecord.decode(ledger.value()),
                        tablesById);
                done.add(ledger.key());
            }
        }
        int abandoned = 0;
        for (Long tableId : tablesById.keySet()) {
            TableRuntime runtime = runtimes.apply(tableId);
            for (PartitionLeader leader : runtime == null ? List.<PartitionLeader>of() : runtime.partitions()) {
                for (long transaction : leader.preparedTransactions().join()) {
                    leader.release(transaction, List.of()).join();
                    abandoned++;
                }
            }
        }
        if (!done.isEmpty()) {
            WriteBatch batch = new WriteBatch();
            done.forEach(batch::delete);
            storage.write(batch, sync);
        }
        if (!done.isEmpty() || abandoned > 0) {
            LOG.info("After the last shutdown: completed {} committed transaction(s), let go of {} undecided "
                    + "prepare(s)", done.size(), abandoned);
        }
    }

    private void completeDecided(long transaction, TransactionRecord record, Map<Long, TableMetadata> tablesById) {
        Map<PartitionLeader, List<TransactionRecord.Write>> byPartition = new LinkedHashMap<>();
        for (TransactionRecord.Write write : record.writes()) {
            TableMetadata table = tablesById.get(write.tableId());
            TableRuntime runtime = runtimes.apply(write.tableId());
            if (table != null && runtime != null) {
                // By the item's hash, not the recorded position: a record written before the format migration
                // names a v1 partition ordinal (docs/design/cluster.md §4.3).
                PartitionLeader leader = runtime.partition(runtime.partitionIndexFor(
                        KeyLayout.hashOfItemKey(write.itemKey())));
                byPartition.computeIfAbsent(leader, key -> new ArrayList<>())
                        .add(write);
            }
        }
        for (Map.Entry<PartitionLeader, List<TransactionRecord.Write>> share : byPartition.entrySet()) {
            PartitionLeader leader = share.getKey();
            if (!leader.preparedTransactions().join().contains(transaction)) {
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
            // The items are still held for this transaction (restored from the prepare record), so preparing
            // again succeeds; the timestamps of an earlier run are gone, so any timestamp will do.
            List<Object> outcomes = leader.prepare(transaction, 0, itemKeys, operations).join();
            List<PartitionState.Staged> staged = new ArrayList<>(outcomes.size());
            for (Object outcome : outcomes) {
                if (!(outcome instanceof PartitionState.Staged prepared)) {
                    throw new IllegalStateException("cannot complete committed transaction " + transaction,
                            (Throwable) outcome);
                }
                staged.add(prepared);
            }
            leader.commit(transaction, 0, staged).join();
        }
    }
}
