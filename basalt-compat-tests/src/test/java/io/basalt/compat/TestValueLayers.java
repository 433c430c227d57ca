package io.basalt.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.Condition;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * DynamoDB's two value checkers and the operations that run each (docs/design/error-texts.md): the current layer
 * (PutItem, UpdateItem, DeleteItem inside the {@code 1 validation error detected: } envelope; GetItem, BatchGetItem
 * and Query bare) and the older layer (BatchWriteItem, transactions and Scan, bare, with expression values
 * wrapped). The expected texts are live captures of October 2026 (paritysuite/dynamodb-conformance,
 * tests/tier3/error-messages/valueLayers.test.ts and limits/numberExponent.test.ts).
 */
class TestValueLayers extends CompatTestSupport {
    private static final String ENVELOPE = "1 validation error detected: ";
    private static final String OVERFLOW =
            "Number overflow. Attempting to store a number with magnitude larger than supported range";
    private static final String UNDERFLOW =
            "Number underflow. Attempting to store a number with magnitude smaller than supported range";
    private static final String NOT_NUMERIC = "The parameter cannot be converted to a numeric value";
    private static final String INVALID = "One or more parameter values were invalid: ";

    /** The shapes every surface is sent: a non-number, an empty string, an overflow, an exponent at an int's edge. */
    private static final List<String> SHAPES = List.of("abc", "", "1e126", "1e2147483647");
    private static final List<String> CURRENT = List.of(NOT_NUMERIC + ": abc", NOT_NUMERIC + ": ", OVERFLOW,
            OVERFLOW);
    private static final List<String> OLDER = List.of(NOT_NUMERIC + ": abc", NOT_NUMERIC, OVERFLOW, UNDERFLOW);

    private static final AttributeValue DUPLICATE_SS = AttributeValue.fromSs(List.of("b", "a", "b"));
    private static final AttributeValue DUPLICATE_BS = AttributeValue.fromBs(List.of(
            SdkBytes.fromByteArray(new byte[] {(byte) 0xff}), SdkBytes.fromByteArray(new byte[] {0}),
            SdkBytes.fromByteArray(new byte[] {0})));
    private static final AttributeValue DUPLICATE_NS = AttributeValue.fromNs(List.of("2", "1", "2"));
    private static final List<AttributeValue> DUPLICATES = List.of(DUPLICATE_SS, DUPLICATE_BS, DUPLICATE_NS);
    private static final List<String> DUPLICATES_CURRENT = List.of(
            INVALID + "Input collection [\"a\", \"b\", \"b\"] contains duplicates.",
            INVALID + "Input collection [\"AA==\",\"/w==\",\"AA==\"]of type BS contains duplicates.",
            INVALID + "Input collection contains duplicates.");
    private static final List<String> DUPLICATES_OLDER = List.of(
            INVALID + "Input collection [b, a, b] contains duplicates.",
            INVALID + "Input collection [/w==, AA==, AA==]of type BS contains duplicates.",
            "Input collection contains duplicates");

    private String table;
    private String numberTable;

    @BeforeAll
    void createTables() {
        table = hashTable();
        numberTable = uniqueName("num");
        createTable(numberTable, "pk", ScalarAttributeType.N, null, null, BillingMode.PAY_PER_REQUEST);
    }

    private static AttributeValue number(String text) {
        return AttributeValue.fromN(text);
    }

