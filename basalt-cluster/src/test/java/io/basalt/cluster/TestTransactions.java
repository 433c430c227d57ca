package io.basalt.cluster;

import static io.basalt.cluster.TestBasaltNode.item;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.Operand;
import io.basalt.expressions.ast.UpdateExpression;
import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.model.Item;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.CancellationReason;
import io.basalt.partition.ConditionCheckOperation;
import io.basalt.partition.EvaluatedWrite;
import io.basalt.partition.ExpressionItemUpdate;
import io.basalt.partition.ItemOperation;
import io.basalt.partition.ItemUpdate;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PreparedTransaction;
import io.basalt.partition.PutItemOperation;
import io.basalt.partition.TransactionCanceledException;
import io.basalt.partition.UpdateItemOperation;
import io.basalt.partition.encoding.ByteWriter;
import io.basalt.storage.StorageEngine;
import io.basalt.storage.WriteBatch;
import io.basalt.storage.rocksdb.RocksDbStorageEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Transactions on one node: all-or-nothing, cancellation reasons, conflicts, idempotency, recovery. */
@Timeout(120)
class TestTransactions {
    /** The partitions of the tables the tests created, by table id (prepare records are keyed by partition id). */
    private static final Map<Long, List<io.basalt.partition.PartitionDescriptor>> PARTITIONS =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final KeySchema SCHEMA = KeySchema.of(new KeyAttribute("pk", AttributeType.S));
    private static final String OK = "None";

    @TempDir
    Path directory;

    @Test
    void aFailedConditionCancelsEveryActionWithOneReasonEach() {
        try (BasaltNode node = open()) {
            TableMetadata accounts = table(node, "Accounts");
            TableMetadata audit = table(node, "Audit");
            put(node, accounts, item("pk", "a", "balance", 10));
            List<TransactionAction> actions = List.of(
                    new TransactionAction(accounts, new PutItemOperation(key("new"), item("pk", "new")), false),
                    new TransactionAction(audit, new PutItemOperation(key("log"), item("pk", "log")), false),
                    new TransactionAction(accounts, new ConditionCheckOperation(key("a"),
                            new Condition.Comparison(new Operand.Path(DocumentPath.of("balance")),
                                    Condition.Comparator.EQ, new Operand.Literal(number(99), ":v"))), true));
            assertThatThrownBy(() -> transact(node, actions, null, null))
                    .isInstanceOfSatisfying(TransactionCanceledException.class, e -> {
                        assertThat(e.getMessage()).isEqualTo("Transaction cancelled, please refer cancellation "
                                + "reasons for specific reasons [None, None, ConditionalCheckFailed]");
                        assertThat(e.reasons()).extracting(CancellationReason::code)
                                .containsExactly(OK, OK, "ConditionalCheckFailed");
                        assertThat(e.reasons().get(2).item()).isEqualTo(item("pk", "a", "balance", 10));
                    });
            assertThat(node.read(accounts, key("new"))).isNull();
            assertThat(node.read(audit, key("log"))).isNull();
            // The cancelled transaction let go of its items: a single write succeeds.
            put(node, accounts, item("pk", "new", "v", 1));
        }
    }

