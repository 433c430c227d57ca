package io.basalt.compat.expressions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/** UpdateExpression: each action on each type, ReturnValues, and the errors of invalid updates. */
class TestUpdateExpressions extends ExpressionTestSupport {
    private static final String INVALID_PATH = "The document path provided in the update expression is invalid for "
            + "update";
    private static final String WRONG_TYPE = "An operand in the update expression has an incorrect data type";
    private static final String NO_SUCH_ATTRIBUTE = "The provided expression refers to an attribute that does not "
            + "exist in the item";
    private static final String OVERLAP = ENVELOPE + "Invalid UpdateExpression: Two document paths overlap with each "
            + "other; must remove or rewrite one of these paths; path one: ";
    private static final String CONFLICT = ENVELOPE + "Invalid UpdateExpression: Two document paths conflict with "
            + "each other; must remove or rewrite one of these paths; path one: ";

    private String table;

    @BeforeAll
    void createTable() {
        table = hashTable();
    }

    /** Attributes besides the key, as name/value pairs. */
    private static Map<String, AttributeValue> attrs(Object... pairs) {
        return new LinkedHashMap<>(item(pairs));
    }

    private static Arguments u(Map<String, AttributeValue> before, String update, Map<String, AttributeValue> after,
            Object... values) {
        return Arguments.of(before, update, after, values);
    }

