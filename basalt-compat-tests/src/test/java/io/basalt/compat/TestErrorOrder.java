package io.basalt.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Which error DynamoDB reports when a request has several problems, and how it aggregates constraint violations
 * (docs/design/error-texts.md). Expected texts are live captures of October 2026 (paritysuite/dynamodb-conformance,
 * tests/tier3/validation-ordering) unless a comment says otherwise.
 */
class TestErrorOrder extends CompatTestSupport {
    private static final String ENUM_RCC = "Value 'BOGUS' at 'returnConsumedCapacity' failed to satisfy constraint: "
            + "Member must satisfy enum value set: [INDEXES, TOTAL, NONE]";
    private static final String ENUM_RICM = "Value 'BOGUS2' at 'returnItemCollectionMetrics' failed to satisfy "
            + "constraint: Member must satisfy enum value set: [SIZE, NONE]";
    private static final String MAP_KEYS = "Map keys must satisfy constraint: [Member must have length less than or "
            + "equal to 255, Member must have length greater than or equal to 3, Member must satisfy regular "
            + "expression pattern: [a-zA-Z0-9_.-]+]";

    private String table;
    private String stringRangeTable;

    @BeforeAll
    void createTables() {
        table = hashTable();
        stringRangeTable = uniqueName("ss");
        createTable(stringRangeTable, "pk", ScalarAttributeType.S, "sk", ScalarAttributeType.S,
                BillingMode.PAY_PER_REQUEST);
    }

    private static List<WriteRequest> put(String pk) {
        return List.of(WriteRequest.builder().putRequest(PutRequest.builder().item(item("pk", s(pk))).build())
                .build());
    }

    @Test
    void batchWriteItemReportsAMalformedTableNameWithTheMapKeysConstraint() {
        DynamoDbException error = catchValidation(() -> client.batchWriteItem(b -> b.requestItems(Map.of(
                "bad!name", put("x")))));
        // DynamoDB echoes the map in its Java form, which differs by region; the constraint after it is exact
        // (the pattern is the conformance suite's, tests/tier3/error-messages/batchWriteItem.test.ts).
        assertThat(error.awsErrorDetails().errorMessage()).matches("1 validation error detected: Value "
                + "'\\{bad!name=\\[WriteRequest\\(putRequest=PutRequest\\(item=\\{pk=.+\\}.*\\)\\]\\}' at "
                + "'requestItems' failed to satisfy constraint: " + java.util.regex.Pattern.quote(MAP_KEYS));
    }

    @Test
    void batchWriteItemReportsAnEmptyRequestListWithTheMapValueConstraint() {
        assertValidation("1 validation error detected: Value '{" + table + "=[]}' at 'requestItems' failed to "
                + "satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal "
                + "to 25, Member must have length greater than or equal to 1]",
                () -> client.batchWriteItem(b -> b.requestItems(Map.of(table, List.of()))));
    }

    @Test
    void batchWriteItemReportsAnEnumAloneOverAMalformedTableName() {
        assertValidation("1 validation error detected: " + ENUM_RCC, () -> client.batchWriteItem(b -> b
                .requestItems(Map.of("bad!name", put("x"))).returnConsumedCapacity("BOGUS")));
    }

    @Test
    void batchWriteItemAggregatesBothEnumsInMemberOrder() {
        assertValidation("2 validation errors detected: " + ENUM_RCC + "; " + ENUM_RICM,
                () -> client.batchWriteItem(b -> b.requestItems(Map.of(table, put("both")))
                        .returnConsumedCapacity("BOGUS").returnItemCollectionMetrics("BOGUS2")));
        assertThat(client.getItem(b -> b.tableName(table).key(item("pk", s("both"))).consistentRead(true))
                .hasItem()).isFalse();
    }

    @Test
    void batchGetItemReportsTheMalformedTableNameBeforeTheEnum() {
        assertValidation("2 validation errors detected: Value '{\"bad!name\":{\"Keys\":[{\"pk\":{\"S\":\"a\"}}]}}' "
                + "at 'requestItems' failed to satisfy constraint: " + MAP_KEYS + "; " + ENUM_RCC,
                () -> client.batchGetItem(b -> b.requestItems(Map.of("bad!name", KeysAndAttributes.builder()
                        .keys(item("pk", s("a"))).build())).returnConsumedCapacity("BOGUS")));
    }

    @Test
    void batchGetItemRefusesProjectionStylesMixedAcrossTables() {
        assertValidation("Can not use both expression and non-expression parameters in the same request: "
                + "Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}",
                () -> client.batchGetItem(b -> b.requestItems(Map.of(
                        table, KeysAndAttributes.builder().keys(item("pk", s("a"))).projectionExpression("pk").build(),
                        stringRangeTable, KeysAndAttributes.builder().keys(item("pk", s("a"), "sk", s("b")))
                                .attributesToGet("pk").build()))));
    }

