package io.basalt.compat.transactions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ItemResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Money transfers between accounts with TransactWriteItems, from many threads through the sync client and many
 * in-flight requests through the async client, while TransactGetItems snapshots read every account: the total never
 * changes, in any snapshot or at the end. Transfers that meet another transaction are cancelled with
 * {@code TransactionConflict} (or fail their balance check), as in DynamoDB; they are counted, not hidden.
 */
class TestTransactionInvariants extends TransactionTestSupport {
    private static final int ACCOUNTS = 10;
    private static final int INITIAL = 1000;
    private static final int SYNC_THREADS = 8;
    private static final int TRANSFERS_PER_THREAD = 150;
    private static final int ASYNC_TRANSFERS = 600;
    private static final int SNAPSHOTS = 200;

    private final AtomicInteger committed = new AtomicInteger();
    private final AtomicInteger conflicts = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();

    private static String account(int i) {
        return "account-" + i;
    }

    /** Moves {@code amount} from one account to another, if the source has it. */
    private static TransactWriteItemsRequest transfer(String table, int from, int to, int amount) {
        Map<String, AttributeValue> values = Map.of(":a", n(Integer.toString(amount)));
        return TransactWriteItemsRequest.builder().transactItems(
                TransactWriteItem.builder().update(u -> u.tableName(table).key(key(account(from)))
                        .updateExpression("SET balance = balance - :a").conditionExpression("balance >= :a")
                        .expressionAttributeValues(values)).build(),
                TransactWriteItem.builder().update(u -> u.tableName(table).key(key(account(to)))
                        .updateExpression("SET balance = balance + :a").expressionAttributeValues(values)).build())
                .build();
    }

    private static TransactWriteItemsRequest randomTransfer(String table) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int from = random.nextInt(ACCOUNTS);
        int to = (from + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
        return transfer(table, from, to, 1 + random.nextInt(50));
    }

    /** Counts an outcome; anything but a conflict or a failed balance check is a defect. */
    private void record(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause == null) {
            committed.incrementAndGet();
        } else if (cause instanceof TransactionCanceledException cancelled && cancelled.cancellationReasons()
                .stream().map(CancellationReason::code).allMatch(code -> code.equals("None")
                        || code.equals("TransactionConflict") || code.equals("ConditionalCheckFailed"))) {
            conflicts.incrementAndGet();
        } else {
            unexpected.add(String.valueOf(cause));
        }
    }

    private int total(List<ItemResponse> responses) {
        int total = 0;
        for (ItemResponse response : responses) {
            total += Integer.parseInt(response.item().get("balance").n());
        }
        return total;
    }

    @Test
    void transfersKeepTheTotalInEverySnapshot() throws Exception {
        String table = hashTable();
        List<TransactWriteItem> initial = new ArrayList<>();
        List<TransactGetItem> reads = new ArrayList<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            initial.add(put(table, item("pk", s(account(i)), "balance", n(Integer.toString(INITIAL)))));
            int index = i;
            reads.add(TransactGetItem.builder().get(g -> g.tableName(table).key(key(account(index)))).build());
        }
        client.transactWriteItems(b -> b.transactItems(initial));

        ExecutorService threads = Executors.newFixedThreadPool(SYNC_THREADS + 2);
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < SYNC_THREADS; t++) {
            running.add(threads.submit(() -> {
                for (int i = 0; i < TRANSFERS_PER_THREAD; i++) {
                    try {
                        client.transactWriteItems(randomTransfer(table));
                        record(null);
                    } catch (RuntimeException e) {
                        record(e);
                    }
                }
            }));
        }
        List<Integer> totals = new ArrayList<>();
        AtomicInteger snapshotConflicts = new AtomicInteger();
        running.add(threads.submit(() -> {
            for (int i = 0; i < SNAPSHOTS; i++) {
                try {
                    synchronized (totals) {
                        totals.add(total(client.transactGetItems(b -> b.transactItems(reads)).responses()));
                    }
                } catch (TransactionCanceledException e) {
                    snapshotConflicts.incrementAndGet();
                }
            }
        }));
        List<CompletableFuture<Void>> async = new ArrayList<>();
        for (int i = 0; i < ASYNC_TRANSFERS; i++) {
            async.add(asyncClient().transactWriteItems(randomTransfer(table))
                    .handle((response, failure) -> {
                        record(failure);
                        return null;
                    }));
        }
        CompletableFuture.allOf(async.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        for (Future<?> future : running) {
            future.get(5, TimeUnit.MINUTES);
        }
        threads.shutdown();

        assertThat(unexpected).isEmpty();
        assertThat(committed.get() + conflicts.get()).isEqualTo(SYNC_THREADS * TRANSFERS_PER_THREAD
                + ASYNC_TRANSFERS);
        assertThat(committed.get()).isPositive();
        assertThat(totals).isNotEmpty().allSatisfy(total -> assertThat(total).isEqualTo(ACCOUNTS * INITIAL));
        int finalTotal = total(client.transactGetItems(b -> b.transactItems(reads)).responses());
        assertThat(finalTotal).isEqualTo(ACCOUNTS * INITIAL);
        int scanned = 0;
        for (Map<String, AttributeValue> item : client.scan(b -> b.tableName(table).consistentRead(true)).items()) {
            int balance = Integer.parseInt(item.get("balance").n());
            assertThat(balance).isNotNegative();
            scanned += balance;
        }
        assertThat(scanned).isEqualTo(ACCOUNTS * INITIAL);
    }
}
