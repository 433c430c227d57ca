package io.basalt.compat.reads;

import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ComparisonOperator;
import software.amazon.awssdk.services.dynamodb.model.Condition;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.Select;

/** Query's rejections, with DynamoDB's exact messages (docs/design/query-reference.md §0, §1). */
class TestQueryValidation extends ReadsTestSupport {
    private String table;
    private String hashOnly;

    @BeforeAll
    void createTables() {
        table = rangeTable(ScalarAttributeType.N);
        hashOnly = hashTable();
        load(table, java.util.List.of(item("pk", s("p"), "sk", n("1"), "a", s("x"))));
    }

    private QueryRequest.Builder query(String keyCondition, Object... values) {
        Map<String, AttributeValue> map = new java.util.HashMap<>();
        for (int i = 0; i < values.length; i += 2) {
            map.put((String) values[i], (AttributeValue) values[i + 1]);
        }
        return QueryRequest.builder().tableName(table).keyConditionExpression(keyCondition)
                .expressionAttributeValues(map.isEmpty() ? null : map);
    }

    private void rejects(String message, QueryRequest.Builder request) {
        assertValidation(message, () -> client.query(request.build()));
    }

    private static Condition condition(ComparisonOperator operator, AttributeValue... values) {
        return Condition.builder().comparisonOperator(operator).attributeValueList(values).build();
    }

    @Test
    void keyConditionIsRequired() {
        rejects("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.",
                QueryRequest.builder().tableName(table));
        rejects("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.",
                QueryRequest.builder().tableName(table).filterExpression("a = :a")
                        .expressionAttributeValues(Map.of(":a", s("x"))));
        rejects("Invalid KeyConditionExpression: The expression can not be empty;", query(""));
        rejects("Conditions can be of length 1 or 2 only", QueryRequest.builder().tableName(table)
                .keyConditions(Map.of()));
    }

    @Test
    void keyConditionMustUseTheKeySchema() {
        rejects("Query condition missed key schema element: pk", query("sk = :v", ":v", n("1")));
        rejects("Query key condition not supported", query("pk < :p", ":p", s("p")));
        rejects("Query key condition not supported", QueryRequest.builder().tableName(hashOnly)
                .keyConditionExpression("pk = :p AND sk = :s")
                .expressionAttributeValues(Map.of(":p", s("p"), ":s", n("1"))));
        rejects("KeyConditionExpressions must only contain one condition per key",
                query("pk = :p AND sk >= :a AND sk <= :b", ":p", s("p"), ":a", n("1"), ":b", n("2")));
        rejects("KeyConditionExpressions must only contain one condition per key",
                query("pk = :p AND pk = :p", ":p", s("p")));
        rejects("One or more parameter values were invalid: Condition parameter type does not match schema type",
                query("pk = :p AND sk = :s", ":p", s("p"), ":s", s("1")));
        rejects("One or more parameter values were invalid: Condition parameter type does not match schema type",
                query("pk = :p", ":p", n("1")));
    }


    /** Structural key condition rules; KeyConditions.analyze (basalt-expressions) answers most of them wrongly. */
    @Test
    void keyConditionStructureMessages() {
        rejects("Query condition missed key schema element: pk", query("attr1 = :v", ":v", n("1")));
        rejects("Query condition missed key schema element: sk", query("pk = :p AND a < :a", ":p", s("p"),
                ":a", s("x")));
        rejects("Invalid operator used in KeyConditionExpression: OR", query("pk = :p OR sk = :s", ":p", s("p"),
                ":s", n("1")));
        rejects("Invalid operator used in KeyConditionExpression: NOT", query("NOT pk = :p", ":p", s("p")));
        rejects("Invalid operator used in KeyConditionExpression: attribute_exists",
                query("pk = :p AND attribute_exists(sk)", ":p", s("p")));
        rejects("KeyConditionExpressions cannot contain nested operations", query("pk = :p AND size(sk) = :s",
                ":p", s("p"), ":s", n("1")));
        rejects("Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition",
                query("pk = :p AND sk = a", ":p", s("p")));
        rejects("Invalid condition in KeyConditionExpression: No key attribute specified",
                query("pk = :p AND :a = :b", ":p", s("p"), ":a", n("1"), ":b", n("1")));
        rejects("KeyConditionExpressions cannot have conditions on nested attributes",
                query("pk = :p AND sk.x = :s", ":p", s("p"), ":s", n("1")));
        rejects("Invalid condition in KeyConditionExpression: BETWEEN operator must have the key attribute as its "
                + "first operand", query("pk = :p AND :a BETWEEN sk AND :b", ":p", s("p"), ":a", n("1"),
                        ":b", n("2")));
    }

