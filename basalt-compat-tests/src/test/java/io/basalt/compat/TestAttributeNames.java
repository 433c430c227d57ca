package io.basalt.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeAction;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.AttributeValueUpdate;
import software.amazon.awssdk.services.dynamodb.model.ExpectedAttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Attribute names: 1 to 65,535 UTF-8 bytes at any depth, longer ones refused with DynamoDB's message rather than
 * by the JSON parser; empty top-level names refused; requests nested past the 32-level limit get DynamoDB's
 * validation errors, not a SerializationException (docs/design/error-texts.md).
 */
class TestAttributeNames extends CompatTestSupport {
    private static final String ENVELOPE = "1 validation error detected: ";
    /** ExtendDB issue #365, measured against DynamoDB in September 2026. */
    private static final String TOO_LARGE = "Attribute name is too large, must be less than 65536 bytes";
    private static final String NEST = "Nesting Levels have exceeded supported limits: Attributes in the item have "
            + "nested levels beyond supported limit";
    private static final String EMPTY_NAME = "Empty attribute name";

    private String table;

    @BeforeAll
    void createTables() {
        table = hashTable();
    }

    private Map<String, AttributeValue> get(String pk) {
        return client.getItem(b -> b.tableName(table).key(item("pk", s(pk))).consistentRead(true)).item();
    }

    @Test
    void namesUpTo65535BytesAreStoredAtAnyDepth() {
        String longest = repeat('n', 65_535);
        String wide = "\u00e9".repeat(30_000);
        client.putItem(b -> b.tableName(table).item(item("pk", s("long"), longest, n("1"), wide, s("w"),
                "m", AttributeValue.fromM(Map.of(longest, s("nested"))))));
        Map<String, AttributeValue> got = get("long");
        assertThat(got.get(longest).n()).isEqualTo("1");
        assertThat(got.get(wide).s()).isEqualTo("w");
        assertThat(got.get("m").m()).containsKey(longest);
        // Past Jackson's default limit of 50,000 characters, used as an expression attribute name.
        String past = repeat('p', 60_000);
        client.updateItem(b -> b.tableName(table).key(item("pk", s("long"))).updateExpression("SET #n = :v")
                .expressionAttributeNames(Map.of("#n", past)).expressionAttributeValues(Map.of(":v", n("2"))));
        assertThat(get("long").get(past).n()).isEqualTo("2");
    }

    @Test
    void namesOfMoreThan65535BytesAreRefused() {
        String tooLong = repeat('n', 65_536);
        String tooWide = "\u00e9".repeat(32_768);
        assertValidation(ENVELOPE + TOO_LARGE, () -> client.putItem(b -> b.tableName(table)
                .item(item("pk", s("x"), tooLong, n("1")))));
        assertValidation(ENVELOPE + TOO_LARGE, () -> client.putItem(b -> b.tableName(table)
                .item(item("pk", s("x"), tooWide, n("1")))));
        assertValidation(ENVELOPE + TOO_LARGE, () -> client.putItem(b -> b.tableName(table)
                .item(item("pk", s("x"), "m", AttributeValue.fromM(Map.of(tooLong, s("v")))))));
        assertValidation(ENVELOPE + TOO_LARGE, () -> client.updateItem(b -> b.tableName(table)
                .key(item("pk", s("x"))).updateExpression("SET doc = :v")
                .expressionAttributeValues(Map.of(":v", AttributeValue.fromM(Map.of(tooLong, s("v")))))));
        assertValidation(ENVELOPE + TOO_LARGE, () -> client.updateItem(b -> b.tableName(table)
                .key(item("pk", s("x"))).updateExpression("SET #n = :v")
                .expressionAttributeNames(Map.of("#n", tooLong)).expressionAttributeValues(Map.of(":v", n("1")))));
        assertThat(get("x")).isEmpty();
    }

    @Test
    void emptyTopLevelNamesAreRefused() {
        assertValidation(EMPTY_NAME, () -> client.transactWriteItems(b -> b.transactItems(TransactWriteItem.builder()
                .put(p -> p.tableName(table).item(item("pk", s("e"), "", s("x")))).build())));
        assertValidation(ENVELOPE + EMPTY_NAME, () -> client.putItem(b -> b.tableName(table)
                .item(item("pk", s("e"), "", s("x")))));
        assertValidation(EMPTY_NAME, () -> client.batchWriteItem(b -> b.requestItems(Map.of(table,
                List.of(WriteRequest.builder().putRequest(PutRequest.builder()
                        .item(item("pk", s("e"), "", s("x"))).build()).build())))));
        assertThat(get("e")).isEmpty();
    }

