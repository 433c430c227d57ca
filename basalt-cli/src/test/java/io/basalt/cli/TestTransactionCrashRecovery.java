package io.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.partition.KeyLayout;
import io.basalt.storage.StorageEngine;
import io.basalt.storage.StorageIterator;
import io.basalt.storage.rocksdb.RocksDbStorageEngine;
import io.basalt.testing.TestClients;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;

/**
 * Transactions are all-or-nothing across a crash: money moves between accounts in many concurrent transactions
 * (each touching several partitions) while the server is killed with SIGKILL; after a restart the total is what it
 * was, whatever each transaction in flight had reached. And a crash exactly between the prepare and the commit
 * decision (held there by the transaction-faults endpoint) leaves nothing applied and nothing held.
 */
@Timeout(300)
class TestTransactionCrashRecovery {
    private static final String TABLE = "Accounts";
    private static final int ACCOUNTS = 40;
    private static final long OPENING_BALANCE = 1_000;

    @TempDir
    Path dataDirectory;

    @Test
    void transfersInFlightDuringSigkillAreAllOrNothing() throws Exception {
        AtomicLong committed = new AtomicLong();
        try (ServerProcess server = ServerProcess.start(dataDirectory)) {
            try (DynamoDbClient client = TestClients.dynamoDb(server.endpoint())) {
                ServerProcess.createHashTable(client, TABLE);
                for (int i = 0; i < ACCOUNTS; i++) {
                    String account = "acct" + i;
                    client.putItem(request -> request.tableName(TABLE).item(Map.of("pk", AttributeValue.fromS(account),
                            "balance", AttributeValue.fromN(Long.toString(OPENING_BALANCE)))));
                }
                AtomicBoolean stop = new AtomicBoolean();
                ExecutorService clients = Executors.newFixedThreadPool(8);
                List<Future<?>> futures = new ArrayList<>();
                for (int c = 0; c < 8; c++) {
                    long seed = c;
                    futures.add(clients.submit(() -> transfer(client, new Random(seed), stop, committed)));
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (committed.get() < 300 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                server.killUnderLoad(stop, futures, clients);
            }
        }
        System.out.println("transfers committed before the crash: " + committed.get());
        assertThat(committed.get()).as("transfers committed before the crash").isPositive();

        try (ServerProcess restarted = ServerProcess.start(dataDirectory);
                DynamoDbClient client = TestClients.dynamoDb(restarted.endpoint())) {
            long total = 0;
            for (Map<String, AttributeValue> item : client.scanPaginator(request -> request.tableName(TABLE)
                    .consistentRead(true)).items()) {
                total += Long.parseLong(item.get("balance").n());
            }
            assertThat(total).as("money after SIGKILL and restart").isEqualTo(ACCOUNTS * OPENING_BALANCE);
        }
    }

    @Test
    void aCrashBetweenPrepareAndDecisionAppliesNothingAndHoldsNothing() throws Exception {
        int transfers = 4;
        try (ServerProcess server = ServerProcess.start(dataDirectory);
                DynamoDbClient client = TestClients.dynamoDb(server.endpoint())) {
            ServerProcess.createHashTable(client, TABLE);
            for (int i = 0; i < 2 * transfers; i++) {
                String account = "acct" + i;
                client.putItem(request -> request.tableName(TABLE).item(Map.of("pk", AttributeValue.fromS(account),
                        "balance", AttributeValue.fromN(Long.toString(OPENING_BALANCE)))));
            }
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> refused = post(http, server.endpoint(), "{\"CommitDelayMillis\":-1}");
            assertThat(refused.statusCode()).isEqualTo(400);
            assertThat(refused.body()).contains("CommitDelayMillis must be a whole number from 0 to 3600000");
            HttpResponse<String> delayed = post(http, server.endpoint(), "{\"CommitDelayMillis\":600000}");
            assertThat(delayed.statusCode()).isEqualTo(200);
            assertThat(delayed.body()).isEqualTo("{\"CommitDelayMillis\":600000}");

            ExecutorService threads = Executors.newFixedThreadPool(transfers);
            for (int t = 0; t < transfers; t++) {
                int from = 2 * t;
                threads.submit(() -> client.transactWriteItems(request -> request.transactItems(
                        add("acct" + from, -10, true), add("acct" + (from + 1), 10, false))));
            }
            // Each transfer is prepared once its items refuse a single write.
            for (int i = 0; i < 2 * transfers; i++) {
                awaitHeld(client, "acct" + i);
            }
            // An item is held as soon as it is prepared; its prepare record is durable a group commit later, and a
            // transaction waits in the commit delay only once all of its records are.
            awaitHeldTransactions(http, server.endpoint(), transfers);
            server.kill();
            threads.shutdownNow();
        }

        // As the crash left the data: every transfer prepared (its holds in the partitions' logs), none decided.
        Set<Long> prepared = new HashSet<>();
        try (StorageEngine storage = RocksDbStorageEngine.open(dataDirectory);
                StorageIterator records = storage.iterator(new byte[] {KeyLayout.PREPARED},
                        new byte[] {KeyLayout.PREPARED + 1})) {
            for (records.seekToFirst(); records.isValid(); records.next()) {
                prepared.add(KeyLayout.transactionOfPreparedKey(records.key()));
            }
            try (StorageIterator ledger = storage.iterator(KeyLayout.transactionsStart(),
                    KeyLayout.transactionsEnd())) {
                ledger.seekToFirst();
                assertThat(ledger.isValid()).as("no commit decision was stored").isFalse();
            }
        }
        assertThat(prepared).as("transactions prepared when the server was killed").hasSize(transfers);

        try (ServerProcess restarted = ServerProcess.start(dataDirectory);
                DynamoDbClient client = TestClients.dynamoDb(restarted.endpoint())) {
            for (int i = 0; i < 2 * transfers; i++) {
                String account = "acct" + i;
                Map<String, AttributeValue> item = client.getItem(request -> request.tableName(TABLE)
                        .key(Map.of("pk", AttributeValue.fromS(account))).consistentRead(true)).item();
                assertThat(item.get("balance").n()).as(account).isEqualTo(Long.toString(OPENING_BALANCE));
                // Nothing is held any more: a single write goes through.
                client.updateItem(request -> request.tableName(TABLE).key(Map.of("pk", AttributeValue.fromS(account)))
                        .updateExpression("SET balance = balance + :one")
                        .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"))));
            }
        }
        try (StorageEngine storage = RocksDbStorageEngine.open(dataDirectory);
                StorageIterator records = storage.iterator(new byte[] {KeyLayout.PREPARED},
                        new byte[] {KeyLayout.PREPARED + 1})) {
            records.seekToFirst();
            assertThat(records.isValid()).as("prepare records after recovery").isFalse();
        }
    }

    /** Waits until a transaction holds the account: a single write to it is refused with a conflict. */
    private static void awaitHeld(DynamoDbClient client, String account) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                client.updateItem(request -> request.tableName(TABLE).key(Map.of("pk", AttributeValue.fromS(account)))
                        .updateExpression("SET probed = :t")
                        .expressionAttributeValues(Map.of(":t", AttributeValue.fromBool(true))));
            } catch (TransactionConflictException held) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(account + " was never held by its transfer");
    }

    /** Waits until the commit delay holds {@code count} transactions, every one's prepare records durable. */
    private static void awaitHeldTransactions(HttpClient http, URI endpoint, int count) throws Exception {
        String expected = "{\"CommitDelayMillis\":600000,\"HeldTransactions\":" + count + "}";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> faults = http.send(HttpRequest.newBuilder(
                    endpoint.resolve("/_basalt/transaction-faults")).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(faults.statusCode()).isEqualTo(200);
            last = faults.body();
            if (last.equals(expected)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the commit delay never held " + count + " transactions; last: " + last);
    }

    private static HttpResponse<String> post(HttpClient http, URI endpoint, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(endpoint.resolve("/_basalt/transaction-faults"))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Moves money among three accounts per transaction until stopped; errors after the crash end the client. */
    private static void transfer(DynamoDbClient client, Random random, AtomicBoolean stop, AtomicLong committed) {
        while (!stop.get()) {
            int from = random.nextInt(ACCOUNTS);
            int to = (from + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
            int fee = (to + 1 + random.nextInt(ACCOUNTS - 2)) % ACCOUNTS;
            if (fee == from) {
                continue;
            }
            long amount = 1 + random.nextInt(20);
            try {
                client.transactWriteItems(request -> request.transactItems(
                        add("acct" + from, -amount - 1, true), add("acct" + to, amount, false),
                        add("acct" + fee, 1, false)));
                committed.incrementAndGet();
            } catch (TransactionCanceledException cancelled) {
                // A conflict or an empty account: nothing moved.
            } catch (RuntimeException crashed) {
                return;
            }
        }
    }

    private static TransactWriteItem add(String account, long amount, boolean mustCover) {
        return TransactWriteItem.builder().update(update -> {
            update.tableName(TABLE).key(Map.of("pk", AttributeValue.fromS(account)))
                    .updateExpression("SET balance = balance + :a")
                    .expressionAttributeValues(mustCover
                            ? Map.of(":a", AttributeValue.fromN(Long.toString(amount)),
                                    ":min", AttributeValue.fromN(Long.toString(-amount)))
                            : Map.of(":a", AttributeValue.fromN(Long.toString(amount))));
            if (mustCover) {
                update.conditionExpression("balance >= :min");
            }
        }).build();
    }
}
