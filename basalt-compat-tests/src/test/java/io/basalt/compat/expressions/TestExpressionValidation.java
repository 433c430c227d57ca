package io.basalt.compat.expressions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.AttributeValueUpdate;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.ExpectedAttributeValue;

/**
 * Static validation of expressions and their parameters: syntax errors with DynamoDB's token and near texts,
 * reserved words, placeholders, operand types, mixing with legacy parameters, and the envelope PutItem, UpdateItem
 * and DeleteItem put around these messages (GetItem reports them bare).
 */
class TestExpressionValidation extends ExpressionTestSupport {
    private String table;

    @BeforeAll
    void createTable() {
        table = hashTable();
    }

    private void assertConditionError(String condition, Map<String, AttributeValue> values, String detail) {
        assertValidation(ENVELOPE + "Invalid ConditionExpression: " + detail,
                () -> client.putItem(b -> b.tableName(table).item(item("pk", str("v"))).conditionExpression(condition)
                        .expressionAttributeNames(namesIn(condition)).expressionAttributeValues(values)));
    }

    private void assertUpdateError(String update, Map<String, AttributeValue> values, String detail) {
        assertValidation(ENVELOPE + "Invalid UpdateExpression: " + detail,
                () -> client.updateItem(b -> b.tableName(table).key(item("pk", str("v"))).updateExpression(update)
                        .expressionAttributeNames(namesIn(update)).expressionAttributeValues(values)));
    }

    private void assertProjectionError(String projection, String detail) {
        assertValidation("Invalid ProjectionExpression: " + detail,
                () -> client.getItem(b -> b.tableName(table).key(item("pk", str("v"))).projectionExpression(projection)
                        .expressionAttributeNames(namesIn(projection))));
    }

