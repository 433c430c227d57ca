package io.basalt.compat.expressions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeAction;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.AttributeValueUpdate;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ConditionalOperator;
import software.amazon.awssdk.services.dynamodb.model.ExpectedAttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/** The legacy parameters: Expected (+ConditionalOperator), AttributeUpdates, and their validation messages. */
class TestLegacyParameters extends ExpressionTestSupport {
    private static final String INVALID = "One or more parameter values were invalid: ";
    private static final Map<String, AttributeValue> STORED = item("pk", str("legacy"), "n", num("5"), "s",
            str("hello"), "b", bin(1, 2, 3), "ss", ss("a", "b"), "ns", ns("2", "4", "7"), "l", list(num("2"),
                    str("x")), "m", map("k", num("1")), "nul", nul(), "bool", bool(true));

    private String table;

    @BeforeAll
    void createTable() {
        table = hashTable();
        put(table, STORED);
    }

    private static ExpectedAttributeValue op(String operator, AttributeValue... values) {
        return ExpectedAttributeValue.builder().comparisonOperator(operator)
                .attributeValueList(values.length == 0 ? null : Arrays.asList(values)).build();
    }

    private static Arguments x(String attribute, ExpectedAttributeValue expected, boolean holds) {
        return Arguments.of(attribute, expected, holds);
    }

