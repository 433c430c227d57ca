package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.model.Item;
import io.basalt.model.ItemSize;
import io.basalt.partition.CancellationReason;
import io.basalt.partition.ConditionCheckOperation;
import io.basalt.partition.ConditionalCheckFailedException;
import io.basalt.partition.EvaluatedWrite;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionState;
import io.basalt.partition.PrepareOutcome;
import io.basalt.partition.TransactionCanceledException;
import io.basalt.partition.WriteOutcome;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.LongPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs transactions over the partitions they touch with two-phase commit (docs/design/transactions.md), as a
 * stateless coordinator (docs/design/cluster.md §14): what a transaction needs after a crash is in its participants'
 * prepare records and its row in the ledger table ({@link Ledger}), never in this object.
 *
 * <p><b>Writes.</b> With a ClientRequestToken, the token's ledger row is written PENDING first (a row already there
 * answers the retry). Phase one asks every partition involved to evaluate its actions against the items' latest
 * images, hold the items and log a prepare record with its staged writes. If any action is refused, the
 * transaction is cancelled: the items are let go, the token's row is deleted, and the client gets one reason per
 * action. Otherwise the commit point is a conditional put of the row COMMITTED (it fails if a partition's resolver
 * cancelled the transaction meanwhile: then nothing was acknowledged and the client gets a cancellation); then each
 * partition applies its own staged writes and lets go of its items; then the row forgets its participants (or is
 * deleted, without a token). A crash anywhere is finished by the partitions' resolvers ({@link
 * TransactionResolver}): a COMMITTED row is committed, anything else cancelled.
 *
 * <p><b>Reads</b> (TransactGetItems) are {@link TransactionReader}'s.
 */