    /**
     * Several violations are listed in the order of a java.util.HashMap of the request's member names, which is
     * neither the model's order nor alphabetical (RequestMembers).
     */
    @Test
    void updateItemListsViolationsInDynamoDbsMemberOrder() {
        String emptyName = "Value '' at 'tableName' failed to satisfy constraint: Member must have length greater "
                + "than or equal to 1";
        String noKey = "Value null at 'key' failed to satisfy constraint: Member must not be null";
        Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> values = Map.of(":a", s("x"));
        assertValidation("2 validation errors detected: " + emptyName + "; " + noKey, () -> client.updateItem(b -> b
                .tableName("").updateExpression("SET a = :a").expressionAttributeValues(values)));
        assertValidation("4 validation errors detected: Value 'INVALID' at 'returnConsumedCapacity' failed to "
                + "satisfy constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]; " + emptyName
                + "; Value 'INVALID' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value "
                + "set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]; " + noKey,
                () -> client.updateItem(b -> b.tableName("").updateExpression("SET a = :a")
                        .expressionAttributeValues(values).returnConsumedCapacity("INVALID").returnValues("INVALID")));
        assertValidation("2 validation errors detected: Value 'XOR' at 'conditionalOperator' failed to satisfy "
                + "constraint: Member must satisfy enum value set: [OR, AND]; " + noKey,
                () -> client.updateItem(b -> b.tableName("absent-upd-nokey")
                        .attributeUpdates(Map.of("x", software.amazon.awssdk.services.dynamodb.model
                                .AttributeValueUpdate.builder().action("PUT").value(s("1")).build()))
                        .expected(Map.of("a", software.amazon.awssdk.services.dynamodb.model.ExpectedAttributeValue
                                .builder().exists(false).build(), "b", software.amazon.awssdk.services.dynamodb
                                .model.ExpectedAttributeValue.builder().exists(false).build()))
                        .conditionalOperator("XOR")));
    }

    @Test
    void queryReportsAnUnknownConditionalOperatorAloneBeforeSelect() {
        assertValidation("Failed to satisfy constraint: Member must satisfy enum value set: [ALL, OR]",
                () -> client.query(b -> b.tableName("absent-query-xor")
                        .keyConditions(Map.of("pk", software.amazon.awssdk.services.dynamodb.model.Condition.builder()
                                .comparisonOperator("EQ").attributeValueList(s("a")).build()))
                        .queryFilter(Map.of(
                                "b", software.amazon.awssdk.services.dynamodb.model.Condition.builder()
                                        .comparisonOperator("NULL").build(),
                                "c", software.amazon.awssdk.services.dynamodb.model.Condition.builder()
                                        .comparisonOperator("NULL").build()))
                        .conditionalOperator("XOR").select("BOGUS")));
    }

    @Test
    void keyConditionClausesAreCheckedInTheOrderWritten() {
        String operand = "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator "
                + "or function: begins_with, operand type: N";
        String undefined = "Invalid KeyConditionExpression: An expression attribute value used in expression is not "
                + "defined; attribute value: :missing";
        assertValidation(undefined, () -> query(stringRangeTable, "pk = :missing AND begins_with(sk, :n)",
                Map.of(":n", n("1"))));
        assertValidation(operand, () -> query(stringRangeTable, "begins_with(sk, :n) AND pk = :missing",
                Map.of(":n", n("1"))));
        assertValidation(operand, () -> query(stringRangeTable, "pk = :p AND begins_with(sk, :n) AND sk = :missing",
                Map.of(":p", s("q"), ":n", n("1"))));
        // Operand types come before the count of conditions and before the table lookup.
        assertValidation(operand, () -> query(stringRangeTable, "pk = :p AND begins_with(sk, :n) AND sk > :s",
                Map.of(":p", s("q"), ":n", n("1"), ":s", s("a"))));
        assertValidation(operand, () -> query("absent-table-kce", "pk = :p AND begins_with(sk, :n)",
                Map.of(":p", s("q"), ":n", n("1"))));
        assertError(ResourceNotFoundException.class, "ResourceNotFoundException", "Requested resource not found",
                () -> query("absent-table-kce", "pk = :p AND begins_with(sk, :s)", Map.of(":p", s("q"),
                        ":s", s("a"))));
    }

    private void query(String tableName, String condition, Map<String, software.amazon.awssdk.services.dynamodb
            .model.AttributeValue> values) {
        client.query(b -> b.tableName(tableName).keyConditionExpression(condition).expressionAttributeValues(values));
    }

    @Test
    void createTableListsGlobalIndexErrorsBeforeLocalOnes() {
        String expected = "2 validation errors detected: Value 'zz' at 'globalSecondaryIndexes.1.member.indexName' "
                + "failed to satisfy constraint: Member must have length greater than or equal to 3; Value 'aa' at "
                + "'localSecondaryIndexes.1.member.indexName' failed to satisfy constraint: Member must have length "
                + "greater than or equal to 3";
        assertValidation(expected, () -> client.createTable(b -> b.tableName(uniqueName("idx"))
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(definition("pk"), definition("sk"), definition("lr"), definition("gh"))
                .keySchema(key("pk", "HASH"), key("sk", "RANGE"))
                .localSecondaryIndexes(LocalSecondaryIndex.builder().indexName("aa")
                        .keySchema(key("pk", "HASH"), key("lr", "RANGE"))
                        .projection(p -> p.projectionType(ProjectionType.ALL)).build())
                .globalSecondaryIndexes(GlobalSecondaryIndex.builder().indexName("zz").keySchema(key("gh", "HASH"))
                        .projection(p -> p.projectionType(ProjectionType.ALL)).build())));
    }

    @Test
    void createTableRefusesTheSameKeyAttributeTwice() {
        assertValidation("Invalid KeySchema: Both the Hash Key and the Range Key element in the KeySchema have the "
                + "same name", () -> client.createTable(b -> b.tableName(uniqueName("dup"))
                        .billingMode(BillingMode.PAY_PER_REQUEST).attributeDefinitions(definition("pk"))
                        .keySchema(key("pk", "HASH"), key("pk", "RANGE"))));
    }

    private static AttributeDefinition definition(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, String type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }

    private static DynamoDbException catchValidation(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        DynamoDbException error = org.assertj.core.api.Assertions.catchThrowableOfType(DynamoDbException.class, call);
        assertThat(error).isNotNull();
        assertThat(error.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
        return error;
    }
}