    static Stream<Arguments> expectations() {
        ExpectedAttributeValue exists = ExpectedAttributeValue.builder().exists(true).value(num("5")).build();
        return Stream.of(
                x("n", ExpectedAttributeValue.builder().value(num("5")).build(), true),
                x("n", ExpectedAttributeValue.builder().value(num("6")).build(), false),
                x("gone", ExpectedAttributeValue.builder().value(num("5")).build(), false),
                x("n", exists, true), x("gone", exists, false),
                x("n", ExpectedAttributeValue.builder().exists(false).build(), false),
                x("gone", ExpectedAttributeValue.builder().exists(false).build(), true),
                x("n", op("EQ", num("5")), true), x("n", op("EQ", str("5")), false), x("gone", op("EQ", num("5")),
                        false),
                x("ss", op("EQ", ss("b", "a")), true), x("l", op("EQ", list(num("2"), str("x"))), true),
                x("n", op("NE", num("5")), false), x("n", op("NE", num("6")), true),
                x("gone", op("NE", num("5")), true), x("n", op("NE", str("5")), true),
                x("n", op("LT", num("10")), true), x("n", op("LT", num("5")), false),
                x("n", op("LE", num("5")), true), x("n", op("GT", num("4")), true), x("n", op("GE", num("6")), false),
                x("s", op("LT", str("world")), true), x("s", op("GT", str("Hello")), true),
                x("b", op("GT", bin(1, 2)), true), x("b", op("LT", bin(0xff)), true),
                x("n", op("LT", str("9")), false), x("gone", op("LT", num("9")), false),
                x("n", op("NULL"), false), x("gone", op("NULL"), true), x("nul", op("NULL"), false),
                x("n", op("NOT_NULL"), true), x("gone", op("NOT_NULL"), false),
                x("s", op("CONTAINS", str("ell")), true), x("s", op("CONTAINS", str("dog")), false),
                x("ss", op("CONTAINS", str("a")), true), x("ns", op("CONTAINS", num("4")), true),
                x("l", op("CONTAINS", num("2")), true), x("b", op("CONTAINS", bin(2, 3)), true),
                x("gone", op("CONTAINS", num("1")), false), x("n", op("CONTAINS", num("5")), false),
                x("s", op("NOT_CONTAINS", str("dog")), true), x("s", op("NOT_CONTAINS", str("ell")), false),
                x("ns", op("NOT_CONTAINS", num("1")), true), x("ns", op("NOT_CONTAINS", num("4")), false),
                x("l", op("NOT_CONTAINS", num("1")), true), x("l", op("NOT_CONTAINS", num("2")), false),
                x("b", op("NOT_CONTAINS", bin(9)), true),
                // Alternator test_update_expected_1_not_contains: on a missing attribute NOT_CONTAINS fails too.
                x("gone", op("NOT_CONTAINS", num("1")), false),
                x("s", op("BEGINS_WITH", str("hell")), true), x("s", op("BEGINS_WITH", str("dog")), false),
                x("b", op("BEGINS_WITH", bin(1)), true), x("n", op("BEGINS_WITH", str("5")), false),
                x("gone", op("BEGINS_WITH", str("a")), false),
                x("n", op("IN", num("2"), num("5"), num("8")), true), x("n", op("IN", num("1"), num("2")), false),
                x("ns", op("IN", num("2")), false), x("gone", op("IN", num("1")), false),
                x("n", op("BETWEEN", num("1"), num("5")), true), x("n", op("BETWEEN", num("5"), num("9")), true),
                x("n", op("BETWEEN", num("6"), num("9")), false), x("s", op("BETWEEN", str("a"), str("i")), true),
                x("n", op("BETWEEN", str("a"), str("z")), false), x("gone", op("BETWEEN", num("0"), num("9")), false),
                x("b", op("BETWEEN", bin(1), bin(2)), true));
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @MethodSource("expectations")
    void expected(String attribute, ExpectedAttributeValue expected, boolean holds) {
        ConditionalCheckFailedException failure = catchThrowableOfType(ConditionalCheckFailedException.class,
                () -> client.putItem(b -> b.tableName(table).item(STORED).expected(Map.of(attribute, expected))));
        assertThat(failure == null).as("%s %s", attribute, expected).isEqualTo(holds);
        if (failure != null) {
            assertThat(failure.awsErrorDetails().errorMessage()).isEqualTo(CONDITION_FAILED);
        }
    }

    @Test
    void conditionalOperator() {
        Map<String, ExpectedAttributeValue> oneFalse = new LinkedHashMap<>();
        oneFalse.put("n", op("EQ", num("5")));
        oneFalse.put("s", op("EQ", str("nope")));
        assertThat(holds(oneFalse, null)).isFalse();
        assertThat(holds(oneFalse, ConditionalOperator.AND)).isFalse();
        assertThat(holds(oneFalse, ConditionalOperator.OR)).isTrue();
        Map<String, ExpectedAttributeValue> bothFalse = Map.of("n", op("EQ", num("6")), "s", op("NULL"));
        assertThat(holds(bothFalse, ConditionalOperator.OR)).isFalse();
        Map<String, ExpectedAttributeValue> bothTrue = Map.of("n", op("GT", num("1")), "gone", op("NULL"));
        assertThat(holds(bothTrue, ConditionalOperator.AND)).isTrue();
        assertThat(holds(bothTrue, ConditionalOperator.OR)).isTrue();
    }

    private boolean holds(Map<String, ExpectedAttributeValue> expected, ConditionalOperator operator) {
        return catchThrowableOfType(ConditionalCheckFailedException.class, () -> client.putItem(b -> b
                .tableName(table).item(STORED).expected(expected).conditionalOperator(operator))) == null;
    }

    private static Arguments v(ExpectedAttributeValue expected, String message) {
        return Arguments.of(expected, message);
    }

    static Stream<Arguments> expectedErrors() {
        return Stream.of(
                v(ExpectedAttributeValue.builder().build(), INVALID + "Value must be provided when Exists is null for "
                        + "Attribute: a"),
                v(ExpectedAttributeValue.builder().exists(true).build(), INVALID + "Value must be provided when Exists "
                        + "is true for Attribute: a"),
                v(ExpectedAttributeValue.builder().exists(false).value(num("1")).build(), INVALID + "Value cannot be "
                        + "used when Exists is false for Attribute: a"),
                v(ExpectedAttributeValue.builder().comparisonOperator("EQ").build(), INVALID + "Value or "
                        + "AttributeValueList must be used with ComparisonOperator: EQ for Attribute: a"),
                v(ExpectedAttributeValue.builder().exists(true).value(num("1")).comparisonOperator("EQ").build(),
                        INVALID + "Exists and ComparisonOperator cannot be used together for Attribute: a"),
                v(ExpectedAttributeValue.builder().value(num("1")).attributeValueList(num("1"))
                        .comparisonOperator("EQ").build(), INVALID + "Value and AttributeValueList cannot be used "
                        + "together for Attribute: a"),
                v(ExpectedAttributeValue.builder().attributeValueList(num("1")).build(), INVALID
                        + "AttributeValueList can only be used with a ComparisonOperator for Attribute: a"),
                v(op("EQ", num("1"), num("2")), INVALID + "Invalid number of argument(s) for the EQ "
                        + "ComparisonOperator"),
                v(op("NULL", num("1")), INVALID + "Invalid number of argument(s) for the NULL ComparisonOperator"),
                v(op("NOT_NULL", num("1")), INVALID + "Invalid number of argument(s) for the NOT_NULL "
                        + "ComparisonOperator"),
                v(op("BETWEEN", num("1")), INVALID + "Invalid number of argument(s) for the BETWEEN "
                        + "ComparisonOperator"),
                v(op("BETWEEN", num("1"), num("2"), num("3")), INVALID + "Invalid number of argument(s) for the "
                        + "BETWEEN ComparisonOperator"),
                v(op("IN"), INVALID + "Value or AttributeValueList must be used with ComparisonOperator: IN for "
                        + "Attribute: a"),
                v(op("BETWEEN", num("1"), str("a")), INVALID + "AttributeValues inside AttributeValueList must be of "
                        + "same type"),
                v(op("IN", num("1"), str("a")), INVALID + "AttributeValues inside AttributeValueList must be of "
                        + "same type"),
                v(op("BETWEEN", num("4"), num("3")), "The BETWEEN condition was provided a range where the lower "
                        + "bound is greater than the upper bound"),
                v(op("BEGINS_WITH", num("3")), INVALID + "ComparisonOperator BEGINS_WITH is not valid for N "
                        + "AttributeValue type"),
                v(op("LT", ss("a")), INVALID + "ComparisonOperator LT is not valid for SS AttributeValue type"),
                v(op("CONTAINS", list(num("1"))), INVALID + "ComparisonOperator CONTAINS is not valid for L "
                        + "AttributeValue type"),
                v(op("IN", list(num("1"))), INVALID + "ComparisonOperator IN is not valid for L AttributeValue "
                        + "type"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("expectedErrors")
    void expectedValidation(ExpectedAttributeValue expected, String message) {
        assertValidation(ENVELOPE + message, () -> client.putItem(b -> b.tableName(table)
                .item(item("pk", str("never"))).expected(Map.of("a", expected))));
        assertValidation(ENVELOPE + message, () -> client.deleteItem(b -> b.tableName(table)
                .key(item("pk", str("legacy"))).expected(Map.of("a", expected))));
        assertThat(get(table, "never")).isNull();
        assertThat(get(table, "legacy")).isEqualTo(STORED);
    }

    @Test
    void conditionalOperatorEnum() {
        assertValidation("1 validation error detected: Value 'XOR' at 'conditionalOperator' failed to satisfy "
                + "constraint: Member must satisfy enum value set: [OR, AND]",
                () -> client.putItem(b -> b.tableName(table).item(item("pk", str("never")))
                        .expected(Map.of("a", op("NULL"))).conditionalOperator("XOR")));
    }

    private static AttributeValueUpdate action(AttributeAction action, AttributeValue value) {
        return AttributeValueUpdate.builder().action(action).value(value).build();
    }

    private static Arguments a(Map<String, AttributeValue> before, String attribute, AttributeValueUpdate update,
            AttributeValue after) {
        return Arguments.of(before, attribute, update, after);
    }

    static Stream<Arguments> attributeUpdates() {
        return Stream.of(
                a(item(), "a", action(AttributeAction.PUT, num("1")), num("1")),
                a(item("a", str("x")), "a", action(AttributeAction.PUT, ss("y")), ss("y")),
                a(item(), "a", AttributeValueUpdate.builder().value(map("k", nul())).build(), map("k", nul())),
                a(item("a", num("5")), "a", action(AttributeAction.ADD, num("-2.5")), num("2.5")),
                a(item(), "a", action(AttributeAction.ADD, num("3")), num("3")),
                a(item("a", ss("x")), "a", action(AttributeAction.ADD, ss("y", "x")), ss("x", "y")),
                a(item("a", ns("1")), "a", action(AttributeAction.ADD, ns("2")), ns("1", "2")),
                a(item("a", bs("p")), "a", action(AttributeAction.ADD, bs("q")), bs("p", "q")),
                a(item(), "a", action(AttributeAction.ADD, ns("2")), ns("2")),
                a(item("a", list(num("1"))), "a", action(AttributeAction.ADD, list(str("x"))), list(num("1"),
                        str("x"))),
                a(item(), "a", action(AttributeAction.ADD, list(str("x"))), list(str("x"))),
                a(item("a", ss("x", "y")), "a", action(AttributeAction.DELETE, ss("x")), ss("y")),
                a(item("a", ns("1", "2")), "a", action(AttributeAction.DELETE, ns("1", "2")), null),
                a(item("a", bs("p", "q")), "a", action(AttributeAction.DELETE, bs("q")), bs("p")),
                a(item("a", ss("x")), "a", action(AttributeAction.DELETE, ss("z")), ss("x")),
                a(item("a", str("x")), "a", AttributeValueUpdate.builder().action(AttributeAction.DELETE).build(),
                        null),
                a(item(), "a", AttributeValueUpdate.builder().action(AttributeAction.DELETE).build(), null),
                a(item(), "a", action(AttributeAction.DELETE, ss("z")), null));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("attributeUpdates")
    void attributeUpdate(Map<String, AttributeValue> before, String attribute, AttributeValueUpdate update,
            AttributeValue after) {
        String pk = uniqueName("au");
        Map<String, AttributeValue> stored = new LinkedHashMap<>(before);
        stored.put("pk", str(pk));
        put(table, stored);
        client.updateItem(b -> b.tableName(table).key(item("pk", str(pk))).attributeUpdates(Map.of(attribute,
                update)));
        Map<String, AttributeValue> expected = new LinkedHashMap<>(stored);
        if (after == null) {
            expected.remove(attribute);
        } else {
            expected.put(attribute, after);
        }
        assertThat(get(table, pk)).isEqualTo(expected);
    }

    static Stream<Arguments> attributeUpdateErrors() {
        return Stream.of(
                Arguments.of(item(), AttributeValueUpdate.builder().action(AttributeAction.PUT).build(), ENVELOPE
                        + INVALID + "Only DELETE action is allowed when no attribute value is specified"),
                Arguments.of(item(), AttributeValueUpdate.builder().build(), ENVELOPE + INVALID + "Only DELETE "
                        + "action is allowed when no attribute value is specified"),
                Arguments.of(item(), action(AttributeAction.DELETE, str("x")), ENVELOPE + INVALID + "DELETE action "
                        + "with value is not supported for the type S"),
                Arguments.of(item(), action(AttributeAction.DELETE, list()), ENVELOPE + INVALID + "DELETE action "
                        + "with value is not supported for the type L"),
                Arguments.of(item(), action(AttributeAction.ADD, str("x")), ENVELOPE + INVALID + "ADD action is not "
                        + "supported for the type S"),
                Arguments.of(item(), action(AttributeAction.ADD, bool(true)), ENVELOPE + INVALID + "ADD action is "
                        + "not supported for the type BOOL"),
                Arguments.of(item(), action(AttributeAction.ADD, map()), ENVELOPE + INVALID + "ADD action is not "
                        + "supported for the type M"),
                Arguments.of(item(), action(AttributeAction.ADD, nul()), ENVELOPE + INVALID + "ADD action is not "
                        + "supported for the type NULL"),
                Arguments.of(item("a", ss("x")), action(AttributeAction.ADD, ns("1")), "Type mismatch for attribute "
                        + "to update"),
                Arguments.of(item("a", ns("1")), action(AttributeAction.ADD, num("1")), "Type mismatch for "
                        + "attribute to update"),
                Arguments.of(item("a", str("x")), action(AttributeAction.ADD, num("1")), "Type mismatch for "
                        + "attribute to update"),
                Arguments.of(item("a", ss("x")), action(AttributeAction.DELETE, ns("1")), "Type mismatch for "
                        + "attribute to update"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("attributeUpdateErrors")
    void attributeUpdateError(Map<String, AttributeValue> before, AttributeValueUpdate update, String message) {
        String pk = uniqueName("aue");
        Map<String, AttributeValue> stored = new LinkedHashMap<>(before);
        stored.put("pk", str(pk));
        put(table, stored);
        assertValidation(message, () -> client.updateItem(b -> b.tableName(table).key(item("pk", str(pk)))
                .attributeUpdates(Map.of("a", update))));
        assertThat(get(table, pk)).isEqualTo(stored);
    }

    @Test
    void attributeUpdatesOnKeyAndActionEnum() {
        assertValidation(INVALID + "Cannot update attribute pk. This attribute is part of the key",
                () -> client.updateItem(b -> b.tableName(table).key(item("pk", str("k")))
                        .attributeUpdates(Map.of("pk", action(AttributeAction.PUT, str("x"))))));
        assertValidation("1 validation error detected: Value 'MERGE' at 'attributeUpdates.a.member.action' failed "
                + "to satisfy constraint: Member must satisfy enum value set: [ADD, PUT, DELETE]",
                () -> client.updateItem(b -> b.tableName(table).key(item("pk", str("k")))
                        .attributeUpdates(Map.of("a", AttributeValueUpdate.builder().action("MERGE")
                                .value(num("1")).build()))));
        assertThat(get(table, "k")).isNull();
    }

    @Test
    void attributeUpdatesWithExpectedAndReturnValues() {
        String pk = uniqueName("aurv");
        put(table, item("pk", str(pk), "a", num("1"), "b", str("keep")));
        var response = client.updateItem(b -> b.tableName(table).key(item("pk", str(pk)))
                .attributeUpdates(Map.of("a", action(AttributeAction.ADD, num("1")), "c", action(AttributeAction.PUT,
                        str("new"))))
                .expected(Map.of("a", ExpectedAttributeValue.builder().value(num("1")).build()))
                .returnValues(ReturnValue.UPDATED_NEW));
        assertThat(response.attributes()).isEqualTo(item("a", num("2"), "c", str("new")));
        assertError(ConditionalCheckFailedException.class, "ConditionalCheckFailedException", CONDITION_FAILED,
                () -> client.updateItem(b -> b.tableName(table).key(item("pk", str(pk)))
                        .attributeUpdates(Map.of("a", action(AttributeAction.ADD, num("1"))))
                        .expected(Map.of("a", ExpectedAttributeValue.builder().value(num("1")).build()))));
        var old = client.updateItem(b -> b.tableName(table).key(item("pk", str(pk)))
                .attributeUpdates(Map.of("b", AttributeValueUpdate.builder().action(AttributeAction.DELETE).build()))
                .returnValues(ReturnValue.UPDATED_OLD));
        assertThat(old.attributes()).isEqualTo(item("b", str("keep")));
        assertThat(get(table, pk)).isEqualTo(item("pk", str(pk), "a", num("2"), "c", str("new")));
    }

    @Test
    void legacyNamesAreLiteralTopLevelNames() {
        String pk = uniqueName("dots");
        put(table, item("pk", str(pk), "a.b", num("1"), "a", map("b", num("2"))));
        Map<String, AttributeValue> key = item("pk", str(pk));
        // "a.b" in Expected and AttributeUpdates is the attribute named "a.b", never a path into "a".
        client.updateItem(b -> b.tableName(table).key(key)
                .attributeUpdates(Map.of("a.b", action(AttributeAction.ADD, num("10"))))
                .expected(Map.of("a.b", ExpectedAttributeValue.builder().value(num("1")).build())));
        assertThat(get(table, pk)).isEqualTo(item("pk", str(pk), "a.b", num("11"), "a", map("b", num("2"))));
        assertError(ConditionalCheckFailedException.class, "ConditionalCheckFailedException", CONDITION_FAILED,
                () -> client.deleteItem(b -> b.tableName(table).key(key)
                        .expected(Map.of("a.b", ExpectedAttributeValue.builder().value(num("2")).build()))));
        // The put-if-absent idiom on the key attribute.
        assertError(ConditionalCheckFailedException.class, "ConditionalCheckFailedException", CONDITION_FAILED,
                () -> client.putItem(b -> b.tableName(table).item(key)
                        .expected(Map.of("pk", ExpectedAttributeValue.builder().exists(false).build()))));
        client.deleteItem(b -> b.tableName(table).key(key)
                .expected(Map.of("pk", ExpectedAttributeValue.builder().exists(true).value(str(pk)).build(),
                        "a[0]", ExpectedAttributeValue.builder().exists(false).build())));
        assertThat(get(table, pk)).isNull();
    }

    @Test
    void attributesToGetOnGetItem() {
        var response = client.getItem(b -> b.tableName(table).key(item("pk", str("legacy")))
                .attributesToGet(List.of("n", "m", "gone")).consistentRead(true));
        assertThat(response.item()).isEqualTo(item("n", num("5"), "m", map("k", num("1"))));
    }
}
