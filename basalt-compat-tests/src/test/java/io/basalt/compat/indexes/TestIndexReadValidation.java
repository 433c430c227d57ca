package io.basalt.compat.indexes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.model.ComparisonOperator;
import software.amazon.awssdk.services.dynamodb.model.Condition;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.Select;

/**
 * Query and Scan with IndexName: every refusal, with DynamoDB's exact type and message (docs/design/index-reads.md
 * says where each comes from). None needs data in the indexes.
 */
class TestIndexReadValidation extends IndexTestSupport {
    private String table;

    @BeforeAll
    void createTable() {
        table = indexedTable();
    }

    static Stream<Arguments> queries() {
        return Stream.of(
                query("unknown index", "The table does not have the specified index: nope",
                        b -> b.indexName("nope").keyConditionExpression("pk = :p").expressionAttributeValues(
                                values(":p", s("x")))),
                query("consistent read on a global index",
                        "Consistent reads are not supported on global secondary indexes",
                        b -> global(b).consistentRead(true)),
                query("ALL_ATTRIBUTES on an INCLUDE global index", "One or more parameter values were invalid: "
                        + "Select type ALL_ATTRIBUTES is not supported for global secondary index byGlobal because its "
                        + "projection type is not ALL", b -> global(b).select(Select.ALL_ATTRIBUTES)),
                query("ALL_ATTRIBUTES on a KEYS_ONLY global index", "One or more parameter values were invalid: "
                        + "Select type ALL_ATTRIBUTES is not supported for global secondary index byGlobalKeys because "
                        + "its projection type is not ALL",
                        b -> global(b).indexName("byGlobalKeys").select(Select.ALL_ATTRIBUTES)),
                query("projection of attributes a global index does not hold", "One or more parameter values were "
                        + "invalid: Global secondary index byGlobal does not project [b, c]",
                        b -> global(b).projectionExpression("a, b, gsk, c")),
                query("AttributesToGet of attributes a global index does not hold", "One or more parameter values "
                        + "were invalid: Global secondary index byGlobalKeys does not project [a]",
                        b -> b.indexName("byGlobalKeys").attributesToGet("pk", "a").keyConditions(Map.of("gpk",
                                Condition.builder().comparisonOperator(ComparisonOperator.EQ)
                                        .attributeValueList(s("g")).build()))),
                query("the table's partition key instead of the index's",
                        "Query condition missed key schema element: gpk",
                        keys("byGlobal", "pk = :p", ":p", s("x"))),
                query("a condition on an attribute that is not the index sort key",
                        "Query condition missed key schema element: gsk",
                        keys("byGlobal", "gpk = :p AND sk > :v", ":p", s("x"), ":v", n("1"))),
                query("a local index is keyed by its own sort key",
                        "Query condition missed key schema element: lsk",
                        keys("byLocal", "pk = :p AND sk > :v", ":p", s("x"), ":v", n("1"))),
                query("index sort key value of the wrong type",
                        "One or more parameter values were invalid: Condition parameter type does not match schema "
                                + "type",
                        keys("byGlobal", "gpk = :p AND gsk = :v", ":p", s("x"), ":v", s("1"))),
                query("multi-attribute key: one partition key attribute missing",
                        "Query condition missed key schema element: venue",
                        keys("byMatch", "tournament = :t", ":t", s("w"))),
                query("multi-attribute key: a sort key attribute skipped",
                        "RANGE key attributes round must have equality conditions specified in the query because a "
                                + "condition is present on key attribute bracket",
                        keys("byMatch", "tournament = :t AND venue = :r AND bracket > :b", ":t", s("w"), ":r",
                                s("eu"), ":b", n("1"))),
                query("multi-attribute key: a range condition before the last sort key attribute",
                        "RANGE key attributes round must have equality conditions specified in the query because a "
                                + "condition is present on key attribute bracket",
                        keys("byMatch", "tournament = :t AND venue = :r AND round > :x AND bracket = :b", ":t",
                                s("w"), ":r", s("eu"), ":x", s("q"), ":b", n("1"))),
                query("multi-attribute key: a range condition on a partition key attribute",
                        "Query key condition not supported",
                        keys("byMatch", "tournament = :t AND venue > :r", ":t", s("w"), ":r", s("eu"))),
                query("filter on the index sort key",
                        "Filter Expression can only contain non-primary key attributes: Primary key attribute: gsk",
                        b -> global(b).filterExpression("gsk > :v").expressionAttributeValues(values(":p", s("g"),
                                ":v", n("1")))),
                query("starting key without the index key",
                        "The provided starting key is invalid",
                        b -> global(b).exclusiveStartKey(item("pk", s("a"), "sk", n("1")))),
                query("starting key with an index key of the wrong type",
                        "The provided starting key is invalid: The provided key element does not match the schema",
                        b -> global(b).exclusiveStartKey(item("pk", s("a"), "sk", n("1"), "gpk", s("g"),
                                "gsk", s("1")))),
                query("starting key in another index partition",
                        "The provided starting key is outside query boundaries based on provided conditions",
                        b -> global(b).exclusiveStartKey(item("pk", s("a"), "sk", n("1"), "gpk", s("hue"),
                                "gsk", n("1")))));
    }

