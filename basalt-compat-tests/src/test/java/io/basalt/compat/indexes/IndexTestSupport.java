package io.basalt.compat.indexes;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.compat.CompatTestSupport;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * What the index tests share: builders for index definitions, and one table shape with local and global indexes
 * of every projection type and a global index with multi-attribute keys.
 *
 * <p>The shared table ({@link #indexedTable}): {@code pk} (S) and {@code sk} (N). Indexes:
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
    static final String INVALID = "One or more parameter values were invalid: ";
    private static final List<String[]> ATTRIBUTES = List.of(new String[] {"pk", "S"}, new String[] {"sk", "N"},
            new String[] {"lsk", "S"}, new String[] {"gpk", "S"}, new String[] {"gsk", "N"},
            new String[] {"tournament", "S"}, new String[] {"venue", "S"}, new String[] {"round", "S"},
            new String[] {"bracket", "N"});

    /** POSTs {@code body} to one of Basalt's own endpoints ({@code /_basalt/...}). */
    HttpResponse<String> admin(String path, String body) {
        return send(HttpRequest.newBuilder(endpoint.resolve(path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    static AttributeDefinition def(String name, String type) {
        return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
    }

    static KeySchemaElement hash(String name) {
        return KeySchemaElement.builder().attributeName(name).keyType("HASH").build();
    }

    static KeySchemaElement range(String name) {
        return KeySchemaElement.builder().attributeName(name).keyType("RANGE").build();
    }

    /** A projection; {@code type} null leaves ProjectionType out. */
    static Projection projection(ProjectionType type, String... nonKeyAttributes) {
        Projection.Builder builder = Projection.builder().projectionType(type);
        if (nonKeyAttributes.length > 0) {
            builder.nonKeyAttributes(nonKeyAttributes);
        }
        return builder.build();
    }

    static LocalSecondaryIndex lsi(String name, String sortKey, Projection projection) {
        return LocalSecondaryIndex.builder().indexName(name).keySchema(hash("pk"), range(sortKey))
                .projection(projection).build();
    }

    /** A global index without throughput (for on-demand tables). */
    static GlobalSecondaryIndex gsi(String name, List<KeySchemaElement> keys, Projection projection) {
        return GlobalSecondaryIndex.builder().indexName(name).keySchema(keys).projection(projection).build();
    }

    static GlobalSecondaryIndex gsi(String name, List<KeySchemaElement> keys, Projection projection, long read,
            long write) {
        return GlobalSecondaryIndex.builder().indexName(name).keySchema(keys).projection(projection)
                .provisionedThroughput(t -> t.readCapacityUnits(read).writeCapacityUnits(write)).build();
    }

    /** Creates the shared indexed table and waits until it is ACTIVE; returns its name. */
    protected String indexedTable() {
        String name = uniqueName("ix");
        List<AttributeDefinition> definitions = new ArrayList<>();
        for (String[] attribute : ATTRIBUTES) {
            definitions.add(def(attribute[0], attribute[1]));
        }
        client.createTable(b -> b.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(definitions)
                .keySchema(hash("pk"), range("sk"))
                .localSecondaryIndexes(
                        lsi("byLocal", "lsk", projection(ProjectionType.KEYS_ONLY)),
                        lsi("byLocalInc", "lsk", projection(ProjectionType.INCLUDE, "a")))
                .globalSecondaryIndexes(
                        gsi("byGlobal", List.of(hash("gpk"), range("gsk")), projection(ProjectionType.INCLUDE, "a")),
                        gsi("byGlobalAll", List.of(hash("gpk")), projection(ProjectionType.ALL)),
                        gsi("byGlobalKeys", List.of(hash("gpk"), range("gsk")), projection(ProjectionType.KEYS_ONLY)),
                        gsi("byMatch", List.of(hash("tournament"), hash("venue"), range("round"), range("bracket")),
                                projection(ProjectionType.ALL))));
        track(name);
        client.waiter().waitUntilTableExists(b -> b.tableName(name));
        return name;
    }

    /** Puts an item through PutItem (the engine maintains the indexes: local ones at once, global ones soon). */
    protected void put(String table, Map<String, AttributeValue> item) {
        client.putItem(b -> b.tableName(table).item(item));
    }

    /**
     * Runs a query on a global index until it returns {@code expected} items (global indexes are eventually
     * consistent), at most five seconds; returns the last response.
     */
    protected QueryResponse awaitQuery(int expected, Supplier<QueryResponse> query) {
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
