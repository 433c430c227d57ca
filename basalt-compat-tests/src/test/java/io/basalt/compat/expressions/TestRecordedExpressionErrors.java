package io.basalt.compat.expressions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * Malformed conditions whose answers dynalite recorded from live DynamoDB (test/scan.js FilterExpression cases),
 * replayed as ConditionExpressions: syntax errors, redundant parentheses, operand counts and types, path-required
 * and distinct-operand errors, and which of several problems DynamoDB reports first.
 */
class TestRecordedExpressionErrors extends ExpressionTestSupport {
    private String table;

    @BeforeAll
    void createTable() {
        table = hashTable();
    }

    /** Sends a PutItem with exactly these names and values, and returns DynamoDB's message. */
    private String conditionMessage(String condition, Map<String, String> names,
            Map<String, AttributeValue> values) {
        DynamoDbException error = catchThrowableOfType(DynamoDbException.class, () -> client.putItem(b -> b
                .tableName(table).item(item("pk", str("dl"))).conditionExpression(condition)
                .expressionAttributeNames(names).expressionAttributeValues(values)));
        assertThat(error).as(condition).isNotNull();
        assertThat(error.awsErrorDetails().errorCode()).as(condition).isEqualTo("ValidationException");
        return error.awsErrorDetails().errorMessage();
    }

    private static final String CONDITION = ENVELOPE + "Invalid ConditionExpression: ";

    /** Inputs dynalite recorded from live DynamoDB (test/scan.js FilterExpression), checked as conditions. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"things are not gonna be ok", "a > 4", "attribute_exists(Pictures-RearView)",
        "attribute_exists(\"Pictures.RearView\")", "attribute_exists(Pictures..RearView)",
        "attribute_exists(Pi#ctures.RearView)", "attribute_exists(asdf[a])", "a in b, c", "a > between", "a in b",
        "a in (b,c,)", "(a)between(b.(c.d))and(c)", "(a)between(b.c.d)and((c)", "#$.b > a", "a > :things.stuff",
        "b[:a] > a", "b[#_] > a", "ü > a", "(a)between(b.c[4.5].#d)and(:a)", "size(a).b > a", "(size(a)).b > a",
        "size(a)[0] > a", "(size(a))[0] > a"})
    void dynaliteSyntaxErrors(String condition) {
        assertThat(conditionMessage(condition, null, null)).startsWith(CONDITION + "Syntax error; token: ");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"a=a and a > ((views))", "(a)between(((b.c)).d)and(c)", "a > whatever((:things), ((a)))",
        "a=a AND ((a=a AND a=a)) AND a=a", "a=a OR ((a=a OR a=a)) OR a=a", "a=a AND ((a=a AND (a=a AND a=a)))",
        "a=a OR ((a=a OR (a=a OR a=a)))"})
    void dynaliteRedundantParentheses(String condition) {
        assertThat(conditionMessage(condition, null, null)).isEqualTo(CONDITION
                + "The expression has redundant parentheses;");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "a=a and whatever((:things)) > a|Invalid function name; function: whatever",
        "attRIbute_exIsts((views), #a)|Invalid function name; function: attRIbute_exIsts",
        "a=a and attribute_exists((views), (#a)) > b|The function is not allowed to be used this way in an "
            + "expression; function: attribute_exists",
        "attribute_not_exists(things) > b|The function is not allowed to be used this way in an expression; "
            + "function: attribute_not_exists",
        "attribute_type(things, :a) > b|The function is not allowed to be used this way in an expression; "
            + "function: attribute_type",
        "begins_with(things, a) > b|The function is not allowed to be used this way in an expression; function: "
            + "begins_with",
        "contains(:things, c) > b|The function is not allowed to be used this way in an expression; function: "
            + "contains",
        "size(contains(a, b)) > a|The function is not allowed to be used this way in an expression; function: "
            + "contains",
        "size(things)|The function is not allowed to be used this way in an expression; function: size",
        "a between b and attribute_exists(things)|The function is not allowed to be used this way in an "
            + "expression; function: attribute_exists",
        "a in (b, attribute_exists(things))|The function is not allowed to be used this way in an expression; "
            + "function: attribute_exists",
        "attribute_exists(views, #a)|Attribute name is a reserved keyword; reserved keyword: views",
        ":a < abOrT|Attribute name is a reserved keyword; reserved keyword: abOrT",
        "(#P between :lo and :hi) and (#PC in (:cat1, :cat2))|An expression attribute name used in the document "
            + "path is not defined; attribute name: #P",
        "#4g > a|An expression attribute name used in the document path is not defined; attribute name: #4g",
        "#_ > a|An expression attribute name used in the document path is not defined; attribute name: #_",
        "(a)between(b.c[45].#d)and(:a)|An expression attribute name used in the document path is not defined; "
            + "attribute name: #d",
        ":a < :b|An expression attribute value used in expression is not defined; attribute value: :a",
        ":_ > a|An expression attribute value used in expression is not defined; attribute value: :_",
    })
    void dynaliteMessagesWithoutNamesOrValues(String condition, String detail) {
        assertThat(conditionMessage(condition, null, null)).isEqualTo(CONDITION + detail);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "attribute_exists(#Pictures.RearView, :a) and a=a|An expression attribute name used in the document path "
            + "is not defined; attribute name: #Pictures",
        "begins_with(Pictures.#RearView)|An expression attribute name used in the document path is not defined; "
            + "attribute name: #RearView",
        "begins_with(:hello, #a, #b)|An expression attribute value used in expression is not defined; attribute "
            + "value: :hello",
    })
    void dynaliteUndefinedBeforeOperandCount(String condition, String detail) {
        dynaliteMessagesWithoutNamesOrValues(condition, detail);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "attribute_exists(things, a) and a=a|attribute_exists|2",
        "attribute_not_exists(things, b)|attribute_not_exists|2",
        "attribute_type(things)|attribute_type|1",
        "begins_with(things)|begins_with|1",
        "begins_with(things, size(a), b)|begins_with|3",
        "contains(things)|contains|1",
        "size(things, a) > b|size|2",
    })
    void dynaliteOperandCounts(String condition, String function, int count) {
        assertThat(conditionMessage(condition, null, null)).isEqualTo(CONDITION + "Incorrect number of operands for "
                + "operator or function; operator or function: " + function + ", number of operands: " + count);
    }

    static Stream<Arguments> dynaliteOperandTypes() {
        List<Arguments> cases = new java.util.ArrayList<>();
        AttributeValue[] all = {num("1"), bin(0x61), bool(true), nul(), list(), map(), ss("1"), ns("1"),
            AttributeValue.fromBs(List.of(software.amazon.awssdk.core.SdkBytes.fromUtf8String("a")))};
        String[] names = {"N", "B", "BOOL", "NULL", "L", "M", "SS", "NS", "BS"};
        for (int i = 0; i < all.length; i++) {
            cases.add(Arguments.of("attribute_type(a, :a)", "attribute_type", all[i], names[i]));
            if (i != 1) {
                cases.add(Arguments.of("begins_with(a, :a)", "begins_with", all[i], names[i]));
                cases.add(Arguments.of("begins_with(:a, a)", "begins_with", all[i], names[i]));
            }
        }
        cases.add(Arguments.of("attribute_type(a, size(a)) and a=:a", "attribute_type", num("1"), "N"));
        cases.add(Arguments.of("begins_with(a, size(a)) and a=:a", "begins_with", num("1"), "N"));
        return cases.stream();
    }

    /** Operand types that come before a later condition's problem, and size() of values (dynalite test/scan.js). */
    static Stream<Arguments> dynaliteOperandTypesParserOrder() {
        return Stream.of(
                Arguments.of("attribute_type(a, size(a)) and a=a and a=:a", "attribute_type", num("1"), "N"),
                Arguments.of("size(size(a)) > :a", "size", num("1"), "N"),
                Arguments.of("attribute_not_exists(size(:a))", "size", num("1"), "N"),
                Arguments.of("size(:a) > a", "size", bool(true), "BOOL"),
                Arguments.of("size(:a) > a", "size", nul(), "NULL"));
    }

