package io.basalt.compat.reads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.basalt.testing.BasaltTestServer;
import io.basalt.testing.TestClients;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Base of the read tests: one server per class (an in-memory Basalt server, or the endpoint named by
 * {@code -Dbasalt.endpoint}), the SDK v2 client, uniquely named tables and exact-error assertions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ReadsTestSupport {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private BasaltTestServer server;
    protected URI endpoint;
    protected DynamoDbClient client;
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
    }

    @AfterAll
    void stopServer() {
        if (server == null) {
            for (String table : createdTables) {
                try {
                    client.deleteTable(b -> b.tableName(table));
                } catch (DynamoDbException ignored) {
                    // Already gone: nothing to clean up.
                }
            }
        }
        client.close();
        if (server != null) {
            server.close();
        }
    }

    static String uniqueName(String prefix) {
        return prefix + "-" + COUNTER.incrementAndGet() + "-"
                + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
    }

    /** Creates an on-demand table (range key optional) and waits until it is ACTIVE; returns its name. */
    protected String createTable(String prefix, String hashKey, ScalarAttributeType hashType, String rangeKey,
            ScalarAttributeType rangeType) {
        String name = uniqueName(prefix);
        List<AttributeDefinition> definitions = new ArrayList<>();
        List<KeySchemaElement> keys = new ArrayList<>();
        definitions.add(AttributeDefinition.builder().attributeName(hashKey).attributeType(hashType).build());
        keys.add(KeySchemaElement.builder().attributeName(hashKey).keyType(KeyType.HASH).build());
        if (rangeKey != null) {
            definitions.add(AttributeDefinition.builder().attributeName(rangeKey).attributeType(rangeType).build());
            keys.add(KeySchemaElement.builder().attributeName(rangeKey).keyType(KeyType.RANGE).build());
        }
        client.createTable(b -> b.tableName(name).attributeDefinitions(definitions).keySchema(keys)
                .billingMode(BillingMode.PAY_PER_REQUEST));
        createdTables.add(name);
        client.waiter().waitUntilTableExists(b -> b.tableName(name));
        return name;
    }

    /** Table with string hash key {@code pk} and a range key {@code sk} of the given type. */
    protected String rangeTable(ScalarAttributeType sortType) {
        return createTable("rq", "pk", ScalarAttributeType.S, "sk", sortType);
    }

    /** Table with only a string hash key {@code pk}. */
    protected String hashTable() {
        return createTable("hq", "pk", ScalarAttributeType.S, null, null);
    }

    /** Writes the items with BatchWriteItem, 25 at a time, resending anything returned unprocessed. */
    protected void load(String table, List<Map<String, AttributeValue>> items) {
        for (int from = 0; from < items.size(); from += 25) {
            List<WriteRequest> requests = new ArrayList<>();
            for (Map<String, AttributeValue> item : items.subList(from, Math.min(items.size(), from + 25))) {
                requests.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
            }
            Map<String, List<WriteRequest>> pending = Map.of(table, requests);
            for (int attempt = 0; !pending.isEmpty(); attempt++) {
                assertThat(attempt).as("BatchWriteItem keeps returning unprocessed items").isLessThan(20);
                Map<String, List<WriteRequest>> send = pending;
                BatchWriteItemResponse response = client.batchWriteItem(b -> b.requestItems(send));
                pending = response.unprocessedItems();
            }
        }
    }

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(String value) {
        return AttributeValue.fromN(value);
    }

    static AttributeValue b(int... bytes) {
        byte[] data = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            data[i] = (byte) bytes[i];
        }
        return AttributeValue.fromB(SdkBytes.fromByteArray(data));
    }

    static Map<String, AttributeValue> item(Object... namesAndValues) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            item.put((String) namesAndValues[i], (AttributeValue) namesAndValues[i + 1]);
        }
        return item;
    }

    /** Fails unless {@code call} fails with {@code type}, error code {@code code}, HTTP 400 and exactly the message. */
    static <E extends DynamoDbException> E assertError(Class<E> type, String code, String message,
            ThrowingCallable call) {
        E error = catchThrowableOfType(type, call);
        assertThat(error).as("expected %s: %s", code, message).isNotNull();
        assertThat(error.awsErrorDetails().errorMessage()).isEqualTo(message);
        assertThat(error.awsErrorDetails().errorCode()).isEqualTo(code);
        assertThat(error.statusCode()).isEqualTo(400);
        return error;
    }

    static DynamoDbException assertValidation(String message, ThrowingCallable call) {
        return assertError(DynamoDbException.class, "ValidationException", message, call);
    }

    static ResourceNotFoundException assertNotFound(ThrowingCallable call) {
        return assertError(ResourceNotFoundException.class, "ResourceNotFoundException",
                "Requested resource not found", call);
    }
}
