package io.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.testing.TestClients;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
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

/**
 * Transactions are all-or-nothing across a crash: money moves between accounts in many concurrent transactions
 * (each touching several partitions) while the server is killed with SIGKILL; after a restart the total is what it
 * was, whatever each transaction in flight had reached.
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