    private static String syntax(String token, String near) {
        return "Syntax error; token: \"" + token + "\", near: \"" + near + "\"";
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "a = |<EOF>|= ",
        "a = :v AND|<EOF>|AND",
        "a = :v :w|:w|:v :w",
        "(a = :v|<EOF>|:v",
        "a = :v)|)|:v)",
        "a BETWEEN :v|<EOF>|:v",
        "a IN ()|)|()",
        "attribute_exists(a|<EOF>|a",
        "a[x] = :v|x|[x]",
        "a = :v @|@|:v @",
        "a = :v AND OR b = :w|OR|AND OR b",
        "a = :v, b = :w|,|:v, b",
        "NOT|<EOF>|NOT",
        "= :v|=|= :v",
        "a = :v OR|<EOF>|OR",
        "a <> |<EOF>|<> ",
        "a < = :v|=|< = :v",
        "a.b. = :v|=|. = :v",
        "a = :v AND (b = :w|<EOF>|:w",
        "begins_with a, :v|a|begins_with a,",
        "a !! :v|!|a !!",
        "a = :v;|;|:v;",
    })
    void conditionSyntaxErrors(String condition, String token, String near) {
        assertConditionError(condition, numbersFor(condition), syntax(token, near));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "SET|<EOF>|SET",
        "SET a|<EOF>|a",
        "SET a = |<EOF>|= ",
        "SET a = :v,|<EOF>|,",
        "INVALID SYNTAX|INVALID|INVALID SYNTAX",
        "SET a = :v REMOVE|<EOF>|REMOVE",
        "REMOVE a = :v|=|a = :v",
        "ADD a|<EOF>|a",
        "SET a = b * :v|*|b * :v",
        "SET a = b + :v + :w|+|:v + :w",
        "SET a = :v SET|<EOF>|SET",
        "UPDATE a = :v|UPDATE|UPDATE a",
        "SET a[] = :v|]|[] =",
        "SET #a[].#c = :v|]|[].",
        "REMOVE a,|<EOF>|,",
    })
    void updateSyntaxErrors(String update, String token, String near) {
        assertUpdateError(update, numbersFor(update), syntax(token, near));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "!!|!|!!",
        "a,|<EOF>|,",
        "',a'|,|,a",
        "a,,b|,|,,b",
        "a b|b|a b",
        "a.b.|<EOF>|.",
        "a[|<EOF>|[",
        "a[1|<EOF>|1",
        "a = b|=|a = b",
    })
    void projectionSyntaxErrors(String projection, String token, String near) {
        assertProjectionError(projection, syntax(token, near));
    }

    @Test
    void emptyExpressions() {
        assertConditionError("", null, "The expression can not be empty;");
        assertUpdateError("", null, "The expression can not be empty;");
        assertProjectionError("", "The expression can not be empty;");
        assertValidation(ENVELOPE + "Invalid ConditionExpression: The expression can not be empty;",
                () -> client.deleteItem(b -> b.tableName(table).key(item("pk", str("v"))).conditionExpression("")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"status", "name", "size", "date", "year", "value", "comment", "data", "user", "key",
        "count", "timestamp", "order", "select", "table", "values", "token", "source", "zone", "hash"})
    void reservedWords(String word) {
        String detail = "Attribute name is a reserved keyword; reserved keyword: " + word;
        assertConditionError(word + " = :v", values(":v", num("1")), detail);
        assertConditionError("a.b = :v AND attribute_exists(x." + word + ")", values(":v", num("1")), detail);
        assertUpdateError("SET " + word + " = :v", values(":v", num("1")), detail);
        assertProjectionError("a, " + word, detail);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "abc", "attr_1", "Status1", "x_", "sizes", "nameless", "x2y", "A9_b"})
    void nonReservedNamesAreAccepted(String word) {
        client.putItem(b -> b.tableName(table).item(item("pk", str("ok"))).conditionExpression(
                "attribute_not_exists(" + word + ") OR " + word + " <> :v").expressionAttributeValues(values(":v",
                        num("1"))));
    }

    @Test
    void undefinedPlaceholders() {
        assertConditionError("a = :nope", values(":v", num("1")), "An expression attribute value used in expression "
                + "is not defined; attribute value: :nope");
        assertValidation(ENVELOPE + "Invalid ConditionExpression: An expression attribute name used in the document "
                + "path is not defined; attribute name: #nope",
                () -> client.putItem(b -> b.tableName(table).item(item("pk", str("v"))).conditionExpression(
                        "#nope = :v").expressionAttributeValues(values(":v", num("1")))));
        assertUpdateError("SET a = :nope", values(":v", num("1")), "An expression attribute value used in expression "
                + "is not defined; attribute value: :nope");
        assertValidation("Invalid ProjectionExpression: An expression attribute name used in the document path is "
                + "not defined; attribute name: #undef",
                () -> client.getItem(b -> b.tableName(table).key(item("pk", str("v"))).projectionExpression("#undef")
                        .expressionAttributeNames(names("#other", "a"))));
    }

    @Test
    void unusedPlaceholders() {
        assertValidation(ENVELOPE + "Value provided in ExpressionAttributeValues unused in expressions: keys: {:c}",
                () -> client.putItem(b -> b.tableName(table).item(item("pk", str("v"))).conditionExpression("a = :v")
                        .expressionAttributeValues(values(":v", num("1"), ":c", num("2")))));
        assertValidation(ENVELOPE + "Value provided in ExpressionAttributeNames unused in expressions: keys: {#b}",
                () -> client.updateItem(b -> b.tableName(table).key(item("pk", str("v"))).updateExpression("REMOVE #a")
                        .expressionAttributeNames(names("#a", "a", "#b", "b"))));
        assertValidation("Value provided in ExpressionAttributeNames unused in expressions: keys: {#b}",
                () -> client.getItem(b -> b.tableName(table).key(item("pk", str("v"))).projectionExpression("#a")
                        .expressionAttributeNames(names("#a", "a", "#b", "b"))));
        // A value used in either of two expressions counts as used.
        client.updateItem(b -> b.tableName(table).key(item("pk", str("used"))).updateExpression("SET a = :v")
                .conditionExpression("attribute_not_exists(b) OR b = :w")
                .expressionAttributeValues(values(":v", num("1"), ":w", num("2"))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "#", "#a-b", "#a b", "##a", "#a.b", "a#", "#é"})
    void invalidNameKeys(String key) {
        assertValidation(ENVELOPE + "ExpressionAttributeNames contains invalid key: Syntax error; key: \"" + key
                + "\"", () -> client.putItem(b -> b.tableName(table).item(item("pk", str("v")))
                        .conditionExpression("attribute_exists(#ok)").expressionAttributeNames(names("#ok", "x", key,
                                "y"))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"v", ":", ":a-b", ":a b", "::a", ":a.b", "#v", ":é"})
    void invalidValueKeys(String key) {
        Map<String, AttributeValue> values = new HashMap<>(values(":ok", num("1")));
        values.put(key, num("2"));
        assertValidation(ENVELOPE + "ExpressionAttributeValues contains invalid key: Syntax error; key: \"" + key
                + "\"", () -> client.putItem(b -> b.tableName(table).item(item("pk", str("v")))
                        .conditionExpression("a = :ok").expressionAttributeValues(values)));
    }

    static Stream<Arguments> invalidValues() {
        return Stream.of(
                Arguments.of(AttributeValue.fromNul(false), "One or more parameter values were invalid: Null attribute "
                        + "value types must have the value of true"),
                Arguments.of(AttributeValue.fromSs(List.of()), "One or more parameter values were invalid: An string "
                        + "set  may not be empty"),
                Arguments.of(AttributeValue.fromNs(List.of()), "One or more parameter values were invalid: An number "
                        + "set  may not be empty"),
                Arguments.of(AttributeValue.fromN("abc"), "The parameter cannot be converted to a numeric value: abc"),
                Arguments.of(AttributeValue.fromN("1e126"), "Number overflow. Attempting to store a number with "
                        + "magnitude larger than supported range"),
                Arguments.of(AttributeValue.builder().build(), "Supplied AttributeValue is empty, must contain exactly "
                        + "one of the supported datatypes"));
    }

    /**
     * PutItem checks expression values with the current layer: the value's own message inside the envelope, no
     * "ExpressionAttributeValues contains invalid value" wrapper; Scan (older layer) keeps the wrapper
     * (docs/design/error-texts.md).
     */
    @ParameterizedTest
    @MethodSource("invalidValues")
    void invalidValues(AttributeValue value, String message) {
        assertValidation(ENVELOPE + message,
                () -> client.putItem(b -> b.tableName(table).item(item("pk", str("v")))
                        .conditionExpression("a = :v").expressionAttributeValues(Map.of(":v", value))));
        assertValidation("ExpressionAttributeValues contains invalid value: " + message + " for key :v",
                () -> client.scan(b -> b.tableName(table).filterExpression("a = :v")
                        .expressionAttributeValues(Map.of(":v", value))));
    }

    @Test
    void emptyNameAndValueMaps() {
        assertValidation(ENVELOPE + "ExpressionAttributeNames must not be empty",
                () -> client.putItem(b -> b.tableName(table).item(item("pk", str("v"))).conditionExpression("a = b")
                        .expressionAttributeNames(Map.of())));
        assertValidation(ENVELOPE + "ExpressionAttributeValues must not be empty",
                () -> client.putItem(b -> b.tableName(table).item(item("pk", str("v"))).conditionExpression("a = b")
                        .expressionAttributeValues(Map.of())));
        assertValidation("ExpressionAttributeNames must not be empty",
                () -> client.getItem(b -> b.tableName(table).key(item("pk", str("v"))).projectionExpression("a")
                        .expressionAttributeNames(Map.of())));
    }

    @Test
    void namesAndValuesOnlyWithExpressions() {
        String names = "ExpressionAttributeNames can only be specified when using expressions";
        String values = "ExpressionAttributeValues can only be specified when using expressions";
        assertValidation(ENVELOPE + names, () -> client.putItem(b -> b.tableName(table).item(item("pk", str("v")))
                .expressionAttributeNames(names("#a", "a"))));
        assertValidation(ENVELOPE + values, () -> client.putItem(b -> b.tableName(table).item(item("pk", str("v")))
                .expressionAttributeValues(values(":a", num("1")))));
        assertValidation(ENVELOPE + names, () -> client.deleteItem(b -> b.tableName(table).key(item("pk", str("v")))
                .expressionAttributeNames(names("#a", "a"))));
        assertValidation(ENVELOPE + values, () -> client.updateItem(b -> b.tableName(table)
                .key(item("pk", str("v"))).expressionAttributeValues(values(":a", num("1")))));
        assertValidation(names, () -> client.getItem(b -> b.tableName(table).key(item("pk", str("v")))
                .expressionAttributeNames(names("#a", "a"))));
        // GetItem's only expression cannot use values at all.
        var response = post("GetItem", "{\"TableName\":\"" + table + "\",\"Key\":{\"pk\":{\"S\":\"v\"}},"
                + "\"ProjectionExpression\":\"a\",\"ExpressionAttributeValues\":{\":a\":{\"N\":\"1\"}}}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).isEqualTo(validationBody(values));
        assertThat(get(table, "v")).isNull();
    }

    private static String mixing(String legacy, String expressions) {
        return "Can not use both expression and non-expression parameters in the same request: Non-expression "
                + "parameters: {" + legacy + "} Expression parameters: {" + expressions + "}";
    }

    /** Asserts the mixing message; whether DynamoDB envelopes it is not known (wire-reference §1.6 item 1). */
    private static void assertMixing(String message, org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        DynamoDbException error = catchThrowableOfType(DynamoDbException.class, call);
        assertThat(error).as(message).isNotNull();
        assertThat(error.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
        assertThat(error.awsErrorDetails().errorMessage()).isIn(message, ENVELOPE + message);
    }

    @Test
    void mixingLegacyAndExpressionParameters() {
        Map<String, ExpectedAttributeValue> expected = Map.of("a", ExpectedAttributeValue.builder().exists(false)
                .build());
        Map<String, AttributeValueUpdate> updates = Map.of("b", AttributeValueUpdate.builder().value(num("1"))
                .build());
        assertMixing(mixing("Expected", "ConditionExpression"), () -> client.putItem(b -> b.tableName(table)
                .item(item("pk", str("v"))).expected(expected).conditionExpression("attribute_exists(a)")));
        assertMixing(mixing("Expected", "ConditionExpression"), () -> client.deleteItem(b -> b.tableName(table)
                .key(item("pk", str("v"))).expected(expected).conditionExpression("attribute_exists(a)")));
        assertMixing(mixing("AttributeUpdates", "UpdateExpression"), () -> client.updateItem(b -> b.tableName(table)
                .key(item("pk", str("v"))).attributeUpdates(updates).updateExpression("REMOVE c")));
        assertMixing(mixing("AttributeUpdates", "ConditionExpression"), () -> client.updateItem(b -> b
                .tableName(table).key(item("pk", str("v"))).attributeUpdates(updates)
                .conditionExpression("attribute_exists(a)")));
        assertMixing(mixing("Expected", "UpdateExpression"), () -> client.updateItem(b -> b.tableName(table)
                .key(item("pk", str("v"))).expected(expected).updateExpression("REMOVE c")));
        assertMixing(mixing("AttributeUpdates, Expected", "UpdateExpression, ConditionExpression"),
                () -> client.updateItem(b -> b.tableName(table).key(item("pk", str("v"))).attributeUpdates(updates)
                        .expected(expected).updateExpression("REMOVE c").conditionExpression("attribute_exists(a)")));
        assertThat(get(table, "v")).isNull();
    }

    static Stream<Arguments> conditionErrors() {
        return Stream.of(
                Arguments.of("foo(a)", null, "Invalid function name; function: foo"),
                Arguments.of("attribute_exists(a, b)", null, "Incorrect number of operands for operator or function; "
                        + "operator or function: attribute_exists, number of operands: 2"),
                Arguments.of("attribute_not_exists()", null, "Syntax error; token: \")\", near: \"()\""),
                Arguments.of("begins_with(a)", null, "Incorrect number of operands for operator or function; "
                        + "operator or function: begins_with, number of operands: 1"),
                Arguments.of("contains(a, :v, :v)", values(":v", str("x")), "Incorrect number of operands for "
                        + "operator or function; operator or function: contains, number of operands: 3"),
                Arguments.of("size(a, b) = :v", values(":v", num("1")), "Incorrect number of operands for operator "
                        + "or function; operator or function: size, number of operands: 2"),
                Arguments.of("attribute_exists(:v)", values(":v", str("x")), "Operator or function requires a "
                        + "document path; operator or function: attribute_exists"),
                Arguments.of("a < :v", values(":v", bool(true)), "Incorrect operand type for operator or function; "
                        + "operator or function: <, operand type: BOOL"),
                Arguments.of("a >= :v", values(":v", ss("x")), "Incorrect operand type for operator or function; "
                        + "operator or function: >=, operand type: SS"),
                Arguments.of("a BETWEEN :v AND :w", values(":v", nul(), ":w", nul()), "Incorrect operand type for "
                        + "operator or function; operator or function: BETWEEN, operand type: NULL"),
                Arguments.of("begins_with(a, :v)", values(":v", num("1")), "Incorrect operand type for operator or "
                        + "function; operator or function: begins_with, operand type: N"),
                Arguments.of("attribute_type(a, :v)", values(":v", num("1")), "Incorrect operand type for operator "
                        + "or function; operator or function: attribute_type, operand type: N"),
                Arguments.of("attribute_type(a, :v)", values(":v", str("DOG")), "Invalid attribute type name found; "
                        + "type: DOG, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"),
                Arguments.of("attribute_type(a, :v)", values(":v", str("s")), "Invalid attribute type name found; "
                        + "type: s, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"),
                Arguments.of("a BETWEEN :v AND :w", values(":v", num("1"), ":w", str("a")), "The BETWEEN operator "
                        + "requires same data type for lower and upper bounds; lower bound operand: AttributeValue: "
                        + "{N:1}, upper bound operand: AttributeValue: {S:a}"),
                Arguments.of("a BETWEEN :v AND :w", values(":v", str("b"), ":w", str("a")), "The BETWEEN operator "
                        + "requires upper bound to be greater than or equal to lower bound; lower bound operand: "
                        + "AttributeValue: {S:b}, upper bound operand: AttributeValue: {S:a}"),
                Arguments.of("a BETWEEN :v AND :w", values(":v", num("10"), ":w", num("9")), "The BETWEEN operator "
                        + "requires upper bound to be greater than or equal to lower bound; lower bound operand: "
                        + "AttributeValue: {N:10}, upper bound operand: AttributeValue: {N:9}"),
                Arguments.of("contains(a, a)", null, "The first operand must be distinct from the remaining operands "
                        + "for this operator or function; operator: contains, first operand: [a]"),
                Arguments.of("((a = :v))", values(":v", num("1")), "The expression has redundant parentheses;"),
                Arguments.of("a = :v AND ((b = :v))", values(":v", num("1")), "The expression has redundant "
                        + "parentheses;"),
                Arguments.of("if_not_exists(a, :v) = :v", values(":v", num("1")), "The function is not allowed in a "
                        + "condition expression; function: if_not_exists"),
                Arguments.of("list_append(a, :v) = :v", values(":v", list()), "The function is not allowed in a "
                        + "condition expression; function: list_append"),
                Arguments.of("attribute_exists(a) < :v", values(":v", num("1")), "The function is not allowed to be "
                        + "used this way in an expression; function: attribute_exists"),
                Arguments.of("size(a)", null, "The function is not allowed to be used this way in an expression; "
                        + "function: size"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conditionErrors")
    void conditionErrors(String condition, Map<String, AttributeValue> values, String detail) {
        assertConditionError(condition, values, detail);
    }

    static Stream<Arguments> updateErrors() {
        return Stream.of(
                Arguments.of("SET a = size(b)", null, "The function is not allowed in an update expression; "
                        + "function: size"),
                Arguments.of("SET a = attribute_exists(b)", null, "The function is not allowed in an update "
                        + "expression; function: attribute_exists"),
                Arguments.of("SET a = foo(b)", null, "Invalid function name; function: foo"),
                Arguments.of("SET a = if_not_exists(:v, b)", values(":v", num("1")), "Operator or function requires "
                        + "a document path; operator or function: if_not_exists"),
                Arguments.of("SET a = if_not_exists(b)", null, "Incorrect number of operands for operator or "
                        + "function; operator or function: if_not_exists, number of operands: 1"),
                Arguments.of("SET a = list_append(b)", null, "Incorrect number of operands for operator or function; "
                        + "operator or function: list_append, number of operands: 1"),
                Arguments.of("ADD a :v", values(":v", str("x")), "Incorrect operand type for operator or function; "
                        + "operator: ADD, operand type: STRING, typeSet: ALLOWED_FOR_ADD_OPERAND"),
                Arguments.of("ADD a :v", values(":v", list()), "Incorrect operand type for operator or function; "
                        + "operator: ADD, operand type: LIST, typeSet: ALLOWED_FOR_ADD_OPERAND"),
                Arguments.of("ADD a :v", values(":v", bool(true)), "Incorrect operand type for operator or function; "
                        + "operator: ADD, operand type: BOOLEAN, typeSet: ALLOWED_FOR_ADD_OPERAND"),
                Arguments.of("DELETE a :v", values(":v", num("1")), "Incorrect operand type for operator or "
                        + "function; operator: DELETE, operand type: NUMBER, typeSet: ALLOWED_FOR_DELETE_OPERAND"),
                Arguments.of("DELETE a :v", values(":v", map()), "Incorrect operand type for operator or function; "
                        + "operator: DELETE, operand type: MAP, typeSet: ALLOWED_FOR_DELETE_OPERAND"),
                Arguments.of("SET a = :v + :w", values(":v", str("x"), ":w", num("1")), "Incorrect operand type for "
                        + "operator or function; operator or function: +, operand type: S"),
                Arguments.of("SET a = b - :v", values(":v", ss("x")), "Incorrect operand type for operator or "
                        + "function; operator or function: -, operand type: SS"),
                Arguments.of("SET a = list_append(:v, b)", values(":v", str("x")), "Incorrect operand type for "
                        + "operator or function; operator or function: list_append, operand type: S"),
                Arguments.of("SET a = :v, a = :v", values(":v", num("1")), "Two document paths overlap with each "
                        + "other; must remove or rewrite one of these paths; path one: [a], path two: [a]"),
                Arguments.of("REMOVE a.b, a[1]", null, "Two document paths conflict with each other; must remove or "
                        + "rewrite one of these paths; path one: [a, b], path two: [a, [1]]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("updateErrors")
    void updateErrors(String update, Map<String, AttributeValue> values, String detail) {
        assertUpdateError(update, values, detail);
    }

    @Test
    void sizeLimits() {
        StringBuilder in = new StringBuilder("a IN (:v0");
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":v0", num("0"));
        for (int i = 1; i <= 100; i++) {
            in.append(", :v").append(i);
            values.put(":v" + i, num(Integer.toString(i)));
        }
        assertConditionError(in + ")", values, "Too many operands for the operator or function; operator or "
                + "function: IN, number of operands: 101");
        values.remove(":v100");
        assertThat(conditionHolds(table, item("pk", str("in")), in.substring(0, in.lastIndexOf(",")) + ")", values))
                .isFalse();
        StringBuilder ors = new StringBuilder("a = :v");
        for (int i = 0; i < 300; i++) {
            ors.append(" OR a = :v");
        }
        assertConditionError(ors.toString(), values(":v", num("1")), "The expression contains too many operators; "
                + "operator count: 301");
        String deep = "a" + ".b".repeat(32);
        assertConditionError("attribute_exists(" + deep + ")", null, "The document path has too many nesting "
                + "levels; nesting levels: 33");
        String exactly4k = "attribute_exists(" + "x".repeat(4096 - 18) + ")";
        assertThat(exactly4k).hasSize(4096);
        assertThat(conditionHolds(table, item("pk", str("in")), exactly4k, null)).isFalse();
    }

    @Test
    void expressionLongerThan4kBytes() {
        String long4k = "attribute_exists(" + "x".repeat(4080) + ")";
        assertThat(long4k.length()).isGreaterThan(4096);
        assertConditionError(long4k, null, "Expression size has exceeded the maximum allowed size;");
        assertUpdateError("REMOVE " + "x".repeat(4090), null, "Expression size has exceeded the maximum allowed size;");
    }

    @Test
    void sameErrorEnvelopedOnWritesAndBareOnGetItem() {
        String detail = "Invalid ConditionExpression: An expression attribute value used in expression is not "
                + "defined; attribute value: :v";
        assertValidation(ENVELOPE + detail, () -> client.putItem(b -> b.tableName(table).item(item("pk", str("e")))
                .conditionExpression("a = :v")));
        assertValidation(ENVELOPE + detail, () -> client.deleteItem(b -> b.tableName(table).key(item("pk", str("e")))
                .conditionExpression("a = :v")));
        assertValidation(ENVELOPE + detail, () -> client.updateItem(b -> b.tableName(table).key(item("pk", str("e")))
                .conditionExpression("a = :v")));
        assertValidation("Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: "
                + "name", () -> client.getItem(b -> b.tableName(table).key(item("pk", str("e")))
                        .projectionExpression("name")));
    }
}