    @Test
    void emptyExpressionAttributeNamesAreRefused() {
        String message = "ExpressionAttributeNames contains invalid value: Empty attribute name for key #e";
        // Enveloped in UpdateItem like its other request errors (docs/design/error-texts.md), bare in Query.
        assertValidation(ENVELOPE + message, () -> client.updateItem(b -> b.tableName(table).key(item("pk", s("en")))
                .updateExpression("SET #e = :v").expressionAttributeNames(Map.of("#e", ""))
                .expressionAttributeValues(Map.of(":v", n("1")))));
        assertValidation(message, () -> client.query(b -> b.tableName(table).keyConditionExpression("pk = :p")
                .filterExpression("attribute_exists(#e)").expressionAttributeNames(Map.of("#e", ""))
                .expressionAttributeValues(Map.of(":p", s("en")))));
        assertThat(get("en")).isEmpty();
    }

    private static AttributeValue deep(int depth) {
        AttributeValue value = s("leaf");
        for (int i = 0; i < depth; i++) {
            value = AttributeValue.fromM(Map.of("n", value));
        }
        return value;
    }

    private static TransactWriteItem putOf(String tableName, Map<String, AttributeValue> item) {
        return TransactWriteItem.builder().put(p -> p.tableName(tableName).item(item)).build();
    }

    @Test
    void deeplyNestedRequestsGetValidationErrorsInDynamoDbsOrder() {
        String absent = "absent-deep-order";
        assertValidation(NEST, () -> client.transactWriteItems(b -> b.transactItems(
                putOf(absent, item("pk", s("b"), "d", deep(40))),
                putOf(absent, item("pk", s("a"), "", s("x"))))));
        assertValidation(EMPTY_NAME, () -> client.transactWriteItems(b -> b.transactItems(
                putOf(absent, item("pk", s("a"), "", s("x"))),
                putOf(absent, item("pk", s("b"), "d", deep(100))))));
        assertValidation(EMPTY_NAME, () -> client.transactWriteItems(b -> b.transactItems(
                putOf(absent, item("pk", s("a"), "", s("x"), "d", deep(100))))));
        assertValidation(EMPTY_NAME, () -> client.transactWriteItems(b -> b.transactItems(
                putOf(absent, item("pk", s("a"), "d", deep(100), "", s("x"))))));
        // A value nested 100 levels is parsed and refused for its depth, not as unreadable JSON.
        assertValidation(ENVELOPE + NEST, () -> client.putItem(b -> b.tableName(table)
                .item(item("pk", s("deep"), "d", deep(100)))));
    }

    /**
     * Past about 62 levels DynamoDB's single-item writes read ConditionalOperator and ReturnValues in an older form
     * and report them ahead of the nesting error (CS validation-ordering/deepRequests.test.ts, eu-west-2 and
     * us-east-1, 2026-10-09). Every table here is absent: each answer comes before the table is looked up.
     */
    @Test
    void pastSixtyTwoLevelsSingleItemWritesReportTheirEnumsFirst() {
        String absent = "absent-deep-enums";
        Map<String, AttributeValue> key = item("pk", s("a"), "sk", s("1"));
        String xorOlder = ENVELOPE + "Value 'XOR' at 'conditionalOperator' failed to satisfy constraint: Member must "
                + "satisfy enum value set: [OR, AND]";
        Map<String, ExpectedAttributeValue> expected = Map.of(
                "a", ExpectedAttributeValue.builder().value(deep(100)).build(),
                "b", ExpectedAttributeValue.builder().exists(false).build());
        assertValidation(xorOlder, () -> client.putItem(b -> b.tableName(absent).item(key).expected(expected)
                .conditionalOperator("XOR")));
        assertValidation(xorOlder, () -> client.updateItem(b -> b.tableName(absent).key(key)
                .attributeUpdates(Map.of("x", AttributeValueUpdate.builder().action(AttributeAction.PUT)
                        .value(s("1")).build()))
                .expected(expected).conditionalOperator("XOR")));

        String returnValuesOlder = ENVELOPE + "Value 'BOGUS' at 'returnValues' failed to satisfy constraint: Member "
                + "must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]";
        assertValidation(returnValuesOlder, () -> client.deleteItem(b -> b.tableName(absent).key(key)
                .conditionExpression("#d = :deep").expressionAttributeNames(Map.of("#d", "d"))
                .expressionAttributeValues(Map.of(":deep", deep(63))).returnValues("BOGUS")));
        assertValidation(returnValuesOlder, () -> client.deleteItem(b -> b.tableName(absent).key(key)
                .expected(Map.of("d", ExpectedAttributeValue.builder().value(deep(63)).build()))
                .returnValues("BOGUS")));
        assertValidation(returnValuesOlder, () -> client.deleteItem(b -> b.tableName(absent)
                .key(item("pk", deep(100), "sk", s("1"))).returnValues("BOGUS")));
        // UPDATED_NEW, a valid value DeleteItem cannot use, gets its message bare, ahead of the nesting error.
        assertValidation("ReturnValues can only be ALL_OLD or NONE", () -> client.deleteItem(b -> b.tableName(absent)
                .key(key).conditionExpression("#d = :deep").expressionAttributeNames(Map.of("#d", "d"))
                .expressionAttributeValues(Map.of(":deep", deep(100))).returnValues(ReturnValue.UPDATED_NEW)));
    }
}