final class TransactionCoordinator {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionCoordinator.class);
    /** How long a ClientRequestToken answers for its request (TransactWriteItems API reference: 10 minutes). */
    static final Duration TOKEN_LIFETIME = Duration.ofMinutes(10);
    private static final int TOKEN_ATTEMPTS = 5;

    private final Clock clock;
    private final LongPredicate live;
    /** The partition that holds an item key of a table, by the partition map. */
    private final BiFunction<TableMetadata, byte[], PartitionId> router;
    private final PartitionClient partitions;
    private final Ledger ledger;
    private final Duration coordinatorDeadline;
    private final Executor workers;
    private final AtomicLong nextId;
    private final AtomicLong lastTimestamp = new AtomicLong();
    private final CommitDelay commitDelay;
    private final TransactionReader reader;

    /** One action placed on its partition. */
    private record Placed(int action, PartitionId partition, byte[] itemKey) {
    }

    /**
     * @param live whether a table is live (a transaction on a table that is gone fails at once)
     * @param partitions how the rounds reach each partition ({@link PartitionClient})
     * @param coordinatorDeadline how long a PENDING row's coordinator has to decide before a resolver may cancel
     */
    TransactionCoordinator(Clock clock, LongPredicate live,
            BiFunction<TableMetadata, byte[], PartitionId> router, PartitionClient partitions, Ledger ledger,
            Duration coordinatorDeadline, Executor workers, CommitDelay commitDelay) {
        this.commitDelay = requireNonNull(commitDelay, "commitDelay is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.live = requireNonNull(live, "live is null");
        this.router = requireNonNull(router, "router is null");
        this.partitions = requireNonNull(partitions, "partitions is null");
        this.ledger = requireNonNull(ledger, "ledger is null");
        this.coordinatorDeadline = requireNonNull(coordinatorDeadline, "coordinatorDeadline is null");
        this.workers = requireNonNull(workers, "workers is null");
        this.reader = new TransactionReader(live, router, partitions, workers);
        // Ids must be unique among the transactions in prepare records and the ledger: start past any id a
        // previous run could have left there.
        this.nextId = new AtomicLong(System.currentTimeMillis() << 20);
    }

    CompletableFuture<TransactionResult> write(List<TransactionAction> actions, String clientRequestToken,
            String requestFingerprint) {
        if (clientRequestToken == null) {
            return run(actions, nextId.incrementAndGet(), null);
        }
        return claimToken(actions, LedgerRow.keyOf(clientRequestToken, 0), requestFingerprint, 0);
    }

    /**
     * Writes the token's row PENDING and runs the transaction; or, when the token has a live row, answers from it.
     * A row of a cancelled transaction, or one past its 10 minutes, is taken over (conditionally on its
     * transaction, so that of two requests racing for it one wins and the other answers from the winner's row).
     */
    private CompletableFuture<TransactionResult> claimToken(List<TransactionAction> actions, String key,
            String requestFingerprint, int attempt) {
        if (attempt == TOKEN_ATTEMPTS) {
            return CompletableFuture.failedFuture(inProgress());
        }
        long now = clock.millis();
        LedgerRow seen;
        try {
            seen = ledger.read(key);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (seen != null && seen.state() != LedgerRow.State.CANCELLED && seen.expires() > now
                && !(seen.state() == LedgerRow.State.PENDING && seen.deadline() < now)) {
            return answerFromRow(seen, requestFingerprint);
        }
        // Absent, cancelled, expired, or PENDING past its coordinator's deadline (a coordinator that died before
        // any prepare was logged leaves one that no resolver finds): taken over conditionally on its transaction,
        // so a slow coordinator of the old one then fails its commit put and reports a cancellation.
        long transaction = nextId.incrementAndGet();
        LedgerRow pending = new LedgerRow(key, LedgerRow.State.PENDING, transaction, requestFingerprint,
                now + TOKEN_LIFETIME.toMillis(), now + coordinatorDeadline.toMillis(), List.of(), new long[0],
                new long[0]);
        CompletableFuture<Void> claimed = seen == null ? ledger.create(pending)
                : ledger.replace(pending, seen.transaction());
        return claimed.handle((ok, failure) -> failure).thenComposeAsync(failure -> {
            if (failure == null) {
                return run(actions, transaction, pending);
            }
            Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
            if (cause instanceof ConditionalCheckFailedException) {
                // Another request with this token got there first: answer from its row.
                return claimToken(actions, key, requestFingerprint, attempt + 1);
            }
            return CompletableFuture.failedFuture(cause);
        }, workers);
    }

    /**
     * The answer to a request whose token has a live row: a mismatch, a transaction still in progress, or the
     * first response again. A committed row whose participants have not all applied their writes yet is finished
     * here first, so that a replayed success is never visible before the writes are (cluster.md §14).
     */
    private CompletableFuture<TransactionResult> answerFromRow(LedgerRow row, String requestFingerprint) {
        if (!java.util.Objects.equals(requestFingerprint, row.fingerprint())) {
            return CompletableFuture.failedFuture(new BasaltException(ErrorCode.IDEMPOTENT_PARAMETER_MISMATCH,
                    "The request uses the same client token as a previous, but non-identical request. Do not "
                            + "reuse a client token with different requests, unless the requests are identical."));
        }
        if (row.state() != LedgerRow.State.COMMITTED) {
            return CompletableFuture.failedFuture(inProgress());
        }
        List<EvaluatedWrite> writes = new ArrayList<>(row.oldSizes().length);
        for (int i = 0; i < row.oldSizes().length; i++) {
            writes.add(new EvaluatedWrite(new WriteOutcome(null, null, List.of()), null, row.oldSizes()[i],
                    row.newSizes()[i], List.of(), -1));
        }
        TransactionResult replay = new TransactionResult(writes, true);
        if (row.participants().isEmpty()) {
            return CompletableFuture.completedFuture(replay);
        }
        List<CompletableFuture<List<EvaluatedWrite>>> commits = new ArrayList<>(row.participants().size());
        for (PartitionId participant : row.participants()) {
            commits.add(partitions.commit(participant, row.transaction(), 0));
        }
        return CompletableFuture.allOf(commits.toArray(CompletableFuture[]::new)).thenApply(done -> replay);
    }

    private static BasaltException inProgress() {
        return new BasaltException(ErrorCode.TRANSACTION_IN_PROGRESS, "Transaction is in progress");
    }

    /**
     * Runs one transaction.
     *
     * @param pending its token's PENDING row, or null without a token
     */
    private CompletableFuture<TransactionResult> run(List<TransactionAction> actions, long transaction,
            LedgerRow pending) {
        long timestamp = nextTimestamp();
        String ledgerKey = pending != null ? pending.key() : LedgerRow.keyOf(null, transaction);
        List<Placed> placed = new ArrayList<>(actions.size());
        Map<PartitionId, List<Placed>> byPartition = new LinkedHashMap<>();
        for (int i = 0; i < actions.size(); i++) {
            TransactionAction action = actions.get(i);
            if (!live.test(action.table().id())) {
                return withdraw(pending).thenCompose(ignored -> CompletableFuture.failedFuture(
                        BasaltException.resourceNotFound("Requested resource not found")));
            }
            byte[] itemKey = KeyLayout.itemKey(action.table().id(), KeyLayout.BASE_TABLE_INDEX,
                    action.table().keySchema(), action.operation().key());
            Placed place = new Placed(i, router.apply(action.table(), itemKey), itemKey);
            placed.add(place);
            byPartition.computeIfAbsent(place.partition(), k -> new ArrayList<>()).add(place);
        }
        List<CompletableFuture<List<PrepareOutcome>>> prepared = new ArrayList<>(byPartition.size());
        for (List<Placed> group : byPartition.values()) {
            prepared.add(partitions.prepare(group.get(0).partition(), transaction, timestamp, ledgerKey,
                    group.stream().map(Placed::itemKey).toList(),
                    group.stream().map(p -> actions.get(p.action()).operation()).toList()));
        }
        // The decision is a durable write: never on the thread that completed the prepares (a network thread).
        // Every prepare is waited for, failed or not, so that whatever was held is let go on every path.
        return settled(prepared).thenComposeAsync(ignored -> {
            PrepareOutcome[] outcomes = new PrepareOutcome[actions.size()];
            BasaltException failure = null;
            int g = 0;
            for (List<Placed> group : byPartition.values()) {
                CompletableFuture<List<PrepareOutcome>> future = prepared.get(g++);
                if (future.isCompletedExceptionally()) {
                    // The partition's prepare failed as a whole (its table was deleted, an internal error).
                    failure = failure != null ? failure : failureOf(future);
                    continue;
                }
                List<PrepareOutcome> results = future.join();
                for (int j = 0; j < group.size(); j++) {
                    outcomes[group.get(j).action()] = results.get(j);
                }
            }
            if (failure != null) {
                release(transaction, byPartition, outcomes);
                BasaltException failed = failure;
                return withdraw(pending).thenCompose(x -> CompletableFuture.failedFuture(failed));
            }
            List<CancellationReason> reasons = reasons(actions, outcomes);
            if (reasons != null) {
                release(transaction, byPartition, outcomes);
                // A cancelled transaction does not consume its token: the row goes before the client hears.
                return withdraw(pending).thenCompose(x -> CompletableFuture.failedFuture(
                        new TransactionCanceledException(reasons)));
            }
            // Fault injection: the items stay held between the phases, so tests can race other writes against it.
            CompletableFuture<Void> due = commitDelay.await(workers);
            if (due == null) {
                return commit(transaction, timestamp, ledgerKey, pending, actions, byPartition, outcomes);
            }
            return due.thenCompose(x -> commit(transaction, timestamp, ledgerKey, pending, actions, byPartition,
                    outcomes));
        }, workers);
    }

    /** Deletes a cancelled transaction's PENDING token row (nothing without a token). */
    private CompletableFuture<Void> withdraw(LedgerRow pending) {
        if (pending == null) {
            return CompletableFuture.completedFuture(null);
        }
        // If the delete fails, the row stays PENDING until a resolver or the coordinator deadline passes it.
        return ledger.delete(pending.key(), pending.transaction()).handle((done, failure) -> null);
    }

    /** Why a partition's prepare failed as a whole (its table was deleted, the node is closing). */
    static BasaltException failureOf(CompletableFuture<?> future) {
        try {
            future.join();
            throw new IllegalStateException("the future did not fail");
        } catch (CompletionException e) {
            return e.getCause() instanceof BasaltException basalt ? basalt
                    : new BasaltException(ErrorCode.INTERNAL_SERVER_ERROR, "Internal server error", e.getCause());
        }
    }

    /** The cancellation reasons, in request order, or null when every action was prepared. */
    private static List<CancellationReason> reasons(List<TransactionAction> actions, PrepareOutcome[] outcomes) {
        List<CancellationReason> reasons = new ArrayList<>(outcomes.length);
        boolean cancelled = false;
        for (int i = 0; i < outcomes.length; i++) {
            if (outcomes[i] instanceof PrepareOutcome.Refused refused) {
                cancelled = true;
                CancellationReason reason = refused.reason();
                // The participant always ships a failed condition's item; the action decides whether it is shown.
                reasons.add(reason.item() != null && !actions.get(i).returnItemOnConditionFailure()
                        ? new CancellationReason(reason.code(), reason.message(), null) : reason);
            } else {
                reasons.add(CancellationReason.NONE);
            }
        }
        return cancelled ? reasons : null;
    }

    /** Lets go of what each partition prepared (a partition where nothing was held has nothing to let go). */
    private void release(long transaction, Map<PartitionId, List<Placed>> byPartition, PrepareOutcome[] outcomes) {
        for (List<Placed> group : byPartition.values()) {
            List<byte[]> held = new ArrayList<>(group.size());
            for (Placed place : group) {
                if (outcomes[place.action()] instanceof PrepareOutcome.Prepared) {
                    held.add(place.itemKey());
                }
            }
            if (!held.isEmpty()) {
                partitions.release(group.get(0).partition(), transaction, held);
            }
        }
    }

    private CompletableFuture<TransactionResult> commit(long transaction, long timestamp, String ledgerKey,
            LedgerRow pending, List<TransactionAction> actions, Map<PartitionId, List<Placed>> byPartition,
            PrepareOutcome[] outcomes) {
        long[] oldSizes = new long[actions.size()];
        long[] newSizes = new long[actions.size()];
        boolean writes = false;
        for (int i = 0; i < actions.size(); i++) {
            PartitionState.Staged staged = ((PrepareOutcome.Prepared) outcomes[i]).staged();
            oldSizes[i] = staged.current() == null ? 0 : staged.current().size();
            Item after = staged.outcome().newItem();
            newSizes[i] = after == null ? 0 : ItemSize.of(after);
            writes |= !(staged.operation() instanceof ConditionCheckOperation);
        }
        List<PartitionId> participants = List.copyOf(byPartition.keySet());
        long now = clock.millis();
        LedgerRow committed = pending != null
                ? new LedgerRow(ledgerKey, LedgerRow.State.COMMITTED, transaction, pending.fingerprint(),
                        pending.expires(), pending.deadline(), participants, oldSizes, newSizes)
                : new LedgerRow(ledgerKey, LedgerRow.State.COMMITTED, transaction, null,
                        now + TOKEN_LIFETIME.toMillis(), now, participants, new long[0], new long[0]);
        // The commit point. Condition checks on one partition write nothing and need no decision: its prepare
        // and commit hold the items together, and a resolver's release in between changes no item.
        boolean decide = pending != null || writes || byPartition.size() > 1;
        CompletableFuture<Void> decided = decide ? ledger.decide(committed) : CompletableFuture.completedFuture(null);
        return decided.handle((ok, failure) -> failure).thenCompose(failure -> {
            if (failure != null) {
                release(transaction, byPartition, outcomes);
                Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                if (cause instanceof ConditionalCheckFailedException) {
                    // A resolver found the prepare records older than the coordinator deadline and cancelled the
                    // transaction first: nothing was applied, and a conflict is what a client retries.
                    return CompletableFuture.failedFuture(new TransactionCanceledException(
                            conflicts(filled(actions.size()))));
                }
                return CompletableFuture.failedFuture(cause instanceof BasaltException basalt ? basalt
                        : new BasaltException(ErrorCode.INTERNAL_SERVER_ERROR, "Internal server error", cause));
            }
            return applyCommit(transaction, timestamp, committed, decide, actions, byPartition, outcomes);
        });
    }

    private static boolean[] filled(int size) {
        boolean[] all = new boolean[size];
        Arrays.fill(all, true);
        return all;
    }

    private CompletableFuture<TransactionResult> applyCommit(long transaction, long timestamp, LedgerRow committed,
            boolean decided, List<TransactionAction> actions, Map<PartitionId, List<Placed>> byPartition,
            PrepareOutcome[] outcomes) {
        List<CompletableFuture<List<EvaluatedWrite>>> applied = new ArrayList<>(byPartition.size());
        for (PartitionId partition : byPartition.keySet()) {
            applied.add(partitions.commit(partition, transaction, timestamp));
        }
        return CompletableFuture.allOf(applied.toArray(CompletableFuture[]::new)).handle((ignored, failure) -> {
            if (failure != null) {
                // The decision is durable: the participants' resolvers apply what did not reach storage.
                throw new CompletionException(failure);
            }
            if (decided) {
                forget(committed);
            }
            EvaluatedWrite[] results = new EvaluatedWrite[actions.size()];
            int g = 0;
            for (List<Placed> group : byPartition.values()) {
                List<EvaluatedWrite> groupWrites = applied.get(g++).join();
                int w = 0;
                for (Placed place : group) {
                    PartitionState.Staged staged = ((PrepareOutcome.Prepared) outcomes[place.action()]).staged();
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

    /**
     * Once every participant applied its writes, the row keeps only what a token's retry needs (or goes, without a
     * token). Not waited for: a retry that finds the participants still listed commits them again, which changes
     * nothing, and a row left behind by a crash is dropped when it expires.
     */
    private void forget(LedgerRow committed) {
        CompletableFuture<Void> forgotten = committed.fingerprint() != null
                ? ledger.update(committed.with(LedgerRow.State.COMMITTED, List.of()))
                : ledger.delete(committed.key(), committed.transaction());
        forgotten.whenComplete((done, failure) -> {
            if (failure != null && !(failure.getCause() instanceof ConditionalCheckFailedException)) {
                LOG.debug("Forgetting the ledger row {} failed", committed.key(), failure);
            }
        });
    }

    /** The next transaction timestamp: microseconds of the node's clock, strictly increasing. */
    private long nextTimestamp() {
        long now = TimeUnit.MILLISECONDS.toMicros(clock.millis());
        return lastTimestamp.updateAndGet(last -> Math.max(now, last + 1));
    }

    /** Reads the items of a TransactGetItems as they all were at one moment ({@link TransactionReader}). */
    CompletableFuture<List<Item>> read(List<TransactionGet> gets) {
        return reader.read(gets);
    }

    /** Completes when every one of {@code futures} has, failed or not. */
    static CompletableFuture<Void> settled(List<? extends CompletableFuture<?>> futures) {
        return CompletableFuture.allOf(futures.stream().map(future -> future.handle((value, failure) -> value))
                .toArray(CompletableFuture[]::new));
    }

    /** TransactionConflict for each unsettled item, None for the others. */
    static List<CancellationReason> conflicts(boolean[] unsettled) {
        List<CancellationReason> reasons = new ArrayList<>(unsettled.length);
        for (boolean conflict : unsettled) {
            reasons.add(conflict ? new CancellationReason("TransactionConflict", "Transaction is ongoing for the item",
                    null) : CancellationReason.NONE);
        }
        return reasons;
    }
}
