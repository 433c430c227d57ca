package io.basalt.compat.transactions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.basalt.compat.CompatTestSupport;
import io.basalt.testing.TestClients;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** What the transaction tests share: action builders, an async client, and the cancellation assertion. */
abstract class TransactionTestSupport extends CompatTestSupport {
    static final String CANCELLED = "Transaction cancelled, please refer cancellation reasons for specific reasons ";

    private DynamoDbAsyncClient asyncClient;

    /** An async client (Netty) for the same endpoint, created on first use, with no retries. */
    protected synchronized DynamoDbAsyncClient asyncClient() {
        if (asyncClient == null) {
            asyncClient = DynamoDbAsyncClient.builder()
                    .endpointOverride(endpoint)
                    .region(TestClients.REGION)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("basalt",
                            "basalt")))
                    // Tests fire hundreds of requests at once: those queued for one of the 64 connections wait
                    // as long as a slow machine needs rather than the default 10 s.
                    .httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(64)
                            .connectionTimeout(Duration.ofSeconds(5))
                            .connectionAcquisitionTimeout(Duration.ofMinutes(2)))
                    .overrideConfiguration(ClientOverrideConfiguration.builder()
                            .retryStrategy(RetryMode.STANDARD)
                            .retryStrategy(builder -> builder.maxAttempts(1))
                            .build())
                    .build();
        }
        return asyncClient;
    }

    @AfterAll
    void closeAsyncClient() {
        if (asyncClient != null) {
            asyncClient.close();
        }
    }

    static TransactWriteItem put(String table, Map<String, AttributeValue> item) {
        return TransactWriteItem.builder().put(p -> p.tableName(table).item(item)).build();
    }

    static TransactWriteItem delete(String table, Map<String, AttributeValue> key) {
        return TransactWriteItem.builder().delete(d -> d.tableName(table).key(key)).build();
    }

    static TransactWriteItem check(String table, Map<String, AttributeValue> key, String condition) {
        return TransactWriteItem.builder().conditionCheck(c -> c.tableName(table).key(key)
                .conditionExpression(condition)).build();
    }

    static Map<String, AttributeValue> key(String pk) {
        return Map.of("pk", AttributeValue.fromS(pk));
    }

    /**
     * Asserts that {@code call} fails with TransactionCanceledException whose reasons, as the SDK parsed them, have
     * exactly {@code codes} (in request order), with DynamoDB's message listing them; returns the reasons.
     */
    static List<CancellationReason> assertCancelled(List<String> codes, ThrowingCallable call) {
        TransactionCanceledException error = catchThrowableOfType(TransactionCanceledException.class, call);
        assertThat(error).as("expected a cancellation with %s", codes).isNotNull();
        assertThat(error.statusCode()).isEqualTo(400);
        assertThat(error.awsErrorDetails().errorCode()).isEqualTo("TransactionCanceledException");
        assertThat(error.awsErrorDetails().errorMessage()).isEqualTo(CANCELLED + "[" + String.join(", ", codes)
                + "]");
        assertThat(error.hasCancellationReasons()).isTrue();
        assertThat(error.cancellationReasons()).extracting(CancellationReason::code).containsExactlyElementsOf(codes);
        return error.cancellationReasons();
    }
}