    static Stream<Arguments> updates() {
        AttributeValue abc = list(str("a"), str("b"), str("c"));
        return Stream.of(
                // SET
                u(attrs(), "SET a = :v", attrs("a", num("1")), ":v", num("1")),
                u(attrs("a", num("1")), "SET a = :v", attrs("a", str("x")), ":v", str("x")),
                u(attrs("a", num("1")), "set a = :v", attrs("a", nul()), ":v", nul()),
                u(attrs(), "SET a = :v, b = :w", attrs("a", num("1"), "b", ss("x")), ":v", num("1"), ":w", ss("x")),
                u(attrs("m", map("x", num("1"))), "SET m.y = :v", attrs("m", map("x", num("1"), "y", bool(true))),
                        ":v", bool(true)),
                u(attrs("m", map("x", map())), "SET m.x.z = :v", attrs("m", map("x", map("z", str("deep")))),
                        ":v", str("deep")),
                u(attrs("m", map("x", num("1"))), "SET m.x = :v", attrs("m", map("x", num("2"))), ":v", num("2")),
                u(attrs("l", abc), "SET l[1] = :v", attrs("l", list(str("a"), num("9"), str("c"))), ":v", num("9")),
                u(attrs("l", list(str("a"))), "SET l[5] = :v", attrs("l", list(str("a"), num("9"))), ":v", num("9")),
                u(attrs("l", list(str("a"))), "SET l[9] = :v, l[7] = :w", attrs("l", list(str("a"), str("w"),
                        str("v"))), ":v", str("v"), ":w", str("w")),
                u(attrs("l", list(str("a"))), "SET l[1] = :v", attrs("l", list(str("a"), str("v"))), ":v", str("v")),
                u(attrs("m", map("l", list(num("1")))), "SET m.l[0] = :v", attrs("m", map("l", list(num("2")))),
                        ":v", num("2")),
                u(attrs("l", list(map("x", num("1")))), "SET l[0].y = :v", attrs("l", list(map("x", num("1"), "y",
                        num("2")))), ":v", num("2")),
                u(attrs("a", num("1")), "SET b = a", attrs("a", num("1"), "b", num("1"))),
                u(attrs("m", map("x", num("1"))), "SET b = m.x", attrs("m", map("x", num("1")), "b", num("1"))),
                u(attrs("l", abc), "SET b = l[2]", attrs("l", abc, "b", str("c"))),
                u(attrs("a", num("1"), "b", num("2")), "SET a = b, b = a", attrs("a", num("2"), "b", num("1"))),
                u(attrs("m", map("x", num("1"))), "SET m.y = m", attrs("m", map("x", num("1"), "y",
                        map("x", num("1"))))),
                u(attrs("#a", num("1")), "SET #a = :v", attrs("#a", num("2")), ":v", num("2")),
                // Arithmetic
                u(attrs("a", num("5")), "SET a = a + :v", attrs("a", num("8")), ":v", num("3")),
                u(attrs("a", num("5")), "SET a = a - :v", attrs("a", num("2")), ":v", num("3")),
                u(attrs("a", num("5")), "SET a = :v - a", attrs("a", num("-2")), ":v", num("3")),
                u(attrs("a", num("5")), "SET b = a + a", attrs("a", num("5"), "b", num("10"))),
                u(attrs("a", num("0.1")), "SET a = a + :v", attrs("a", num("0.3")), ":v", num("0.2")),
                u(attrs("a", num("1E+20")), "SET a = a - :v", attrs("a", num("99999999999999999999")), ":v",
                        num("1")),
                u(attrs(), "SET a = :v + :w", attrs("a", num("3")), ":v", num("1"), ":w", num("2")),
                u(attrs("a", num("-5")), "SET a = a-:v", attrs("a", num("-10")), ":v", num("5")),
                u(attrs(), "SET a = if_not_exists(a, :z) + :one", attrs("a", num("1")), ":z", num("0"), ":one",
                        num("1")),
                u(attrs("a", num("7")), "SET a = if_not_exists(a, :z) + :one", attrs("a", num("8")), ":z", num("0"),
                        ":one", num("1")),
                // if_not_exists
                u(attrs(), "SET a = if_not_exists(a, :v)", attrs("a", str("v")), ":v", str("v")),
                u(attrs("a", str("old")), "SET a = if_not_exists(a, :v)", attrs("a", str("old")), ":v", str("v")),
                u(attrs("b", str("b")), "SET a = if_not_exists(b, :v)", attrs("a", str("b"), "b", str("b")), ":v",
                        str("v")),
                u(attrs("m", map()), "SET m.x = if_not_exists(m.x, :v)", attrs("m", map("x", num("0"))), ":v",
                        num("0")),
                // list_append
                u(attrs("l", list(num("1"))), "SET l = list_append(l, :v)", attrs("l", list(num("1"), num("2"))),
                        ":v", list(num("2"))),
                u(attrs("l", list(num("1"))), "SET l = list_append(:v, l)", attrs("l", list(num("2"), num("1"))),
                        ":v", list(num("2"))),
                u(attrs(), "SET l = list_append(if_not_exists(l, :e), :v)", attrs("l", list(str("x"))), ":e",
                        list(), ":v", list(str("x"))),
                u(attrs("l", list(num("1"))), "SET k = list_append(l, l)", attrs("l", list(num("1")), "k",
                        list(num("1"), num("1")))),
                u(attrs(), "SET l = list_append(:a, :b)", attrs("l", list(num("1"), num("2"))), ":a",
                        list(num("1")), ":b", list(num("2"))),
                // REMOVE
                u(attrs("a", num("1"), "b", num("2")), "REMOVE a", attrs("b", num("2"))),
                u(attrs("a", num("1"), "b", num("2")), "REMOVE a, b", attrs()),
                u(attrs("a", num("1")), "REMOVE gone", attrs("a", num("1"))),
                u(attrs("m", map("x", num("1"), "y", num("2"))), "REMOVE m.x", attrs("m", map("y", num("2")))),
                u(attrs("m", map("x", num("1"))), "REMOVE m.gone", attrs("m", map("x", num("1")))),
                u(attrs("l", abc), "REMOVE l[1]", attrs("l", list(str("a"), str("c")))),
                u(attrs("l", abc), "REMOVE l[0], l[2]", attrs("l", list(str("b")))),
                u(attrs("l", abc), "REMOVE l[2], l[0]", attrs("l", list(str("b")))),
                u(attrs("l", abc), "REMOVE l[9]", attrs("l", abc)),
                u(attrs("l", abc), "REMOVE l[0], l[1], l[2]", attrs("l", list())),
                u(attrs("l", abc), "SET l[0] = :v REMOVE l[1]", attrs("l", list(str("v"), str("c"))), ":v",
                        str("v")),
                u(attrs("l", abc), "REMOVE l[0] SET l[2] = :v", attrs("l", list(str("b"), str("v"))), ":v",
                        str("v")),
                u(attrs("m", map("l", abc)), "REMOVE m.l[0]", attrs("m", map("l", list(str("b"), str("c"))))),
                // ADD
                u(attrs("a", num("5")), "ADD a :v", attrs("a", num("8")), ":v", num("3")),
                u(attrs("a", num("5")), "ADD a :v", attrs("a", num("-1.5")), ":v", num("-6.5")),
                u(attrs(), "ADD a :v", attrs("a", num("3")), ":v", num("3")),
                u(attrs("m", map("n", num("1"))), "ADD m.n :v", attrs("m", map("n", num("2"))), ":v", num("1")),
                u(attrs("m", map()), "ADD m.n :v", attrs("m", map("n", num("1"))), ":v", num("1")),
                u(attrs("s", ss("a")), "ADD s :v", attrs("s", ss("a", "b")), ":v", ss("b", "a")),
                u(attrs("s", ns("1")), "ADD s :v", attrs("s", ns("1", "2")), ":v", ns("2", "1.0")),
                u(attrs("s", bs("x")), "ADD s :v", attrs("s", bs("x", "y")), ":v", bs("y")),
                u(attrs(), "ADD s :v", attrs("s", ss("new")), ":v", ss("new")),
                u(attrs(), "ADD a :v, b :w", attrs("a", num("1"), "b", ns("2")), ":v", num("1"), ":w", ns("2")),
                // DELETE
                u(attrs("s", ss("a", "b", "c")), "DELETE s :v", attrs("s", ss("b")), ":v", ss("a", "c")),
                u(attrs("s", ss("a", "b")), "DELETE s :v", attrs(), ":v", ss("a", "b")),
                u(attrs("s", ss("a", "b")), "DELETE s :v", attrs("s", ss("a", "b")), ":v", ss("z")),
                u(attrs("s", ns("1", "2")), "DELETE s :v", attrs("s", ns("2")), ":v", ns("1.00")),
                u(attrs("s", bs("x", "y")), "DELETE s :v", attrs("s", bs("y")), ":v", bs("x")),
                u(attrs(), "DELETE s :v", attrs(), ":v", ss("a")),
                u(attrs("m", map("s", ss("a", "b"))), "DELETE m.s :v", attrs("m", map("s", ss("b"))), ":v", ss("a")),
                // All four clauses, any order, any case.
                u(attrs("b", num("1"), "c", num("1"), "d", ss("x", "y")), "SET a = :v REMOVE b ADD c :n DELETE d :s",
                        attrs("a", str("v"), "c", num("2"), "d", ss("y")), ":v", str("v"), ":n", num("1"), ":s",
                        ss("x")),
                u(attrs("b", num("1"), "c", num("1"), "d", ss("x", "y")), "delete d :s add c :n remove b set a = :v",
                        attrs("a", str("v"), "c", num("2"), "d", ss("y")), ":v", str("v"), ":n", num("1"), ":s",
                        ss("x")));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("updates")
    void update(Map<String, AttributeValue> before, String update, Map<String, AttributeValue> after,
            Object[] values) {
        String pk = uniqueName("u");
        Map<String, AttributeValue> stored = withKey(pk, before);
        put(table, stored);
        client.updateItem(b -> b.tableName(table).key(item("pk", str(pk))).updateExpression(update)
                .expressionAttributeNames(namesIn(update)).expressionAttributeValues(values(values)));
        assertThat(get(table, pk)).as(update).isEqualTo(withKey(pk, after));
    }

    private static Map<String, AttributeValue> withKey(String pk, Map<String, AttributeValue> attributes) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("pk", str(pk));
        // "#a" in a fixture stands for the attribute named "a" reached through a placeholder.
        attributes.forEach((name, value) -> item.put(name.startsWith("#") ? name.substring(1) : name, value));
        return item;
    }

