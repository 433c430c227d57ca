package io.basalt.compat.transactions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.basalt.testing.BasaltTestServer;
import io.basalt.testing.TestClients;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Conflicts are real: while a transaction holds an item between its two phases (Basalt's commit-delay fault
 * injection keeps it there long enough to look), a single write of the item fails with
 * TransactionConflictException, a TransactGetItems or another transaction touching it is cancelled with
 * TransactionConflict, a BatchWriteItem returns that write in UnprocessedItems, and reads see the item as it was;
 * once the transaction commits, its write is there.
 * Basalt-only (it injects the delay through the in-process node).
 */
@Timeout(60)
class TestTransactionConflicts {
    private static final String TABLE = "Held";
    private static final Map<String, AttributeValue> KEY = Map.of("pk", AttributeValue.fromS("x"));

    @Test
    void anItemHeldByATransactionRefusesEveryOtherWriterUntilItCommits() throws Exception {
        try (BasaltTestServer server = BasaltTestServer.inMemory();
                DynamoDbClient client = TestClients.dynamoDb(server.endpoint());
                DynamoDbClient other = TestClients.dynamoDb(server.endpoint())) {
            client.createTable(b -> b.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(AttributeDefinition.builder().attributeName("pk")
                            .attributeType(ScalarAttributeType.S).build())
                    .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build()));
            client.waiter().waitUntilTableExists(b -> b.tableName(TABLE));
            client.putItem(b -> b.tableName(TABLE).item(Map.of("pk", AttributeValue.fromS("x"),
                    "v", AttributeValue.fromN("1"))));
            // Held until the test lifts the delay, however slow the machine.
            server.node().setTransactionCommitDelay(Duration.ofMinutes(10));

            CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> client.transactWriteItems(b -> b
                    .transactItems(TransactWriteItem.builder().update(u -> u.tableName(TABLE).key(KEY)
                            .updateExpression("SET v = :v")
                            .expressionAttributeValues(Map.of(":v", AttributeValue.fromN("2")))).build())));
            awaitHeld(other);

            TransactionConflictException single = catchThrowableOfType(TransactionConflictException.class,
                    () -> other.putItem(b -> b.tableName(TABLE).item(Map.of("pk", AttributeValue.fromS("x"),
                            "v", AttributeValue.fromN("9")))));
            assertThat(single).isNotNull();
            assertThat(single.awsErrorDetails().errorMessage()).isEqualTo("Transaction is ongoing for the item");
            assertThat(single.statusCode()).isEqualTo(400);

            TransactionCanceledException read = catchThrowableOfType(TransactionCanceledException.class,
                    () -> other.transactGetItems(b -> b.transactItems(TransactGetItem.builder()
                            .get(g -> g.tableName(TABLE).key(KEY)).build())));
            assertThat(read.cancellationReasons()).extracting(CancellationReason::code)
                    .containsExactly("TransactionConflict");

            TransactionCanceledException write = catchThrowableOfType(TransactionCanceledException.class,
                    () -> other.transactWriteItems(b -> b.transactItems(TransactWriteItem.builder()
                            .delete(d -> d.tableName(TABLE).key(KEY)).build())));
            assertThat(write.cancellationReasons()).extracting(CancellationReason::code)
                    .containsExactly("TransactionConflict");

            // A BatchWriteItem cannot fail as a whole for one write (TransactionConflictException is not among its
            // errors); the refused write comes back in UnprocessedItems and the others are written.
            Map<String, AttributeValue> free = Map.of("pk", AttributeValue.fromS("free"));
            WriteRequest blocked = WriteRequest.builder().deleteRequest(d -> d.key(KEY)).build();
            BatchWriteItemResponse batch = other.batchWriteItem(b -> b.requestItems(Map.of(TABLE, List.of(blocked,
                    WriteRequest.builder().putRequest(p -> p.item(free)).build()))));
            assertThat(batch.unprocessedItems()).isEqualTo(Map.of(TABLE, List.of(blocked)));
            assertThat(other.getItem(b -> b.tableName(TABLE).key(free).consistentRead(true)).hasItem()).isTrue();

            // Reads are not blocked and see the item as it was before the transaction.
            assertThat(other.getItem(b -> b.tableName(TABLE).key(KEY).consistentRead(true)).item().get("v").n())
                    .isEqualTo("1");

            assertThat(holder).as("the transaction is still held").isNotDone();
            server.node().setTransactionCommitDelay(Duration.ZERO);
            holder.get(30, TimeUnit.SECONDS);
            assertThat(other.getItem(b -> b.tableName(TABLE).key(KEY).consistentRead(true)).item().get("v").n())
                    .isEqualTo("2");
            other.putItem(b -> b.tableName(TABLE).item(Map.of("pk", AttributeValue.fromS("x"),
                    "v", AttributeValue.fromN("3"))));
        }
    }

    /** Waits until a transaction holds the item (a TransactGetItems of it is cancelled). */
    private static void awaitHeld(DynamoDbClient client) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try {
                client.transactGetItems(b -> b.transactItems(TransactGetItem.builder()
                        .get(g -> g.tableName(TABLE).key(KEY)).build()));
            } catch (TransactionCanceledException held) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("the transaction never held the item");
    }
}
