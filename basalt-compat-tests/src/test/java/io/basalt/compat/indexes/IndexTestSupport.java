package io.basalt.compat.indexes;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.cluster.IndexDefinition;
import io.basalt.cluster.ProvisionedThroughput;
import io.basalt.cluster.TableDefinition;
import io.basalt.compat.CompatTestSupport;
import io.basalt.model.AttributeType;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * What the index read tests share: one table shape with local and global indexes of every projection type and a
 * global index with multi-attribute keys, created through CreateTable (or, on a Basalt that does not take indexes
 * in CreateTable yet, through the in-process node).
 *
 * <p>The table: {@code pk} (S) and {@code sk} (N). Indexes:
 * <ul>
 * <li>{@code byLocal}: local, sort key {@code lsk} (S), KEYS_ONLY</li>
 * <li>{@code byLocalInc}: local, sort key {@code lsk}, INCLUDE {@code a}</li>
 * <li>{@code byGlobal}: global, {@code gpk} (S) and {@code gsk} (N), INCLUDE {@code a}</li>
 * <li>{@code byGlobalAll}: global, {@code gpk} only, ALL</li>
 * <li>{@code byGlobalKeys}: global, {@code gpk} and {@code gsk}, KEYS_ONLY</li>
 * <li>{@code byMatch}: global, partition key {@code tournament} (S) + {@code venue} (S), sort key {@code round}
 * (S) + {@code bracket} (N), ALL</li>
 * </ul>
 */
abstract class IndexTestSupport extends CompatTestSupport {
    private static final List<String[]> ATTRIBUTES = List.of(new String[] {"pk", "S"}, new String[] {"sk", "N"},
            new String[] {"lsk", "S"}, new String[] {"gpk", "S"}, new String[] {"gsk", "N"},
            new String[] {"tournament", "S"}, new String[] {"venue", "S"}, new String[] {"round", "S"},
            new String[] {"bracket", "N"});

    /** Creates the indexed table and waits until it and its indexes are ACTIVE; returns its name. */
    protected String indexedTable() {
        String name = uniqueName("ix");
        try {
            client.createTable(createRequest(name));
        } catch (DynamoDbException e) {
            if (!isInProcess() || !e.awsErrorDetails().errorMessage().contains("Basalt does not support")) {
                throw e;
            }
            // CreateTable does not take indexes yet on this Basalt: define the table on the node directly.
            inProcessServer().node().createTable(definition(name));
        }
        track(name);
        client.waiter().waitUntilTableExists(b -> b.tableName(name));
        return name;
    }

    private static CreateTableRequest createRequest(String name) {
        List<AttributeDefinition> definitions = new ArrayList<>();
        for (String[] attribute : ATTRIBUTES) {
            definitions.add(AttributeDefinition.builder().attributeName(attribute[0])
                    .attributeType(ScalarAttributeType.fromValue(attribute[1])).build());
        }
        return CreateTableRequest.builder().tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(definitions)
                .keySchema(key("pk", KeyType.HASH), key("sk", KeyType.RANGE))
                .localSecondaryIndexes(
                        local("byLocal", Projection.builder().projectionType(ProjectionType.KEYS_ONLY).build()),
                        local("byLocalInc", Projection.builder().projectionType(ProjectionType.INCLUDE)
                                .nonKeyAttributes("a").build()))
                .globalSecondaryIndexes(
                        global("byGlobal", Projection.builder().projectionType(ProjectionType.INCLUDE)
                                .nonKeyAttributes("a").build(), key("gpk", KeyType.HASH), key("gsk", KeyType.RANGE)),
                        global("byGlobalAll", Projection.builder().projectionType(ProjectionType.ALL).build(),
                                key("gpk", KeyType.HASH)),
                        global("byGlobalKeys", Projection.builder().projectionType(ProjectionType.KEYS_ONLY).build(),
                                key("gpk", KeyType.HASH), key("gsk", KeyType.RANGE)),
                        global("byMatch", Projection.builder().projectionType(ProjectionType.ALL).build(),
                                key("tournament", KeyType.HASH), key("venue", KeyType.HASH),
                                key("round", KeyType.RANGE), key("bracket", KeyType.RANGE)))
                .build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    private static LocalSecondaryIndex local(String name, Projection projection) {
        return LocalSecondaryIndex.builder().indexName(name).projection(projection)
                .keySchema(key("pk", KeyType.HASH), key("lsk", KeyType.RANGE)).build();
    }

    private static GlobalSecondaryIndex global(String name, Projection projection, KeySchemaElement... keys) {
        return GlobalSecondaryIndex.builder().indexName(name).projection(projection).keySchema(keys).build();
    }

    private static TableDefinition definition(String name) {
        KeyAttribute pk = attribute("pk");
        KeySchema schema = KeySchema.of(pk, attribute("sk"));
        List<KeyAttribute> definitions = ATTRIBUTES.stream().map(a -> attribute(a[0])).toList();
        io.basalt.model.Projection includeA = io.basalt.model.Projection.include(List.of("a"));
        List<IndexDefinition> indexes = List.of(
                index("byLocal", false, List.of(pk), List.of(attribute("lsk")), io.basalt.model.Projection.KEYS_ONLY),
                index("byLocalInc", false, List.of(pk), List.of(attribute("lsk")), includeA),
                index("byGlobal", true, List.of(attribute("gpk")), List.of(attribute("gsk")), includeA),
                index("byGlobalAll", true, List.of(attribute("gpk")), List.of(), io.basalt.model.Projection.ALL),
                index("byGlobalKeys", true, List.of(attribute("gpk")), List.of(attribute("gsk")),
                        io.basalt.model.Projection.KEYS_ONLY),
                index("byMatch", true, List.of(attribute("tournament"), attribute("venue")),
                        List.of(attribute("round"), attribute("bracket")), io.basalt.model.Projection.ALL));
        return new TableDefinition(name, schema, definitions, io.basalt.cluster.BillingMode.PAY_PER_REQUEST,
                ProvisionedThroughput.NONE, false, null, Map.of(), indexes);
    }

    private static IndexDefinition index(String name, boolean global, List<KeyAttribute> partitionKeys,
            List<KeyAttribute> sortKeys, io.basalt.model.Projection projection) {
        return new IndexDefinition(name, global, partitionKeys, sortKeys, projection, ProvisionedThroughput.NONE);
    }

    private static KeyAttribute attribute(String name) {
        for (String[] attribute : ATTRIBUTES) {
            if (attribute[0].equals(name)) {
                return new KeyAttribute(name, AttributeType.valueOf(attribute[1]));
            }
        }
        throw new IllegalArgumentException(name);
    }

    /** Puts an item through PutItem (the engine maintains the indexes: local ones at once, global ones soon). */
    protected void put(String table, Map<String, AttributeValue> item) {
        client.putItem(b -> b.tableName(table).item(item));
    }

    /**
     * Runs a query on a global index until it returns {@code expected} items (global indexes are eventually
     * consistent), at most five seconds; returns the last response.
     */
    protected QueryResponse awaitQuery(int expected, java.util.function.Supplier<QueryResponse> query) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        QueryResponse response = query.get();
        while (response.count() != expected && System.nanoTime() < deadline) {
            sleep(50);
            response = query.get();
        }
        assertThat(response.count()).as("items the index returned").isEqualTo(expected);
        return response;
    }

    protected static Map<String, AttributeValue> values(Object... namesAndValues) {
        Map<String, AttributeValue> values = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            values.put((String) namesAndValues[i], (AttributeValue) namesAndValues[i + 1]);
        }
        return values;
    }

    protected static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