    private static Arguments e(Map<String, AttributeValue> before, String update, String message, Object... values) {
        return Arguments.of(before, update, message, values);
    }

    static Stream<Arguments> errors() {
        String keyUpdate = "One or more parameter values were invalid: Cannot update attribute pk. This attribute is "
                + "part of the key";
        return Stream.of(
                e(attrs(), "SET pk = :v", keyUpdate, ":v", str("x")),
                e(attrs(), "REMOVE pk", keyUpdate),
                e(attrs(), "ADD pk :v", keyUpdate, ":v", ss("x")),
                e(attrs(), "SET a = :v, pk = :v", keyUpdate, ":v", str("x")),
                e(attrs("a", str("x")), "SET a = a + :v", WRONG_TYPE, ":v", num("1")),
                e(attrs("a", num("1"), "b", str("1")), "SET a = a + b", WRONG_TYPE),
                e(attrs("a", str("x")), "ADD a :v", WRONG_TYPE, ":v", num("1")),
                e(attrs("a", ss("x")), "ADD a :v", WRONG_TYPE, ":v", ns("1")),
                e(attrs("a", ss("x")), "ADD a :v", WRONG_TYPE, ":v", num("1")),
                e(attrs("a", num("1")), "ADD a :v", WRONG_TYPE, ":v", ss("1")),
                e(attrs("a", ss("x")), "DELETE a :v", WRONG_TYPE, ":v", ns("1")),
                e(attrs("a", str("x")), "DELETE a :v", WRONG_TYPE, ":v", ss("x")),
                e(attrs("a", str("x")), "SET a = list_append(a, :v)", WRONG_TYPE, ":v", list()),
                e(attrs("a", list(), "b", ss("x")), "SET a = list_append(a, b)", WRONG_TYPE),
                e(attrs(), "SET a = gone + :v", NO_SUCH_ATTRIBUTE, ":v", num("1")),
                e(attrs(), "SET a = gone", NO_SUCH_ATTRIBUTE),
                e(attrs(), "SET a = m.x", NO_SUCH_ATTRIBUTE),
                e(attrs(), "SET a = list_append(gone, :v)", NO_SUCH_ATTRIBUTE, ":v", list()),
                e(attrs(), "SET a = if_not_exists(b, gone)", NO_SUCH_ATTRIBUTE),
                e(attrs("a", num("1")), "SET a.b = :v", INVALID_PATH, ":v", num("1")),
                e(attrs(), "SET gone.b = :v", INVALID_PATH, ":v", num("1")),
                e(attrs(), "SET gone[0] = :v", INVALID_PATH, ":v", num("1")),
                e(attrs("a", num("1")), "SET a[0] = :v", INVALID_PATH, ":v", num("1")),
                e(attrs("m", map()), "SET m[0] = :v", INVALID_PATH, ":v", num("1")),
                e(attrs("l", list()), "SET l.x = :v", INVALID_PATH, ":v", num("1")),
                e(attrs("m", map()), "SET m.x.y = :v", INVALID_PATH, ":v", num("1")),
                e(attrs("a", num("1")), "REMOVE a.b", INVALID_PATH),
                e(attrs("a", num("1")), "ADD a.b :v", INVALID_PATH, ":v", num("1")),
                e(attrs("a", num("1")), "DELETE a.b :v", INVALID_PATH, ":v", ss("x")),
                e(attrs(), "SET a = :v, a = :w", OVERLAP + "[a], path two: [a]", ":v", num("1"), ":w", num("2")),
                e(attrs(), "SET a = :v REMOVE a.b", OVERLAP + "[a], path two: [a, b]", ":v", num("1")),
                e(attrs(), "SET a.b = :v REMOVE a", OVERLAP + "[a, b], path two: [a]", ":v", num("1")),
                e(attrs(), "REMOVE l[0], l[0]", OVERLAP + "[l, [0]], path two: [l, [0]]"),
                e(attrs(), "ADD a :v DELETE a :w", OVERLAP + "[a], path two: [a]", ":v", num("1"), ":w", ss("x")),
                e(attrs(), "SET a.b = :v, a[0] = :w", CONFLICT + "[a, b], path two: [a, [0]]", ":v", num("1"),
                        ":w", num("2")),
                e(attrs(), "SET a[0].b = :v, a[0][1] = :w", CONFLICT + "[a, [0], b], path two: [a, [0], [1]]",
                        ":v", num("1"), ":w", num("2")),
                e(attrs("a", num("9.9999999999999999999999999999999999999E+125")), "SET a = a + :v",
                        "Number overflow. Attempting to store a number with magnitude larger than supported range",
                        ":v", num("9E+125")),
                // A result needing more than 38 digits is reported as an overflow too (Alternator
                // test_update_expression_plus_imprecise quotes DynamoDB's text).
                e(attrs("a", num("1E+20")), "ADD a :v",
                        "Number overflow. Attempting to store a number with magnitude larger than supported range",
                        ":v", num("0.000000000000000001")),
                e(attrs("a", num("1E+50")), "SET a = a - :v",
                        "Number overflow. Attempting to store a number with magnitude larger than supported range",
                        ":v", num("1")),
                e(attrs("a", num("2E-130")), "SET a = a - :v",
                        "Number underflow. Attempting to store a number with magnitude smaller than supported range",
                        ":v", num("1.5E-130")));
    }

