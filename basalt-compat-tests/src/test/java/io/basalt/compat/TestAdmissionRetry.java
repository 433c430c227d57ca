package io.basalt.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.basalt.cluster.NodeConfig;
import io.basalt.model.Limits;
import io.basalt.testing.BasaltTestServer;
import io.basalt.testing.TestClients;
import io.basalt.storage.memory.InMemoryStorageEngine;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The admission stage through the AWS SDK: a request over {@code --max-inflight-requests} gets DynamoDB's
 * ServiceUnavailableException (503), which the SDK, left to its default retry conditions, retries until it is
 * admitted.
 */
class TestAdmissionRetry {
    private final BasaltTestServer server = BasaltTestServer.start(new InMemoryStorageEngine(),
            NodeConfig.defaults(), BasaltTestServer.LOOPBACK.withAdmission(1, Limits.MAX_REQUEST_BYTES));
    private final DynamoDbClient noRetries = TestClients.dynamoDb(server.endpoint());

    @AfterEach
    void close() {
        server.node().setTransactionCommitDelay(Duration.ZERO);
        noRetries.close();
        server.close();
    }

    @Test
    void aRequestOverTheLimitGets503AndTheSdkRetriesItUntilItIsAdmitted() throws Exception {
        noRetries.createTable(b -> b.tableName("admission").billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH))
                .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S)));
        // A transaction held between prepare and commit keeps the only permit taken.
        server.node().setTransactionCommitDelay(Duration.ofMinutes(1));
        CompletableFuture<?> held = CompletableFuture.runAsync(() -> noRetries.transactWriteItems(b -> b
                .transactItems(TransactWriteItem.builder().put(p -> p.tableName("admission")
                        .item(Map.of("pk", AttributeValue.fromS("held")))).build())));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.node().heldTransactions() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(server.node().heldTransactions()).isEqualTo(1);

        DynamoDbException refused = catchThrowableOfType(DynamoDbException.class,
                () -> noRetries.getItem(b -> b.tableName("admission").key(Map.of("pk", AttributeValue.fromS("held")))));
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("ServiceUnavailableException");

        AtomicInteger refusals = new AtomicInteger();
        ExecutionInterceptor releaseOnRefusal = new ExecutionInterceptor() {
            @Override
            public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
                if (context.httpResponse().statusCode() == 503 && refusals.incrementAndGet() == 1) {
                    // A new delay lets the held transaction commit at once, which gives its permit back.
                    server.node().setTransactionCommitDelay(Duration.ZERO);
                }
            }
        };
        try (DynamoDbClient retrying = DynamoDbClient.builder()
                .endpointOverride(server.endpoint())
                .region(TestClients.REGION)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("basalt", "basalt")))
                .httpClient(UrlConnectionHttpClient.builder().build())
                // The SDK's default retry strategy and conditions; more attempts only so that a slow machine, where
                // the held transaction takes a while to commit, cannot run out of them.
                .overrideConfiguration(c -> c.addExecutionInterceptor(releaseOnRefusal)
                        .retryStrategy(retry -> retry.maxAttempts(10)))
                .build()) {
            assertThat(retrying.getItem(b -> b.tableName("admission").key(Map.of("pk", AttributeValue.fromS("held"))))
                    .item()).containsEntry("pk", AttributeValue.fromS("held"));
        }
        assertThat(refusals.get()).isGreaterThanOrEqualTo(1);
        held.get(10, TimeUnit.SECONDS);
    }
}