    @Test
    void keyConditionSyntaxRules() {
        rejects("Invalid KeyConditionExpression: An expression attribute value used in expression is not defined; "
                + "attribute value: :missing", query("pk = :missing"));
        rejects("Invalid KeyConditionExpression: An expression attribute name used in the document path is not "
                + "defined; attribute name: #k", query("#k = :p", ":p", s("p")));
        rejects("Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}",
                query("pk = :p", ":p", s("p")).expressionAttributeNames(Map.of("#unused", "x")));
        rejects("Invalid KeyConditionExpression: The expression has redundant parentheses;",
                query("((pk = :p))", ":p", s("p")));
    }

    @Test
    void betweenBoundsAndBeginsWithTypes() {
        rejects("Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or "
                + "equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound operand: "
                + "AttributeValue: {N:3}", query("pk = :p AND sk BETWEEN :a AND :b", ":p", s("p"), ":a", n("5"),
                        ":b", n("3")));
        rejects("Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or "
                + "function: begins_with, operand type: N", query("pk = :p AND begins_with(sk, :s)", ":p", s("p"),
                        ":s", n("1")));
        rejects("The BETWEEN condition was provided a range where the lower bound is greater than the upper bound",
                QueryRequest.builder().tableName(table).keyConditions(Map.of(
                        "pk", condition(ComparisonOperator.EQ, s("p")),
                        "sk", condition(ComparisonOperator.BETWEEN, n("5"), n("3")))));
    }

    @Test
    void legacyKeyConditions() {
        rejects("Attempted conditional constraint is not an indexable operation",
                QueryRequest.builder().tableName(table).keyConditions(Map.of(
                        "pk", condition(ComparisonOperator.EQ, s("p")),
                        "sk", condition(ComparisonOperator.NE, n("1")))));
        rejects("One or more parameter values were invalid: Invalid number of argument(s) for the EQ "
                + "ComparisonOperator", QueryRequest.builder().tableName(table).keyConditions(Map.of(
                        "pk", condition(ComparisonOperator.EQ))));
        rejects("Conditions can be of length 1 or 2 only", QueryRequest.builder().tableName(table)
                .keyConditions(Map.of("pk", condition(ComparisonOperator.EQ, s("p")),
                        "sk", condition(ComparisonOperator.EQ, n("1")),
                        "a", condition(ComparisonOperator.EQ, s("x")))));
        rejects("Query condition missed key schema element: pk", QueryRequest.builder().tableName(table)
                .keyConditions(Map.of("sk", condition(ComparisonOperator.EQ, n("1")))));
    }

    @Test
    void filterMayNotTestKeyAttributes() {
        rejects("Filter Expression can only contain non-primary key attributes: Primary key attribute: sk",
                query("pk = :p", ":p", s("p"), ":s", n("1")).filterExpression("sk = :s"));
        rejects("Filter Expression can only contain non-primary key attributes: Primary key attribute: pk",
                query("pk = :p", ":p", s("p")).filterExpression("attribute_exists(pk)"));
        rejects("QueryFilter can only contain non-primary key attributes: Primary key attribute: sk",
                QueryRequest.builder().tableName(table).keyConditions(Map.of(
                        "pk", condition(ComparisonOperator.EQ, s("p"))))
                        .queryFilter(Map.of("sk", condition(ComparisonOperator.GT, n("0")))));
        rejects("Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: "
                + "Key: sk", query("pk = :p", ":p", s("p")).projectionExpression("sk.x"));
        rejects("Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite "
                + "one of these paths; path one: [a], path two: [a]", query("pk = :p", ":p", s("p"))
                        .projectionExpression("a, a"));
    }