    @ParameterizedTest(name = "{1} -> {2}")
    @MethodSource("errors")
    void updateError(Map<String, AttributeValue> before, String update, String message, Object[] values) {
        String pk = uniqueName("err");
        put(table, withKey(pk, before));
        Map<String, AttributeValue> stored = get(table, pk);
        assertValidation(message, () -> client.updateItem(b -> b.tableName(table).key(item("pk", str(pk)))
                .updateExpression(update).expressionAttributeValues(values(values))));
        assertThat(get(table, pk)).as("unchanged after %s", update).isEqualTo(stored);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SET", "REMOVE", "ADD", "DELETE"})
    void clauseUsedTwice(String clause) {
        String action = switch (clause) {
            case "SET" -> "SET a = :v";
            case "REMOVE" -> "REMOVE a";
            case "ADD" -> "ADD a :v";
            default -> "DELETE a :v";
        };
        String again = action.replace(" a", " b");
        Map<String, AttributeValue> values = action.contains(":v") ? values(":v", ns("1")) : null;
        assertValidation(ENVELOPE + "Invalid UpdateExpression: The \"" + clause + "\" section can only be used once "
                + "in an update expression;", () -> client.updateItem(b -> b.tableName(table)
                        .key(item("pk", str("twice"))).updateExpression(action + " " + again)
                        .expressionAttributeValues(values)));
    }

    @Test
    void functionNesting() {
        String pk = uniqueName("nest");
        Map<String, AttributeValue> key = item("pk", str(pk));
        String append = "SET a = list_append(if_not_exists(a, :v1), :v2)";
        client.updateItem(b -> b.tableName(table).key(key).updateExpression(append).expressionAttributeValues(
                values(":v1", list(str("a"), str("b")), ":v2", list(str("cat"), str("dog")))));
        client.updateItem(b -> b.tableName(table).key(key).updateExpression(append).expressionAttributeValues(
                values(":v1", list(str("a"), str("b")), ":v2", list(str("1")))));
        assertThat(get(table, pk).get("a")).isEqualTo(list(str("a"), str("b"), str("cat"), str("dog"), str("1")));
        client.updateItem(b -> b.tableName(table).key(key).updateExpression("SET b = if_not_exists(b, :v1)+:v2")
                .expressionAttributeValues(values(":v1", num("2"), ":v2", num("3"))));
        assertThat(get(table, pk).get("b")).isEqualTo(num("5"));
        // Alternator test_update_expression_function_nesting quotes DynamoDB refusing list_append in list_append.
        assertValidation(ENVELOPE + "Invalid UpdateExpression: The function is not allowed to be used this way in "
                + "an expression; function: list_append", () -> client.updateItem(b -> b.tableName(table).key(key)
                        .updateExpression("SET a = list_append(list_append(:v1, :v2), :v3)")
                        .expressionAttributeValues(values(":v1", list(str("a")), ":v2", list(str("1")), ":v3",
                                list(str("hi"))))));
        assertValidation(ENVELOPE + "Invalid UpdateExpression: Invalid function name; function: f123_hi",
                () -> client.updateItem(b -> b.tableName(table).key(key).updateExpression("SET a = f123_hi(b,c,d)")));
        for (String syntax : new String[] {"SET c = if_not_exists(c, :v1+:v2)", "SET a[:v1] = :v2",
            "SET a[#x] = :v1"}) {
            DynamoDbException error = catchThrowableOfType(DynamoDbException.class, () -> client.updateItem(b -> b
                    .tableName(table).key(key).updateExpression(syntax).expressionAttributeNames(namesIn(syntax))
                    .expressionAttributeValues(values(":v1", num("1"), ":v2", num("2")))));
            assertThat(error).as(syntax).isNotNull();
            assertThat(error.awsErrorDetails().errorMessage()).as(syntax)
                    .startsWith(ENVELOPE + "Invalid UpdateExpression: Syntax error; token: ");
        }
        assertThat(get(table, pk)).containsOnlyKeys("pk", "a", "b");
    }

    @ParameterizedTest
    @ValueSource(strings = {"SET a = _f(b)", "SET _a = :v1", "REMOVE _a", "SET a = :v1 REMOVE b._c"})
    void namesMustStartWithALetter(String update) {
        // Alternator test_update_expression_unknown_function: "_f" is a syntax error on the "_" token.
        DynamoDbException error = catchThrowableOfType(DynamoDbException.class, () -> client.updateItem(b -> b
                .tableName(table).key(item("pk", str("underscore"))).updateExpression(update)
                .expressionAttributeValues(update.contains(":v1") ? values(":v1", num("1")) : null)));
        assertThat(error).as(update).isNotNull();
        assertThat(error.awsErrorDetails().errorMessage()).as(update)
                .startsWith(ENVELOPE + "Invalid UpdateExpression: Syntax error; token: ");
    }

    @Test
    void undefinedValueBeforePathRequired() {
        // Alternator test_update_expression_if_not_exists_bad_args: DynamoDB looks :val2 up first.
        assertValidation(ENVELOPE + "Invalid UpdateExpression: An expression attribute value used in expression is "
                + "not defined; attribute value: :val2", () -> client.updateItem(b -> b.tableName(table)
                        .key(item("pk", str("nope"))).updateExpression("SET b = if_not_exists(:val2, :val1)")
                        .expressionAttributeValues(values(":val1", num("6")))));
    }

    @Test
    void namesAndDeepPaths() {
        String pk = uniqueName("deep");
        Map<String, AttributeValue> key = item("pk", str(pk));
        put(table, item("pk", str(pk), "a", map("b", num("3"), "c", list(str("hi"), map("x", map("y",
                list(num("3"), num("5"), num("7"))))))));
        client.updateItem(b -> b.tableName(table).key(key).updateExpression("SET a.c[1].#name.y[1] = :v")
                .expressionAttributeNames(names("#name", "x")).expressionAttributeValues(values(":v", num("9"))));
        client.updateItem(b -> b.tableName(table).key(key).updateExpression("SET a.z = a.c[1].#name.y[1]")
                .expressionAttributeNames(names("#name", "x")));
        client.updateItem(b -> b.tableName(table).key(key).updateExpression("SET #dot = :v")
                .expressionAttributeNames(names("#dot", "a.b")).expressionAttributeValues(values(":v", num("1"))));
        assertThat(get(table, pk)).isEqualTo(item("pk", str(pk), "a", map("b", num("3"), "c", list(str("hi"),
                map("x", map("y", list(num("3"), num("9"), num("7"))))), "z", num("9")), "a.b", num("1")));
    }

    @Test
    void removeNestedPathFromAbsentItemIsANoOp() {
        // Alternator test_nested_attribute_remove_from_missing_item (xfail there; passes against DynamoDB).
        String pk = uniqueName("absent");
        client.updateItem(b -> b.tableName(table).key(item("pk", str(pk))).updateExpression("REMOVE x.y"));
        client.updateItem(b -> b.tableName(table).key(item("pk", str(pk))).updateExpression("REMOVE x[0]"));
    }

    @Test
    void itemSizeAfterUpdate() {
        String pk = uniqueName("big");
        String half = "x".repeat(250_000);
        put(table, item("pk", str(pk), "a", str(half)));
        assertValidation("Item size to update has exceeded the maximum allowed size",
                () -> client.updateItem(b -> b.tableName(table).key(item("pk", str(pk)))
                        .updateExpression("SET b = :v").expressionAttributeValues(values(":v", str(half)))));
        assertValidation("Item size to update has exceeded the maximum allowed size",
                () -> client.updateItem(b -> b.tableName(table).key(item("pk", str(pk)))
                        .updateExpression("SET b = a")));
        assertThat(get(table, pk)).containsOnlyKeys("pk", "a");
        // Replacing the big attribute keeps the item under the limit.
        client.updateItem(b -> b.tableName(table).key(item("pk", str(pk))).updateExpression("SET a = :v, b = :v")
                .expressionAttributeValues(values(":v", str("x".repeat(200_000)))));
        assertThat(get(table, pk)).containsOnlyKeys("pk", "a", "b");
    }

    @Test
    void updateCreatesTheItem() {
        String pk = uniqueName("create");
        UpdateItemResponse response = client.updateItem(b -> b.tableName(table).key(item("pk", str(pk)))
                .updateExpression("SET a = :v ADD c :n").expressionAttributeValues(values(":v", str("x"), ":n",
                        num("1"))).returnValues(ReturnValue.ALL_OLD));
        assertThat(response.hasAttributes()).isFalse();
        assertThat(get(table, pk)).isEqualTo(item("pk", str(pk), "a", str("x"), "c", num("1")));
    }

    /** The stored item of the ReturnValues cases, and the update applied to it. */
    private static final String RV_UPDATE = "SET m.x = :v, a = :w, n = :w REMOVE b ADD c :one";

    private Map<String, AttributeValue> returnValues(ReturnValue mode) {
        String pk = uniqueName("rv");
        put(table, item("pk", str(pk), "a", num("1"), "b", num("2"), "c", num("3"),
                "m", map("x", num("1"), "y", num("2")), "untouched", str("u")));
        UpdateItemResponse response = client.updateItem(b -> b.tableName(table).key(item("pk", str(pk)))
                .updateExpression(RV_UPDATE).expressionAttributeValues(values(":v", str("v"), ":w", str("w"),
                        ":one", num("1"))).returnValues(mode));
        Map<String, AttributeValue> returned = response.hasAttributes() ? response.attributes() : null;
        if (returned != null && mode != ReturnValue.ALL_OLD && mode != ReturnValue.ALL_NEW) {
            assertThat(returned).doesNotContainKey("pk");
        }
        return returned == null ? null : withKeyFrom(returned, pk, mode);
    }

    private static Map<String, AttributeValue> withKeyFrom(Map<String, AttributeValue> returned, String pk,
            ReturnValue mode) {
        Map<String, AttributeValue> copy = new LinkedHashMap<>(returned);
        if (mode == ReturnValue.ALL_OLD || mode == ReturnValue.ALL_NEW) {
            assertThat(copy.remove("pk")).isEqualTo(str(pk));
        }
        return copy;
    }

    @Test
    void returnValuesEveryMode() {
        assertThat(returnValues(ReturnValue.NONE)).isNull();
        assertThat(returnValues(ReturnValue.ALL_OLD)).isEqualTo(item("a", num("1"), "b", num("2"), "c", num("3"),
                "m", map("x", num("1"), "y", num("2")), "untouched", str("u")));
        assertThat(returnValues(ReturnValue.ALL_NEW)).isEqualTo(item("a", str("w"), "c", num("4"),
                "m", map("x", str("v"), "y", num("2")), "n", str("w"), "untouched", str("u")));
        // Only the updated paths, nested as in the item; an attribute absent before (n) is not in UPDATED_OLD,
        // a removed one (b) is not in UPDATED_NEW.
        assertThat(returnValues(ReturnValue.UPDATED_OLD)).isEqualTo(item("a", num("1"), "b", num("2"),
                "c", num("3"), "m", map("x", num("1"))));
        assertThat(returnValues(ReturnValue.UPDATED_NEW)).isEqualTo(item("a", str("w"), "c", num("4"),
                "m", map("x", str("v")), "n", str("w")));
    }

    @Test
    void returnValuesOfListElements() {
        String pk = uniqueName("rvl");
        put(table, item("pk", str(pk), "l", list(str("a"), str("b"), str("c"))));
        UpdateItemResponse old = client.updateItem(b -> b.tableName(table).key(item("pk", str(pk)))
                .updateExpression("SET l[2] = :v").expressionAttributeValues(values(":v", str("z")))
                .returnValues(ReturnValue.UPDATED_OLD));
        assertThat(old.attributes()).isEqualTo(item("l", list(str("c"))));
        UpdateItemResponse updated = client.updateItem(b -> b.tableName(table).key(item("pk", str(pk)))
                .updateExpression("SET l[0] = :v").expressionAttributeValues(values(":v", str("y")))
                .returnValues(ReturnValue.UPDATED_NEW));
        assertThat(updated.attributes()).isEqualTo(item("l", list(str("y"))));
        UpdateItemResponse unchanged = client.updateItem(b -> b.tableName(table).key(item("pk", str(pk)))
                .updateExpression("REMOVE gone").returnValues(ReturnValue.UPDATED_OLD));
        assertThat(unchanged.hasAttributes()).isFalse();
    }

    @Test
    void itemCountInDescribeTable() {
        org.junit.jupiter.api.Assumptions.assumeTrue(isInProcess(), "DynamoDB updates ItemCount every 6 hours");
        String counted = hashTable();
        for (int i = 0; i < 3; i++) {
            String pk = "c" + i;
            client.updateItem(b -> b.tableName(counted).key(item("pk", str(pk))).updateExpression("ADD n :one")
                    .expressionAttributeValues(values(":one", num("1"))));
        }
        // Updating an existing item, and a failed conditional update, add nothing.
        client.updateItem(b -> b.tableName(counted).key(item("pk", str("c0"))).updateExpression("ADD n :one")
                .expressionAttributeValues(values(":one", num("1"))));
        assertError(ConditionalCheckFailedException.class, "ConditionalCheckFailedException", CONDITION_FAILED,
                () -> client.updateItem(b -> b.tableName(counted).key(item("pk", str("c9")))
                        .updateExpression("ADD n :one").conditionExpression("attribute_exists(pk)")
                        .expressionAttributeValues(values(":one", num("1")))));
        client.updateItem(b -> b.tableName(counted).key(item("pk", str("c1"))).updateExpression("REMOVE n"));
        assertThat(client.describeTable(b -> b.tableName(counted)).table().itemCount()).isEqualTo(3L);
        client.deleteItem(b -> b.tableName(counted).key(item("pk", str("c2"))));
        assertThat(client.describeTable(b -> b.tableName(counted)).table().itemCount()).isEqualTo(2L);
    }
}