    private static QueryRequest.Builder global(QueryRequest.Builder b) {
        return b.indexName("byGlobal").keyConditionExpression("gpk = :p")
                .expressionAttributeValues(values(":p", s("g")));
    }

    /** A query of {@code index} with this key condition and these expression attribute values. */
    private static Consumer<QueryRequest.Builder> keys(String index, String condition, Object... values) {
        return b -> b.indexName(index).keyConditionExpression(condition).expressionAttributeValues(values(values));
    }

    private static Arguments query(String name, String message, Consumer<QueryRequest.Builder> request) {
        return Arguments.of(name, message, request);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("queries")
    void queryRefusal(String name, String message, Consumer<QueryRequest.Builder> request) {
        assertValidation(message, () -> client.query(b -> request.accept(b.tableName(table))));
    }

    static Stream<Arguments> scans() {
        return Stream.of(
                Arguments.of("unknown index", "The table does not have the specified index: nope",
                        (Consumer<ScanRequest.Builder>) b -> b.indexName("nope")),
                Arguments.of("unknown index with a starting key", "The provided starting key is invalid",
                        (Consumer<ScanRequest.Builder>) b -> b.indexName("nope")
                                .exclusiveStartKey(item("pk", s("a"), "sk", n("1")))),
                Arguments.of("consistent read on a global index",
                        "Consistent reads are not supported on global secondary indexes",
                        (Consumer<ScanRequest.Builder>) b -> b.indexName("byGlobalAll").consistentRead(true)),
                Arguments.of("ALL_ATTRIBUTES on a KEYS_ONLY global index", "One or more parameter values were "
                        + "invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index "
                        + "byGlobalKeys because its projection type is not ALL",
                        (Consumer<ScanRequest.Builder>) b -> b.indexName("byGlobalKeys")
                                .select(Select.ALL_ATTRIBUTES)),
                Arguments.of("projection of attributes a global index does not hold", "One or more parameter "
                        + "values were invalid: Global secondary index byGlobalKeys does not project [a]",
                        (Consumer<ScanRequest.Builder>) b -> b.indexName("byGlobalKeys")
                                .projectionExpression("pk, a")),
                Arguments.of("starting key without the index key", "The provided starting key is invalid",
                        (Consumer<ScanRequest.Builder>) b -> b.indexName("byLocal")
                                .exclusiveStartKey(item("pk", s("a"), "sk", n("1")))),
                Arguments.of("starting key with an extra attribute", "The provided starting key is invalid",
                        (Consumer<ScanRequest.Builder>) b -> b.indexName("byLocal").exclusiveStartKey(
                                item("pk", s("a"), "sk", n("1"), "lsk", s("l"), "x", s("y")))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scans")
    void scanRefusal(String name, String message, Consumer<ScanRequest.Builder> request) {
        assertValidation(message, () -> client.scan(b -> request.accept(b.tableName(table))));
    }

    @Test
    void readsThatAreAllowed() {
        // Strongly consistent reads and every Select work on local indexes; a global index projecting ALL gives
        // ALL_ATTRIBUTES; ALL_PROJECTED_ATTRIBUTES is the default for any index.
        client.query(b -> b.tableName(table).indexName("byLocal").consistentRead(true).select(Select.ALL_ATTRIBUTES)
                .keyConditionExpression("pk = :p").expressionAttributeValues(values(":p", s("x"))));
        client.query(b -> b.tableName(table).indexName("byGlobalAll").select(Select.ALL_ATTRIBUTES)
                .keyConditionExpression("gpk = :p").expressionAttributeValues(values(":p", s("x"))));
        client.query(b -> global(b.tableName(table)).select(Select.ALL_PROJECTED_ATTRIBUTES));
        client.query(b -> global(b.tableName(table)).filterExpression("sk > :v")
                .expressionAttributeValues(values(":p", s("g"), ":v", n("1"))));
        client.scan(b -> b.tableName(table).indexName("byLocalInc").consistentRead(true).projectionExpression("b"));
        // Legacy KeyConditions may name every attribute of a multi-attribute key.
        Map<String, Condition> conditions = Map.of(
                "tournament", eq(s("w")), "venue", eq(s("eu")), "round", eq(s("q")),
                "bracket", Condition.builder().comparisonOperator(ComparisonOperator.GT)
                        .attributeValueList(n("1")).build());
        assertThat(client.query(b -> b.tableName(table).indexName("byMatch").keyConditions(conditions)).count())
                .isZero();
    }

    @Test
    void indexBeingDroppedIsNotReadable() {
        String dropped = indexedTable();
        client.updateTable(b -> b.tableName(dropped).globalSecondaryIndexUpdates(update -> update
                .delete(delete -> delete.indexName("byGlobalKeys"))));
        assertValidation("The table does not have the specified index: byGlobalKeys",
                () -> client.query(b -> b.tableName(dropped).indexName("byGlobalKeys")
                        .keyConditionExpression("gpk = :p").expressionAttributeValues(values(":p", s("x")))));
    }

    @Test
    void indexBeingBackfilledIsNotReadable() {
        assumeBasalt();
        String name = indexedTable();
        for (int i = 0; i < 20; i++) {
            int number = i;
            client.putItem(b -> b.tableName(name).item(item("pk", s("p" + number), "sk", n("1"), "hue", s("o"))));
        }
        // Basalt's deliberate propagation delay also holds a backfill back: the index stays CREATING meanwhile.
        assertThat(admin("/_basalt/index-propagation", "{\"Mode\":\"ASYNCHRONOUS\",\"DelayMillis\":600000}")
                .statusCode()).isEqualTo(200);
        try {
            client.updateTable(b -> b.tableName(name).attributeDefinitions(def("pk", "S"), def("hue", "S"))
                    .globalSecondaryIndexUpdates(update -> update.create(create -> create.indexName("byOther")
                            .keySchema(hash("hue")).projection(projection(ProjectionType.ALL)))));
            assertValidation("Cannot read from backfilling global secondary index: byOther",
                    () -> client.query(b -> b.tableName(name).indexName("byOther")
                            .keyConditionExpression("hue = :o").expressionAttributeValues(values(":o", s("o")))));
            assertValidation("Cannot read from backfilling global secondary index: byOther",
                    () -> client.scan(b -> b.tableName(name).indexName("byOther")));
        } finally {
            admin("/_basalt/index-propagation", "{\"Mode\":\"ASYNCHRONOUS\"}");
        }
    }

    private static Condition eq(software.amazon.awssdk.services.dynamodb.model.AttributeValue value) {
        return Condition.builder().comparisonOperator(ComparisonOperator.EQ).attributeValueList(value).build();
    }
}