    @Test
    void selectRulesAreEnveloped() {
        rejects("1 validation error detected: Must specify the AttributesToGet or ProjectionExpression when "
                + "choosing to get SPECIFIC_ATTRIBUTES", query("pk = :p", ":p", s("p"))
                        .select(Select.SPECIFIC_ATTRIBUTES));
        rejects("1 validation error detected: ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an "
                + "IndexName", query("pk = :p", ":p", s("p")).select(Select.ALL_PROJECTED_ATTRIBUTES));
        rejects("1 validation error detected: Cannot specify the ProjectionExpression when choosing to get "
                + "ALL_ATTRIBUTES", query("pk = :p", ":p", s("p")).select(Select.ALL_ATTRIBUTES)
                        .projectionExpression("a"));
        rejects("1 validation error detected: Cannot specify the ProjectionExpression when choosing to get "
                + "ALL_PROJECTED_ATTRIBUTES", query("pk = :p", ":p", s("p")).select(Select.ALL_PROJECTED_ATTRIBUTES)
                        .projectionExpression("a"));
        rejects("1 validation error detected: Cannot specify the ProjectionExpression when choosing to get only "
                + "the Count", query("pk = :p", ":p", s("p")).select(Select.COUNT).projectionExpression("a"));
        QueryRequest.Builder legacy = QueryRequest.builder().tableName(table).keyConditions(Map.of(
                "pk", condition(ComparisonOperator.EQ, s("p")))).attributesToGet("a");
        rejects("1 validation error detected: Cannot specify the AttributesToGet when choosing to get only the "
                + "Count", legacy.copy().select(Select.COUNT));
        rejects("1 validation error detected: Cannot specify the AttributesToGet when choosing to get "
                + "ALL_ATTRIBUTES", legacy.copy().select(Select.ALL_ATTRIBUTES));
        rejects("1 validation error detected: Value 'INVALID_VALUE' at 'select' failed to satisfy constraint: "
                + "Member must satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, "
                + "ALL_PROJECTED_ATTRIBUTES]", query("pk = :p", ":p", s("p")).select("INVALID_VALUE"));
        rejects("One or more parameter values were invalid: Duplicate value in attribute name: a",
                legacy.copy().attributesToGet("a", "a"));
    }

    @Test
    void limitZeroHasNoValueInTheMessage() {
        rejects("1 validation error detected: Value at 'Limit' failed to satisfy constraint: Member must have "
                + "value greater than or equal to 1", query("pk = :p", ":p", s("p")).limit(0));
    }

    @Test
    void exclusiveStartKeyErrors() {
        QueryRequest.Builder request = query("pk = :p AND sk > :s", ":p", s("p"), ":s", n("5"));
        rejects("The provided starting key is invalid", request.copy().exclusiveStartKey(item("bad", s("p"))));
        rejects("The provided starting key is invalid", request.copy().exclusiveStartKey(item("pk", s("p"))));
        rejects("The provided starting key is invalid", request.copy().exclusiveStartKey(
                item("pk", s("p"), "sk", n("6"), "a", s("x"))));
        rejects("The provided starting key is invalid: The provided key element does not match the schema",
                request.copy().exclusiveStartKey(item("pk", s("p"), "sk", s("6"))));
        rejects("The provided starting key is outside query boundaries based on provided conditions",
                request.copy().exclusiveStartKey(item("pk", s("other"), "sk", n("6"))));
        rejects("The provided starting key does not match the range key predicate",
                request.copy().exclusiveStartKey(item("pk", s("p"), "sk", n("5"))));
        rejects("The provided starting key does not match the range key predicate",
                request.copy().exclusiveStartKey(item("pk", s("p"), "sk", n("1"))));
    }

    @Test
    void unknownIndexAndMissingTable() {
        rejects("The table does not have the specified index: idx1", query("pk = :p", ":p", s("p"))
                .indexName("idx1"));
        assertNotFound(() -> client.query(query("pk = :p", ":p", s("p")).tableName("no-such-table").build()));
    }

    @Test
    void expressionAndLegacyParametersDoNotMix() {
        rejects("Can not use both expression and non-expression parameters in the same request: Non-expression "
                + "parameters: {KeyConditions} Expression parameters: {KeyConditionExpression}",
                query("pk = :p", ":p", s("p")).keyConditions(Map.of("pk", condition(ComparisonOperator.EQ,
                        s("p")))));
        rejects("Can not use both expression and non-expression parameters in the same request: Non-expression "
                + "parameters: {AttributesToGet} Expression parameters: {KeyConditionExpression}",
                query("pk = :p", ":p", s("p")).attributesToGet("a"));
        rejects("Can not use both expression and non-expression parameters in the same request: Non-expression "
                + "parameters: {AttributesToGet, QueryFilter} Expression parameters: {ProjectionExpression}",
                QueryRequest.builder().tableName(table).keyConditions(Map.of(
                        "pk", condition(ComparisonOperator.EQ, s("p")))).attributesToGet("a")
                        .queryFilter(Map.of("a", condition(ComparisonOperator.NOT_NULL)))
                        .projectionExpression("a"));
        rejects("ExpressionAttributeNames can only be specified when using expressions",
                QueryRequest.builder().tableName(table).keyConditions(Map.of(
                        "pk", condition(ComparisonOperator.EQ, s("p"))))
                        .expressionAttributeNames(Map.of("#a", "a")));
    }
}
