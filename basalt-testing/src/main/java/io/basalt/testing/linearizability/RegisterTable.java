package io.basalt.testing.linearizability;

import static java.util.Objects.requireNonNull;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The table that holds registers: one item per register, hash key {@value #KEY} (S), the version in
 * {@value #VERSION} (N) and the value in {@value #VALUE} (S).
 */
public final class RegisterTable {
    public static final String KEY = "pk";
    public static final String VERSION = "version";
    public static final String VALUE = "value";

    private RegisterTable() {
    }

    /** Creates the table (on-demand) and waits until it is active. */
    public static void create(DynamoDbClient dynamoDb, String table) {
        requireNonNull(dynamoDb, "dynamoDb is null");
        requireNonNull(table, "table is null");
        dynamoDb.createTable(request -> request.tableName(table)
                .attributeDefinitions(AttributeDefinition.builder().attributeName(KEY)
                        .attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName(KEY).keyType(KeyType.HASH).build())
                .billingMode(BillingMode.PAY_PER_REQUEST));
        dynamoDb.waiter().waitUntilTableExists(request -> request.tableName(table)).matched().exception()
                .ifPresent(exception -> {
                    throw new IllegalStateException("table " + table + " did not become active", exception);
                });
    }
}