    @ParameterizedTest(name = "{0} with {3}")
    @MethodSource("dynaliteOperandTypesParserOrder")
    void dynaliteOperandTypesParserOrder(String condition, String function, AttributeValue value, String type) {
        dynaliteOperandTypes(condition, function, value, type);
    }

    @ParameterizedTest(name = "{0} with {3}")
    @MethodSource("dynaliteOperandTypes")
    void dynaliteOperandTypes(String condition, String function, AttributeValue value, String type) {
        assertThat(conditionMessage(condition, null, Map.of(":a", value))).isEqualTo(CONDITION + "Incorrect operand "
                + "type for operator or function; operator or function: " + function + ", operand type: " + type);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "attribute_exists(:a) and a=a|attribute_exists",
        "attribute_not_exists(size(:a))|attribute_not_exists",
    })
    void dynalitePathRequired(String condition, String function) {
        assertThat(conditionMessage(condition, null, Map.of(":a", str("1")))).isEqualTo(CONDITION + "Operator or "
                + "function requires a document path; operator or function: " + function);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "a = a AND #a = b AND :views > a|=|[a]",
        "((a=a) OR (a=a))|=|[a]",
        "((a=a) AND (a=a))|=|[a]",
    })
    void dynaliteNonDistinct(String condition, String operator, String path) {
        assertThat(conditionMessage(condition, names("#a", "a"), null)).isEqualTo(CONDITION + "The first operand "
                + "must be distinct from the remaining operands for this operator or function; operator: " + operator
                + ", first operand: " + path);
    }

    /** Placeholders are resolved before the distinct check, and the message names the attribute itself. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "#a <> a|<>|[a]",
        "a > #a|>|[a]",
        "contains(ab.bc[1].a, ab.bc[1].#a)|contains|[ab, bc, [1], a]",
        "attribute_type(ab.bc[1].#a, ab.bc[1].a)|attribute_type|[ab, bc, [1], a]",
        "begins_with(ab.bc[1].a, ab.bc[1].#a)|begins_with|[ab, bc, [1], a]",
    })
    void dynaliteNonDistinctThroughPlaceholders(String condition, String operator, String path) {
        dynaliteNonDistinct(condition, operator, path);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"contains(#a, #a)|contains|[a]", "#a = #a|=|[a]", "a.#a < a.#a|<|[a, a]"})
    void nonDistinctPlaceholdersRenderTheName(String condition, String operator, String path) {
        dynaliteNonDistinct(condition, operator, path);
    }
}