    @Test
    void aFailureThatIsNoCancellationReasonStillLetsGoOfTheHeldItems() {
        try (BasaltNode node = open()) {
            TableMetadata accounts = table(node, "Accounts");
            // An unbound placeholder cannot reach a partition through a handler: evaluating it is a defect.
            ItemOperation broken = new ConditionCheckOperation(key("b"), new Condition.Comparison(
                    new Operand.ValuePlaceholder(":unbound"), Condition.Comparator.EQ,
                    new Operand.Path(DocumentPath.of("pk"))));
            assertThatThrownBy(() -> transact(node, List.of(
                    new TransactionAction(accounts, new PutItemOperation(key("a"), item("pk", "a")), false),
                    new TransactionAction(accounts, broken, false)), null, null))
                    .isInstanceOfSatisfying(BasaltException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_SERVER_ERROR));
            assertThat(node.read(accounts, key("a"))).isNull();
            // Item "a" was prepared, then the transaction failed: it must not stay held.
            put(node, accounts, item("pk", "a", "v", 1));
            assertThat(node.read(accounts, key("a"))).isEqualTo(item("pk", "a", "v", 1));
        }
    }

    @Test
    void aCommittedTransactionWritesEveryItemAndReportsEachWrite() {
        try (BasaltNode node = open()) {
            TableMetadata accounts = table(node, "Accounts");
            for (int i = 0; i < 20; i++) {
                put(node, accounts, item("pk", "acct" + i, "balance", 100));
            }
            List<TransactionAction> actions = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                actions.add(new TransactionAction(accounts, add("acct" + i, i % 2 == 0 ? 5 : -5), false));
            }
            actions.add(new TransactionAction(accounts, new ConditionCheckOperation(key("acct0"),
                    new Condition.AttributeExists(DocumentPath.of("pk"))), false));
            List<EvaluatedWrite> writes = transact(node, actions, null, null);
            assertThat(writes).hasSize(21);
            // The condition check writes nothing and is sized on the item it checked.
            assertThat(writes.get(20).entry()).isNull();
            assertThat(writes.get(20).oldSize()).isEqualTo(writes.get(20).newSize()).isPositive();
            long total = 0;
            for (int i = 0; i < 20; i++) {
                total += balance(node, accounts, "acct" + i);
            }
            assertThat(total).isEqualTo(2000);
            assertThat(balance(node, accounts, "acct0")).isEqualTo(105);
        }
    }

    @Test
    void aRetryWithTheSameTokenIsNotAppliedTwice() {
        try (BasaltNode node = open()) {
            TableMetadata accounts = table(node, "Accounts");
            put(node, accounts, item("pk", "a", "balance", 0));
            List<TransactionAction> actions = List.of(new TransactionAction(accounts, add("a", 1), false));
            List<EvaluatedWrite> first = transact(node, actions, "token-1", "request-1");
            List<EvaluatedWrite> again = transact(node, actions, "token-1", "request-1");
            // The replay answers from the ledger row: the first response's sizes (what a retry is charged on).
            assertThat(again).extracting(EvaluatedWrite::oldSize).isEqualTo(
                    first.stream().map(EvaluatedWrite::oldSize).toList());
            assertThat(again).extracting(EvaluatedWrite::newSize).isEqualTo(
                    first.stream().map(EvaluatedWrite::newSize).toList());
            assertThat(balance(node, accounts, "a")).isEqualTo(1);
            assertThatThrownBy(() -> transact(node, actions, "token-1", "another request"))
                    .isInstanceOfSatisfying(BasaltException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.IDEMPOTENT_PARAMETER_MISMATCH));
            transact(node, actions, "token-2", "request-1");
            assertThat(balance(node, accounts, "a")).isEqualTo(2);
        }
    }

    @Test
    void aTokenStillAnswersForItsTransactionAfterARestart() {
        TableMetadata accounts;
        List<TransactionAction> actions;
        try (BasaltNode node = open()) {
            accounts = table(node, "Accounts");
            put(node, accounts, item("pk", "a", "balance", 0));
            actions = List.of(new TransactionAction(accounts, add("a", 1), false));
            transact(node, actions, "token-r", "request-r");
        }
        try (BasaltNode node = open()) {
            TransactionResult retry = node.transactWrite(List.of(new TransactionAction(node.tableForItems("Accounts"),
                    add("a", 1), false)), "token-r", "request-r").join();
            assertThat(retry.retried()).isTrue();
            assertThat(retry.writes()).singleElement().satisfies(write -> assertThat(write.newSize()).isPositive());
            assertThat(balance(node, accounts, "a")).isEqualTo(1);
            assertThatThrownBy(() -> transact(node, actions, "token-r", "another request"))
                    .isInstanceOfSatisfying(BasaltException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.IDEMPOTENT_PARAMETER_MISMATCH));
        }
    }

    @Test
    void concurrentTransfersKeepTheTotalAndSnapshotsSeeIt() throws Exception {
        int accountsCount = 8;
        try (BasaltNode node = open()) {
            TableMetadata accounts = table(node, "Accounts");
            for (int i = 0; i < accountsCount; i++) {
                put(node, accounts, item("pk", "acct" + i, "balance", 1000));
            }
            AtomicInteger committed = new AtomicInteger();
            AtomicInteger conflicts = new AtomicInteger();
            AtomicInteger snapshots = new AtomicInteger();
            ExecutorService threads = Executors.newFixedThreadPool(8);
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                long seed = t;
                work.add(threads.submit(() -> {
                    Random random = new Random(seed);
                    for (int n = 0; n < 300; n++) {
                        int from = random.nextInt(accountsCount);
                        int to = (from + 1 + random.nextInt(accountsCount - 1)) % accountsCount;
                        int amount = 1 + random.nextInt(50);
                        try {
                            transact(node, List.of(
                                    new TransactionAction(accounts, add("acct" + from, -amount), false),
                                    new TransactionAction(accounts, add("acct" + to, amount), false)), null, null);
                            committed.incrementAndGet();
                        } catch (TransactionCanceledException e) {
                            assertThat(e.reasons()).extracting(CancellationReason::code)
                                    .containsAnyOf("TransactionConflict").doesNotContain("ValidationError");
                            conflicts.incrementAndGet();
                        }
                    }
                }));
            }
            for (int t = 0; t < 2; t++) {
                work.add(threads.submit(() -> {
                    List<TransactionGet> gets = new ArrayList<>();
                    for (int i = 0; i < accountsCount; i++) {
                        gets.add(new TransactionGet(accounts, key("acct" + i)));
                    }
                    for (int n = 0; n < 300; n++) {
                        try {
                            List<Item> items = node.transactGet(gets).join();
                            long total = 0;
                            for (Item item : items) {
                                total += ((AttributeValue.NumberValue) item.get("balance")).value().bigDecimalValue()
                                        .longValueExact();
                            }
                            assertThat(total).as("a snapshot's total").isEqualTo(1000L * accountsCount);
                            snapshots.incrementAndGet();
                        } catch (CompletionException e) {
                            assertThat(e.getCause()).isInstanceOf(TransactionCanceledException.class);
                        }
                    }
                }));
            }
            for (Future<?> future : work) {
                future.get();
            }
            threads.shutdown();
            long total = 0;
            for (int i = 0; i < accountsCount; i++) {
                total += balance(node, accounts, "acct" + i);
            }
            assertThat(total).isEqualTo(1000L * accountsCount);
            assertThat(committed.get()).isPositive();
            assertThat(snapshots.get()).isPositive();
            System.out.println("transfers committed " + committed + ", cancelled " + conflicts + "; snapshots "
                    + snapshots);
        }
    }

    @Test
    void aPreparedTransactionWhoseLedgerRowIsCommittedIsCommittedAtStart() {
        TableMetadata accounts;
        String other;
        try (BasaltNode node = open()) {
            accounts = table(node, "Accounts");
            other = keyOnAnotherPartition(accounts, "a");
            put(node, accounts, item("pk", "a", "balance", 1));
            put(node, accounts, item("pk", other, "balance", 1));
            // The commit point was reached (the row is COMMITTED, written through the write path as the
            // coordinator writes it) and the node died before either partition applied its share.
            node.ledger().decide(committedRow("txn:50", 50, null)).join();
        }
        Item image = item("pk", "a", "balance", 7);
        TransactionRecord.Write first = write(accounts, "a", image);
        TransactionRecord.Write second = write(accounts, other, null);
        try (StorageEngine storage = RocksDbStorageEngine.open(directory)) {
            storage.write(preparedWithWrites(50, 10, "txn:50", first, second), true);
        }
        try (BasaltNode node = open()) {
            assertThat(node.read(accounts, key("a"))).isEqualTo(image);
            assertThat(node.read(accounts, key(other))).as("the staged delete").isNull();
            assertThat(node.statistics(accounts).itemCount()).isEqualTo(1);
            assertThat(node.ledger().read("txn:50").state()).isEqualTo(LedgerRow.State.COMMITTED);
            put(node, accounts, item("pk", "a", "balance", 8));
            put(node, accounts, item("pk", other, "balance", 8));
        }
        try (StorageEngine storage = RocksDbStorageEngine.open(directory)) {
            assertThat(storage.get(preparedKey(50, first))).as("the prepare records are dropped").isNull();
            assertThat(storage.get(preparedKey(50, second))).isNull();
        }
    }

    @Test
    void aPreparedTransactionWithoutALedgerRowIsCancelledAtStart() {
        TableMetadata accounts;
        try (BasaltNode node = open()) {
            accounts = table(node, "Accounts");
            put(node, accounts, item("pk", "a", "balance", 1));
        }
        // Prepared, and the coordinator died before its commit put: no row, and no coordinator survives a restart.
        TransactionRecord.Write never = write(accounts, "a", item("pk", "a", "balance", 7));
        try (StorageEngine storage = RocksDbStorageEngine.open(directory)) {
            storage.write(preparedWithWrites(51, 10, "txn:51", never), true);
        }
        try (BasaltNode node = open()) {
            assertThat(balance(node, accounts, "a")).isEqualTo(1);
            // The resolver wrote CANCELLED first, so a coordinator still running elsewhere could not commit.
            LedgerRow row = node.ledger().read("txn:51");
            assertThat(row.state()).isEqualTo(LedgerRow.State.CANCELLED);
            assertThat(row.transaction()).isEqualTo(51);
            put(node, accounts, item("pk", "a", "balance", 2));
            assertThat(balance(node, accounts, "a")).isEqualTo(2);
        }
        try (StorageEngine storage = RocksDbStorageEngine.open(directory)) {
            assertThat(storage.get(preparedKey(51, never))).isNull();
        }
    }

    @Test
    void aCoordinatorWhoseCommitPutLosesToTheResolverReportsCancellation() {
        NodeConfig config = NodeConfig.defaults().withTransactionResolveAfter(java.time.Duration.ofMillis(100));
        try (BasaltNode node = BasaltNode.open(RocksDbStorageEngine.open(directory), config)) {
            TableMetadata accounts = table(node, "Accounts");
            put(node, accounts, item("pk", "a", "balance", 1));
            put(node, accounts, item("pk", "b", "balance", 1));
            // The coordinator stalls between its prepares and its commit put for longer than the resolver waits.
            node.setTransactionCommitDelay(java.time.Duration.ofSeconds(2));
            var stalled = node.transactWrite(List.of(new TransactionAction(accounts, add("a", 1), false),
                    new TransactionAction(accounts, add("b", 1), false)), "token-slow", "request-slow");
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (!isCancelled(node.ledger().read("tok:token-slow")) && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
            }
            // The resolver lets go of the items: a single write goes through while the coordinator still waits.
            while (true) {
                try {
                    put(node, accounts, item("pk", "a", "balance", 5));
                    break;
                } catch (CompletionException e) {
                    assertThat(((BasaltException) e.getCause()).code()).isEqualTo(ErrorCode.TRANSACTION_CONFLICT);
                    assertThat(System.nanoTime()).as("released in time").isLessThan(deadline);
                    java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
                }
            }
            assertThat(stalled).as("the coordinator is still in its delay").isNotDone();
            assertThatThrownBy(stalled::join).hasCauseInstanceOf(TransactionCanceledException.class)
                    .cause().satisfies(e -> assertThat(((TransactionCanceledException) e).reasons())
                            .extracting(CancellationReason::code).containsOnly("TransactionConflict"));
            assertThat(balance(node, accounts, "a")).isEqualTo(5);
            assertThat(balance(node, accounts, "b")).as("nothing of the cancelled transaction").isEqualTo(1);
            // A cancelled transaction does not consume its token.
            node.setTransactionCommitDelay(java.time.Duration.ZERO);
            transact(node, List.of(new TransactionAction(accounts, add("b", 1), false)), "token-slow", "request-2");
            assertThat(balance(node, accounts, "b")).isEqualTo(2);
        }
    }

    @Test
    void aTokenWhoseTransactionIsRunningAnswersInProgressOrMismatch() {
        try (BasaltNode node = open()) {
            TableMetadata accounts = table(node, "Accounts");
            put(node, accounts, item("pk", "a", "balance", 1));
            node.setTransactionCommitDelay(java.time.Duration.ofMinutes(1));
            List<TransactionAction> actions = List.of(new TransactionAction(accounts, add("a", 1), false));
            var running = node.transactWrite(actions, "token-busy", "request-busy");
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (node.heldTransactions() == 0 && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
            assertThatThrownBy(() -> transact(node, actions, "token-busy", "request-busy"))
                    .isInstanceOfSatisfying(BasaltException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.TRANSACTION_IN_PROGRESS);
                        assertThat(e.getMessage()).isEqualTo("Transaction is in progress");
                    });
            assertThatThrownBy(() -> transact(node, actions, "token-busy", "another request"))
                    .isInstanceOfSatisfying(BasaltException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.IDEMPOTENT_PARAMETER_MISMATCH));
            node.setTransactionCommitDelay(java.time.Duration.ZERO);
            running.join();
            assertThat(transact(node, actions, "token-busy", "request-busy")).hasSize(1);
            assertThat(balance(node, accounts, "a")).as("applied once").isEqualTo(2);
        }
    }

    @Test
    void aTokenIsForgottenAfterTenMinutesAndItsRowDropped() {
        MutableClock clock = new MutableClock(java.time.Instant.parse("2026-12-07T06:00:00Z"));
        try (BasaltNode node = BasaltNode.open(RocksDbStorageEngine.open(directory),
                NodeConfig.defaults().withClock(clock))) {
            TableMetadata accounts = table(node, "Accounts");
            put(node, accounts, item("pk", "a", "balance", 0));
            List<TransactionAction> actions = List.of(new TransactionAction(accounts, add("a", 1), false));
            transact(node, actions, "token-old", "request-old");
            // Token-less transactions delete their rows once committed (not waited for).
            transact(node, actions, null, null);
            // After the commits, the token's row forgets its participants (not waited for either).
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (!node.ledger().read("tok:token-old").participants().isEmpty() && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
            clock.advance(java.time.Duration.ofMinutes(9));
            assertThat(node.dropExpiredLedgerRowsNow()).as("nothing expired yet").isZero();
            assertThatThrownBy(() -> transact(node, actions, "token-old", "another request"))
                    .isInstanceOfSatisfying(BasaltException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.IDEMPOTENT_PARAMETER_MISMATCH));
            clock.advance(java.time.Duration.ofMinutes(2));
            assertThat(node.dropExpiredLedgerRowsNow()).isEqualTo(1);
            assertThat(node.ledger().read("tok:token-old")).isNull();
            // An expired token starts afresh: the new request runs.
            transact(node, actions, "token-old", "another request");
            assertThat(balance(node, accounts, "a")).isEqualTo(3);
        }
    }

    @Test
    void aPendingTokenRowWhoseCoordinatorDiedBeforeItsPreparesIsTakenOverAfterItsDeadline() {
        TableMetadata accounts;
        try (BasaltNode node = open()) {
            accounts = table(node, "Accounts");
            put(node, accounts, item("pk", "a", "balance", 0));
            // The coordinator wrote the token's PENDING row and died before any partition logged a prepare: no
            // resolver finds the transaction, and the row's deadline has passed.
            node.ledger().create(new LedgerRow("tok:token-dead", LedgerRow.State.PENDING, 60, "request-dead",
                    System.currentTimeMillis() + 600_000, System.currentTimeMillis() - 1, List.of(), new long[0],
                    new long[0])).join();
        }
        try (BasaltNode node = open()) {
            List<TransactionAction> actions = List.of(new TransactionAction(node.tableForItems("Accounts"),
                    add("a", 1), false));
            assertThat(node.ledger().read("tok:token-dead").state()).isEqualTo(LedgerRow.State.PENDING);
            // The retry is not told "in progress" for ten minutes: it runs.
            TransactionResult retry = node.transactWrite(actions, "token-dead", "request-dead").join();
            assertThat(retry.retried()).isFalse();
            assertThat(balance(node, accounts, "a")).isEqualTo(1);
            assertThat(node.ledger().read("tok:token-dead").state()).isEqualTo(LedgerRow.State.COMMITTED);
        }
    }

    @Test
    void aRetryThatFindsItsTransactionCommittedButNotAppliedCommitsItBeforeReplaying() {
        NodeConfig config = NodeConfig.defaults().withTransactionResolveAfter(java.time.Duration.ofHours(1));
        try (BasaltNode node = BasaltNode.open(RocksDbStorageEngine.open(directory), config)) {
            TableMetadata accounts = table(node, "Accounts");
            put(node, accounts, item("pk", "a", "balance", 1));
            // The first request's coordinator prepared and reached its commit point, then stopped before sending
            // the commit: the partition holds the prepare record, the row is COMMITTED and lists the partition.
            byte[] itemKey = KeyLayout.itemKey(accounts.id(), KeyLayout.BASE_TABLE_INDEX, SCHEMA, key("a"));
            io.basalt.partition.PartitionId partition = node.partitionOf(accounts, itemKey);
            List<io.basalt.partition.PrepareOutcome> prepared = node.partitionClient().prepare(partition, 70,
                    1, "tok:token-half", List.of(itemKey), List.of(add("a", 5))).join();
            assertThat(prepared).singleElement().isInstanceOf(io.basalt.partition.PrepareOutcome.Prepared.class);
            node.ledger().decide(new LedgerRow("tok:token-half", LedgerRow.State.COMMITTED, 70, "request-half",
                    System.currentTimeMillis() + 600_000, 0, List.of(partition), new long[] {30},
                    new long[] {31})).join();
            assertThat(balance(node, accounts, "a")).as("not applied yet").isEqualTo(1);

            TransactionResult retry = node.transactWrite(List.of(new TransactionAction(accounts, add("a", 5),
                    false)), "token-half", "request-half").join();
            assertThat(retry.retried()).isTrue();
            assertThat(retry.writes()).singleElement().satisfies(write -> assertThat(write.newSize()).isEqualTo(31));
            // The replayed success is visible only with the first request's writes applied, once.
            assertThat(balance(node, accounts, "a")).isEqualTo(6);
            put(node, accounts, item("pk", "a", "balance", 0));
            assertThat(node.transactWrite(List.of(new TransactionAction(accounts, add("a", 5), false)),
                    "token-half", "request-half").join().retried()).isTrue();
            assertThat(balance(node, accounts, "a")).isZero();
        }
    }

    @Test
    void theLedgerTableIsInvisibleToClients() {
        try (BasaltNode node = open()) {
            table(node, "Accounts");
            assertThat(node.listTableNames(null, 100)).containsExactly("Accounts");
            assertThat(node.tryGetTable(InternalTables.LEDGER)).isEmpty();
            assertThatThrownBy(() -> node.describeTable(InternalTables.LEDGER))
                    .isInstanceOfSatisfying(BasaltException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_NOT_FOUND));
            assertThatThrownBy(() -> node.tableForItems(InternalTables.LEDGER))
                    .isInstanceOfSatisfying(BasaltException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_NOT_FOUND));
            // The node created it on its first start, once: a restart finds it.
            long ledgerId = node.ledgerTable().id();
            node.close();
            try (BasaltNode again = open()) {
                assertThat(again.ledgerTable().id()).isEqualTo(ledgerId);
                assertThat(again.listTableNames(null, 100)).containsExactly("Accounts");
            }
        }
    }

    private static boolean isCancelled(LedgerRow row) {
        return row != null && row.state() == LedgerRow.State.CANCELLED;
    }

    private static LedgerRow committedRow(String key, long transaction, String fingerprint) {
        return new LedgerRow(key, LedgerRow.State.COMMITTED, transaction, fingerprint,
                System.currentTimeMillis() + 600_000, 0, List.of(), new long[0], new long[0]);
    }

    @Test
    void aCommitDecisionInTheOldLedgerIsAppliedAtRestart() {
        TableMetadata accounts;
        try (BasaltNode node = open()) {
            accounts = table(node, "Accounts");
            put(node, accounts, item("pk", "a", "balance", 1));
        }
        // A crash after the decision was stored and before the partitions applied it leaves exactly this: each
        // partition's prepare record, and the decision.
        Item image = item("pk", "a", "balance", 7);
        Item created = item("pk", "b", "balance", 3);
        TransactionRecord.Write first = write(accounts, "a", image);
        TransactionRecord.Write second = write(accounts, "b", created);
        try (StorageEngine storage = RocksDbStorageEngine.open(directory)) {
            storage.write(prepared(42, first).addAll(prepared(42, second))
                    .put(KeyLayout.transactionKey(42), new TransactionRecord(List.of(first, second)).encode()), true);
        }
        try (BasaltNode node = open()) {
            assertThat(node.read(accounts, key("a"))).isEqualTo(image);
            assertThat(node.read(accounts, key("b"))).isEqualTo(created);
            assertThat(node.statistics(accounts).itemCount()).isEqualTo(2);
            // Nothing is held any more.
            put(node, accounts, item("pk", "a", "balance", 8));
        }
        try (StorageEngine storage = RocksDbStorageEngine.open(directory)) {
            assertThat(storage.get(KeyLayout.transactionKey(42))).as("the old ledger record is dropped").isNull();
            assertThat(storage.get(preparedKey(42, first))).as("the prepare records are dropped").isNull();
            assertThat(storage.get(preparedKey(42, second))).isNull();
        }
    }

    @Test
    void recoveryLeavesAPartitionThatHadAppliedItsShareAndTheWritesThatFollowedIt() {
        TableMetadata accounts;
        String other;
        try (BasaltNode node = open()) {
            accounts = table(node, "Accounts");
            other = keyOnAnotherPartition(accounts, "a");
            put(node, accounts, item("pk", "a", "balance", 1));
            put(node, accounts, item("pk", other, "balance", 1));
        }
        // The transaction set a=7 and other=9. Its decision is stored; the first partition applied its share (its
        // prepare record went with it) and let go of "a"; a client then wrote a=100 and was acknowledged; the
        // second partition had not applied its share when the node crashed.
        try (BasaltNode node = open()) {
            put(node, accounts, item("pk", "a", "balance", 100));
        }
        TransactionRecord.Write applied = write(accounts, "a", item("pk", "a", "balance", 7));
        TransactionRecord.Write pending = write(accounts, other, item("pk", other, "balance", 9));
        try (StorageEngine storage = RocksDbStorageEngine.open(directory)) {
            storage.write(prepared(43, pending).put(KeyLayout.transactionKey(43),
                    new TransactionRecord(List.of(applied, pending)).encode()), true);
        }
        try (BasaltNode node = open()) {
            assertThat(balance(node, accounts, "a")).as("the acknowledged write after the transaction")
                    .isEqualTo(100);
            assertThat(balance(node, accounts, other)).as("the share not yet applied").isEqualTo(9);
        }
    }

    @Test
    void aTransactionPreparedBeforeStep7ButNeverDecidedIsLetGoAtRestart() {
        TableMetadata accounts;
        try (BasaltNode node = open()) {
            accounts = table(node, "Accounts");
            put(node, accounts, item("pk", "a", "balance", 1));
        }
        TransactionRecord.Write never = write(accounts, "a", item("pk", "a", "balance", 7));
        try (StorageEngine storage = RocksDbStorageEngine.open(directory)) {
            storage.write(prepared(44, never), true);
        }
        try (BasaltNode node = open()) {
            assertThat(balance(node, accounts, "a")).isEqualTo(1);
            put(node, accounts, item("pk", "a", "balance", 2));
            assertThat(balance(node, accounts, "a")).isEqualTo(2);
        }
        try (StorageEngine storage = RocksDbStorageEngine.open(directory)) {
            assertThat(storage.get(preparedKey(44, never))).isNull();
        }
    }

    @Test
    void aPreparedTransactionIsLoggedAndItsRecordGoesWithItsCommit() {
        try (BasaltNode node = open()) {
            TableMetadata accounts = table(node, "Accounts");
            put(node, accounts, item("pk", "a", "balance", 1));
            node.setTransactionCommitDelay(java.time.Duration.ofMinutes(10));
            var running = node.transactWrite(List.of(new TransactionAction(accounts, add("a", 1), false)), null,
                    null);
            TransactionRecord.Write share = write(accounts, "a", item("pk", "a"));
            PartitionIds partition = new PartitionIds(accounts, ordinalOf(accounts, "a"));
            // A transaction waits in the commit delay only once its prepare records are durable.
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (node.heldTransactions() == 0 && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
            assertThat(node.heldTransactions()).as("transactions held by the commit delay").isEqualTo(1);
            assertThat(partition.preparedRecords(node)).as("prepare records while the transaction is held")
                    .isEqualTo(1);
            assertThat(running).isNotDone();
            node.setTransactionCommitDelay(java.time.Duration.ZERO);
            running.join();
            assertThat(node.heldTransactions()).isZero();
            assertThat(partition.preparedRecords(node)).as("prepare records after the commit").isZero();
            assertThat(balance(node, accounts, "a")).isEqualTo(2);
        }
    }

    /** Counts the prepare records of one partition through the node's storage. */
    private record PartitionIds(TableMetadata table, int partition) {
        int preparedRecords(BasaltNode node) {
            io.basalt.partition.PartitionId id = table.partitions().get(partition).id();
            int count = 0;
            try (var records = node.storage().iterator(KeyLayout.preparedStart(table.id(), id),
                    KeyLayout.preparedEnd(table.id(), id))) {
                for (records.seekToFirst(); records.isValid(); records.next()) {
                    count++;
                }
            }
            return count;
        }
    }

    // ---- helpers ----

    private BasaltNode open() {
        return BasaltNode.open(RocksDbStorageEngine.open(directory), NodeConfig.defaults());
    }

    /**
     * The prepare record a partition logged for its share of a transaction before step 7 (version 1: the held item
     * keys only; its images were in the old ledger, {@code 0x07}).
     */
    private static WriteBatch prepared(long transaction, TransactionRecord.Write write) {
        byte[] key = write.itemKey();
        ByteWriter out = new ByteWriter().writeByte(1).writeLong(1).writeVarInt(1).writeVarInt(key.length)
                .writeBytes(key);
        return new WriteBatch().put(preparedKey(transaction, write), out.toByteArray());
    }

    /** The prepare record a partition logs now: its staged writes, each making its item exactly an image. */
    private static WriteBatch preparedWithWrites(long transaction, long timestamp, String ledgerKey,
            TransactionRecord.Write... writes) {
        WriteBatch batch = new WriteBatch();
        for (TransactionRecord.Write write : writes) {
            PreparedTransaction.Kind kind = write.image() == null ? PreparedTransaction.Kind.DELETE
                    : PreparedTransaction.Kind.PUT;
            batch.put(preparedKey(transaction, write), new PreparedTransaction(timestamp, ledgerKey, List.of(
                    new PreparedTransaction.Write(write.itemKey(), kind, write.key(), write.image()))).encode());
        }
        return batch;
    }

    private static byte[] preparedKey(long transaction, TransactionRecord.Write write) {
        long hash = KeyLayout.hashOfItemKey(write.itemKey());
        io.basalt.partition.PartitionDescriptor partition = PARTITIONS.get(write.tableId()).stream()
                .filter(descriptor -> descriptor.owns(hash)).findFirst().orElseThrow();
        return KeyLayout.preparedKey(write.tableId(), partition.id(), transaction);
    }

    /** A partition key whose item lies on another partition than {@code pk}'s. */
    private static String keyOnAnotherPartition(TableMetadata table, String pk) {
        int partition = ordinalOf(table, pk);
        for (int i = 0; ; i++) {
            if (ordinalOf(table, "k" + i) != partition) {
                return "k" + i;
            }
        }
    }

    private static TransactionRecord.Write write(TableMetadata table, String pk, Item image) {
        byte[] itemKey = KeyLayout.itemKey(table.id(), KeyLayout.BASE_TABLE_INDEX, SCHEMA, key(pk));
        return new TransactionRecord.Write(table.id(), itemKey, item("pk", pk), image);
    }

    /** The position of {@code pk}'s partition among the table's equal hash ranges. */
    private static int ordinalOf(TableMetadata table, String pk) {
        byte[] itemKey = KeyLayout.itemKey(table.id(), KeyLayout.BASE_TABLE_INDEX, SCHEMA, key(pk));
        return io.basalt.partition.PartitionHash.partitionIndex(KeyLayout.hashOfItemKey(itemKey),
                table.partitionCount());
    }

    private static TableMetadata table(BasaltNode node, String name) {
        node.createTable(new TableDefinition(name, SCHEMA, List.of(SCHEMA.partitionKey()),
                BillingMode.PAY_PER_REQUEST, ProvisionedThroughput.NONE, false, null, Map.of(), List.of()));
        TableMetadata table = node.tableForItems(name);
        PARTITIONS.put(table.id(), table.partitions());
        return table;
    }

    private static List<EvaluatedWrite> transact(BasaltNode node, List<TransactionAction> actions, String token,
            String fingerprint) {
        try {
            return node.transactWrite(actions, token, fingerprint).join().writes();
        } catch (CompletionException e) {
            throw (RuntimeException) e.getCause();
        }
    }

    private static void put(BasaltNode node, TableMetadata table, Item item) {
        node.write(table, new PutItemOperation(new PrimaryKey(item.get("pk"), Optional.empty()), item)).join();
    }

    /**
     * {@code SET balance = balance + :amount} under {@code attribute_exists(pk) AND balance >= :minus}: on an
     * existing item whose balance stays non-negative.
     */
    private static ItemOperation add(String pk, long amount) {
        ItemUpdate update = ExpressionItemUpdate.sizedByItem(new UpdateExpression(List.of(
                new UpdateExpression.SetAction(DocumentPath.of("balance"), new Operand.Arithmetic(
                        new Operand.Path(DocumentPath.of("balance")), Operand.ArithmeticOperator.PLUS,
                        new Operand.Literal(number(amount), ":amount")))), List.of(), List.of(), List.of()));
        Condition staysNonNegative = new Condition.And(new Condition.AttributeExists(DocumentPath.of("pk")),
                new Condition.Comparison(new Operand.Path(DocumentPath.of("balance")), Condition.Comparator.GE,
                        new Operand.Literal(number(-amount), ":minus")));
        return new UpdateItemOperation(key(pk), item("pk", pk), update, staysNonNegative);
    }

    private static long balance(BasaltNode node, TableMetadata table, String pk) {
        return ((AttributeValue.NumberValue) node.read(table, key(pk)).get("balance")).value().bigDecimalValue()
                .longValueExact();
    }

    private static AttributeValue number(long value) {
        return AttributeValue.number(value);
    }

    private static PrimaryKey key(String pk) {
        return new PrimaryKey(AttributeValue.string(pk), Optional.empty());
    }
}