    private static String forKey(String message, String key) {
        return "ExpressionAttributeValues contains invalid value: " + message + " for key " + key;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "1e99999999999|O", "-1e99999999999|O", "1e-99999999999|U", "1e2147483648|O", "1e2147483647|O",
        "1e-2147483648|U", "0e126|O", "0e-131|U"})
    void exponentsPastAnIntOverflowOrUnderflow(String text, String kind) {
        String message = kind.equals("O") ? OVERFLOW : UNDERFLOW;
        assertValidation(ENVELOPE + message, () -> client.putItem(b -> b.tableName(table)
                .item(item("pk", s("x"), "v", number(text)))));
        assertValidation(message, () -> client.getItem(b -> b.tableName(numberTable)
                .key(item("pk", number(text)))));
    }

    @Test
    void exponentPastALongCannotBeConverted() {
        assertValidation(ENVELOPE + NOT_NUMERIC + ": 1e9223372036854775808", () -> client.putItem(b -> b
                .tableName(table).item(item("pk", s("x"), "v", number("1e9223372036854775808")))));
    }

    @Test
    void zeroWithAnExponentInsideTheRangeIsZero() {
        client.putItem(b -> b.tableName(table).item(item("pk", s("zero"), "v", number("0e125"),
                "w", number("0.0e-129"))));
        Map<String, AttributeValue> got = client.getItem(b -> b.tableName(table).key(item("pk", s("zero")))
                .consistentRead(true)).item();
        assertThat(got.get("v").n()).isEqualTo("0");
        assertThat(got.get("w").n()).isEqualTo("0");
    }

    @Test
    void currentLayerEnvelopesSingleItemWritesWithoutTheValueWrapper() {
        for (int i = 0; i < SHAPES.size(); i++) {
            AttributeValue value = number(SHAPES.get(i));
            String expected = ENVELOPE + CURRENT.get(i);
            assertValidation(expected, () -> client.putItem(b -> b.tableName(table).item(item("pk", s("x")))
                    .conditionExpression("attribute_not_exists(pk) OR n = :v")
                    .expressionAttributeValues(Map.of(":v", value))));
            assertValidation(expected, () -> client.updateItem(b -> b.tableName(table).key(item("pk", s("x")))
                    .updateExpression("SET n = :v").expressionAttributeValues(Map.of(":v", value))));
            assertValidation(expected, () -> client.deleteItem(b -> b.tableName(table).key(item("pk", s("x")))
                    .conditionExpression("n = :v").expressionAttributeValues(Map.of(":v", value))));
            assertValidation(expected, () -> client.putItem(b -> b.tableName(table)
                    .item(item("pk", s("x"), "n", AttributeValue.fromM(Map.of("x",
                            AttributeValue.fromL(List.of(value))))))));
        }
    }

    @Test
    void currentLayerIsBareForGetItemBatchGetItemAndQuery() {
        for (int i = 0; i < SHAPES.size(); i++) {
            AttributeValue value = number(SHAPES.get(i));
            String expected = CURRENT.get(i);
            assertValidation(expected, () -> client.getItem(b -> b.tableName(table).key(item("pk", value))));
            assertValidation(expected, () -> client.batchGetItem(b -> b.requestItems(Map.of(table,
                    KeysAndAttributes.builder().keys(item("pk", value)).build()))));
            assertValidation(expected, () -> client.query(b -> b.tableName(table)
                    .keyConditionExpression("pk = :p").filterExpression("n = :v")
                    .expressionAttributeValues(Map.of(":p", s("x"), ":v", value))));
        }
    }

    @Test
    void olderLayerForBatchWriteItemTransactionsAndScan() {
        for (int i = 0; i < SHAPES.size(); i++) {
            AttributeValue value = number(SHAPES.get(i));
            String expected = OLDER.get(i);
            assertValidation(expected, () -> client.batchWriteItem(b -> b.requestItems(Map.of(table,
                    List.of(WriteRequest.builder().putRequest(PutRequest.builder()
                            .item(item("pk", s("x"), "n", value)).build()).build())))));
            assertValidation(expected, () -> client.transactWriteItems(b -> b.transactItems(TransactWriteItem
                    .builder().put(p -> p.tableName(table).item(item("pk", s("x"), "n", value))).build())));
            assertValidation(forKey(expected, ":v"), () -> client.transactWriteItems(b -> b.transactItems(
                    TransactWriteItem.builder().update(u -> u.tableName(table).key(item("pk", s("x")))
                            .updateExpression("SET n = :v").expressionAttributeValues(Map.of(":v", value)))
                            .build())));
            assertValidation(expected, () -> client.transactGetItems(b -> b.transactItems(TransactGetItem.builder()
                    .get(g -> g.tableName(table).key(item("pk", value))).build())));
            assertValidation(forKey(expected, ":v"), () -> client.scan(b -> b.tableName(table)
                    .filterExpression("n = :v").expressionAttributeValues(Map.of(":v", value))));
            assertValidation(expected, () -> client.scan(b -> b.tableName(table).scanFilter(Map.of("n",
                    Condition.builder().comparisonOperator("EQ").attributeValueList(value).build()))));
        }
    }

    @Test
    void duplicateSetMembersByLayer() {
        for (int i = 0; i < DUPLICATES.size(); i++) {
            AttributeValue set = DUPLICATES.get(i);
            String current = DUPLICATES_CURRENT.get(i);
            String older = DUPLICATES_OLDER.get(i);
            assertValidation(ENVELOPE + current, () -> client.putItem(b -> b.tableName(table)
                    .item(item("pk", s("d"), "s", set))));
            assertValidation(ENVELOPE + current, () -> client.deleteItem(b -> b.tableName(table)
                    .key(item("pk", set))));
            assertValidation(current, () -> client.getItem(b -> b.tableName(table).key(item("pk", set))));
            // Query reports a malformed ExclusiveStartKey value bare, like any other value.
            assertValidation(current, () -> client.query(b -> b.tableName(table).keyConditionExpression("pk = :p")
                    .expressionAttributeValues(Map.of(":p", s("d"))).exclusiveStartKey(item("pk", set))));
            assertValidation(current, () -> client.query(b -> b.tableName(table).keyConditionExpression("pk = :p")
                    .filterExpression("s = :t").expressionAttributeValues(Map.of(":p", s("d"), ":t", set))));
            assertValidation(older, () -> client.batchWriteItem(b -> b.requestItems(Map.of(table,
                    List.of(WriteRequest.builder().putRequest(PutRequest.builder()
                            .item(item("pk", s("d"), "s", set)).build()).build())))));
            assertValidation(older, () -> client.transactGetItems(b -> b.transactItems(TransactGetItem.builder()
                    .get(g -> g.tableName(table).key(item("pk", set))).build())));
        }
    }
}
