package io.basalt.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.basalt.testing.BasaltTestServer;
import io.basalt.testing.TestClients;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.CreateTableResponse;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * Base of the compatibility tests. Each test class talks to one server: the endpoint named by the system property
 * {@code basalt.endpoint} when set (real DynamoDB, another Basalt), otherwise an in-memory Basalt server started
 * for the class. Tests create their own uniquely named tables, so they never depend on each other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class CompatTestSupport {
    /** The header the raw-HTTP tests send; the server parses it but does not verify signatures. */
    protected static final String FAKE_AUTHORIZATION = "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/dynamodb/"
            + "aws4_request, SignedHeaders=host, Signature=abc";
    protected static final String TARGET_PREFIX = "DynamoDB_20120810.";

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private BasaltTestServer server;
    protected URI endpoint;
    protected DynamoDbClient client;
    protected HttpClient http;
    private final List<String> createdTables = new ArrayList<>();

    @BeforeAll
    void startServer() {
        String external = System.getProperty("basalt.endpoint");
        if (external != null && !external.isBlank()) {
            endpoint = URI.create(external);
        } else {
            server = BasaltTestServer.inMemory();
            endpoint = server.endpoint();
        }
        client = TestClients.dynamoDb(endpoint);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    void stopServer() {
        if (server == null) {
            // Against a shared endpoint, leave nothing behind.
            for (String table : createdTables) {
                try {
                    client.deleteTable(b -> b.tableName(table));
                } catch (DynamoDbException ignored) {
                    // Already deleted by the test, or protected: nothing more to do.
                }
            }
        }
        client.close();
        if (server != null) {
            server.close();
        }
    }

    /** True when the tests run against the in-process server (not an external endpoint). */
    protected boolean isInProcess() {
        return server != null;
    }

    /** Skips a test that checks a Basalt-only behaviour (refusals of not-yet-implemented features). */
    protected void assumeBasalt() {
        Assumptions.assumeFalse(Boolean.getBoolean("basalt.realDynamoDb"),
                "checks a Basalt-specific refusal");
    }

    /**
     * Skips a test that relies on a setting of the one node it talks to holding back work that, on a cluster, other
     * nodes do too (the admin endpoint's deliberate index propagation delay: a node's own setting, which holds back
     * only the partitions that node leads, docs/compatibility.md).
     */
    protected void assumeOneNode(String reason) {
        Assumptions.assumeFalse(Boolean.getBoolean(BasaltTestServer.CLUSTER_PROPERTY), reason);
    }

    /** A table name no other test uses: {@code prefix-<counter>-<random>}. */
    protected static String uniqueName(String prefix) {
        return prefix + "-" + COUNTER.incrementAndGet() + "-"
                + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    }

    /** Creates a table (hash key, optional range key) and waits until it is ACTIVE. */
    protected CreateTableResponse createTable(String name, String hashKey, ScalarAttributeType hashType,
            String rangeKey, ScalarAttributeType rangeType, BillingMode billingMode) {
        CreateTableRequest.Builder request = CreateTableRequest.builder().tableName(name);
        List<AttributeDefinition> definitions = new ArrayList<>();
        List<KeySchemaElement> keys = new ArrayList<>();
        definitions.add(AttributeDefinition.builder().attributeName(hashKey).attributeType(hashType).build());
        keys.add(KeySchemaElement.builder().attributeName(hashKey).keyType(KeyType.HASH).build());
        if (rangeKey != null) {
            definitions.add(AttributeDefinition.builder().attributeName(rangeKey).attributeType(rangeType).build());
            keys.add(KeySchemaElement.builder().attributeName(rangeKey).keyType(KeyType.RANGE).build());
        }
        request.attributeDefinitions(definitions).keySchema(keys);
        if (billingMode == BillingMode.PAY_PER_REQUEST) {
            request.billingMode(BillingMode.PAY_PER_REQUEST);
        } else {
            request.provisionedThroughput(t -> t.readCapacityUnits(5L).writeCapacityUnits(5L));
        }
        CreateTableResponse response = client.createTable(request.build());
        createdTables.add(name);
        client.waiter().waitUntilTableExists(b -> b.tableName(name));
        return response;
    }

    /** A fresh on-demand table with a string hash key {@code pk}. */
    protected String hashTable() {
        String name = uniqueName("h");
        createTable(name, "pk", ScalarAttributeType.S, null, null, BillingMode.PAY_PER_REQUEST);
        return name;
    }

    /** A fresh on-demand table with string hash key {@code pk} and number range key {@code sk}. */
    protected String hashRangeTable() {
        String name = uniqueName("hr");
        createTable(name, "pk", ScalarAttributeType.S, "sk", ScalarAttributeType.N, BillingMode.PAY_PER_REQUEST);
        return name;
    }

    /** Remembers a table created by hand, so it is cleaned up on a shared endpoint. */
    protected void track(String table) {
        createdTables.add(table);
    }

    protected static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    protected static AttributeValue n(String value) {
        return AttributeValue.fromN(value);
    }

    protected static Map<String, AttributeValue> item(Object... namesAndValues) {
        Map<String, AttributeValue> item = new java.util.LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            item.put((String) namesAndValues[i], (AttributeValue) namesAndValues[i + 1]);
        }
        return item;
    }

    /**
     * Asserts that {@code call} fails with {@code type}, DynamoDB error code {@code code} (the part of
     * {@code __type} after '#'), HTTP 400 and exactly {@code message}; returns the exception.
     */
    protected static <E extends DynamoDbException> E assertError(Class<E> type, String code, String message,
            ThrowingCallable call) {
        E error = catchThrowableOfType(type, call);
        assertThat(error).as("expected %s: %s", code, message).isNotNull();
        assertThat(error.awsErrorDetails().errorCode()).isEqualTo(code);
        assertThat(error.awsErrorDetails().errorMessage()).isEqualTo(message);
        assertThat(error.statusCode()).isEqualTo(400);
        return error;
    }

    /** A ValidationException with exactly {@code message}. */
    protected static DynamoDbException assertValidation(String message, ThrowingCallable call) {
        return assertError(DynamoDbException.class, "ValidationException", message, call);
    }

    /** A ResourceNotFoundException with exactly {@code message}. */
    protected static ResourceNotFoundException assertNotFound(String message, ThrowingCallable call) {
        return assertError(ResourceNotFoundException.class, "ResourceNotFoundException", message, call);
    }

    /** A ValidationException saying Basalt does not support {@code parameter} (never silently ignored). */
    protected static void assertUnsupported(String parameter, ThrowingCallable call) {
        DynamoDbException error = catchThrowableOfType(DynamoDbException.class, call);
        assertThat(error).as("expected %s to be refused", parameter).isNotNull();
        assertThat(error.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
        assertThat(error.awsErrorDetails().errorMessage()).contains("Basalt does not support").contains(parameter);
    }

    /** Sends a raw POST with the usual headers; {@code operation} null omits X-Amz-Target. */
    protected HttpResponse<String> post(String operation, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/x-amz-json-1.0")
                .header("Authorization", FAKE_AUTHORIZATION)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (operation != null) {
            request.header("X-Amz-Target", TARGET_PREFIX + operation);
        }
        return send(request.build());
    }

    protected HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The ValidationException body DynamoDB sends for {@code message}. */
    protected static String validationBody(String message) {
        return "{\"__type\":\"com.amazon.coral.validate#ValidationException\",\"message\":\"" + message + "\"}";
    }

    /** The SerializationException body for {@code message} (capital "Message", as the framework spells it). */
    protected static String serializationBody(String message) {
        return "{\"__type\":\"com.amazon.coral.service#SerializationException\",\"Message\":\"" + message + "\"}";
    }

    protected static String repeat(char c, int count) {
        return String.valueOf(c).repeat(count);
    }

    protected static String lower(String text) {
        return text.toLowerCase(Locale.ROOT);
    }
}
