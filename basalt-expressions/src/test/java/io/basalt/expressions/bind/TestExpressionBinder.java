package io.basalt.expressions.bind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.ast.Operand;
import io.basalt.expressions.eval.ExpressionValidator;
import io.basalt.expressions.parser.ExpressionKind;
import io.basalt.expressions.parser.ExpressionParser;
import io.basalt.model.AttributeValue;
import io.basalt.model.BasaltException;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The order in which binding reports undefined placeholders, deferred parser problems and leaf checks. */
class TestExpressionBinder {
    private static final LeafChecker CHECKS = LeafChecker.of(ExpressionValidator::leafProblem,
            ExpressionValidator::operandProblem);
    private static final String UNDEFINED_VALUE = "An expression attribute value used in expression is not defined; "
            + "attribute value: ";
    private static final String UNDEFINED_NAME = "An expression attribute name used in the document path is not "
            + "defined; attribute name: ";
    private static final String DISTINCT = "The first operand must be distinct from the remaining operands for this "
            + "operator or function; operator: ";

    private static String conditionError(String text, Map<String, String> names,
            Map<String, AttributeValue> values) {
        BasaltException error = catchThrowableOfType(BasaltException.class, () -> new ExpressionBinder(names, values)
                .bind(ExpressionParser.parseConditionDeferred(text, ExpressionKind.FILTER), "FilterExpression",
                        CHECKS));
        assertThat(error).as(text).isNotNull();
        assertThat(error.getMessage()).startsWith("Invalid FilterExpression: ");
        return error.getMessage().substring("Invalid FilterExpression: ".length());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // dynalite test/scan.js: undefined names and values before operand counts.
        "begins_with(:hello, #a, #b)|" + UNDEFINED_VALUE + ":hello",
        "begins_with(Pictures.#RearView)|" + UNDEFINED_NAME + "#RearView",
        "attribute_exists(#Pictures.RearView, :a) and a=a|" + UNDEFINED_NAME + "#Pictures",
        // ... and before a path required, in the same condition.
        "attribute_exists(:x)|" + UNDEFINED_VALUE + ":x",
        // A nested call's placeholders are part of its condition: size's count does not hide :u.
        "size(a, b) > :u|" + UNDEFINED_VALUE + ":u",
        // An earlier condition's problem wins over a later undefined value (dynalite test/scan.js).
        "a = a AND #a = b AND :views > a|" + DISTINCT + "=, first operand: [a]",
        "attribute_exists(:n) AND :u = a|Operator or function requires a document path; operator or function: "
            + "attribute_exists",
        // A later condition's problem does not hide an earlier undefined value.
        ":u = a AND begins_with(a)|" + UNDEFINED_VALUE + ":u",
        ":u = a AND a = a|" + UNDEFINED_VALUE + ":u",
        // Names are resolved before the distinct check, which prints the bound path.
        "contains(#a, #a)|" + DISTINCT + "contains, first operand: [a]",
        "a.#a < a.#a|" + DISTINCT + "<, first operand: [a, a]",
        "#a IN (:n, a)|" + DISTINCT + "IN, first operand: [a]",
        // size() of values: the nested call's type first.
        "size(size(a)) > :n|Incorrect operand type for operator or function; operator or function: size, operand "
            + "type: N",
        "attribute_not_exists(size(:n))|Incorrect operand type for operator or function; operator or function: "
            + "size, operand type: N",
        "attribute_not_exists(size(:s))|Operator or function requires a document path; operator or function: "
            + "attribute_not_exists",
        "size(:t) > a|Incorrect operand type for operator or function; operator or function: size, operand type: "
            + "BOOL",
        "attribute_type(a, size(a)) and a=a and a=:n|Incorrect operand type for operator or function; operator or "
            + "function: attribute_type, operand type: N",
    })
    void reportsInDynamoDbsOrder(String text, String detail) {
        Map<String, AttributeValue> values = Map.of(":n", AttributeValue.number("1"), ":s", AttributeValue.string("x"),
                ":t", AttributeValue.BooleanValue.of(true), ":a", AttributeValue.string("x"));
        assertThat(conditionError(text, Map.of("#a", "a"), values)).isEqualTo(detail);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // Alternator test_update_expression_if_not_exists_bad_args: :val2 before the path required.
        "SET b = if_not_exists(:val2, :val1)|" + UNDEFINED_VALUE + ":val2",
        // dynalite test/updateItem.js: SET #c = if_not_exists(:c) is the name, SET #a = if_not_exists(:c) the value.
        "SET #c = if_not_exists(:c)|" + UNDEFINED_NAME + "#c",
        "SET #a = if_not_exists(:c)|" + UNDEFINED_VALUE + ":c",
        // db/updateParser.pegjs checkErrors: every name (attrName) before any value (attrVal).
        "SET a = :c, #c = b|" + UNDEFINED_NAME + "#c",
        "SET a = :val1 ADD #a :c|" + UNDEFINED_VALUE + ":c",
        "SET a = if_not_exists(:val1, b)|Operator or function requires a document path; operator or function: "
            + "if_not_exists",
    })
    void reportsUpdateProblemsAfterNamesAndValues(String text, String detail) {
        BasaltException error = catchThrowableOfType(BasaltException.class,
                () -> new ExpressionBinder(Map.of("#a", "a"), Map.of(":val1", AttributeValue.number("6")))
                        .bind(ExpressionParser.parseUpdateDeferred(text)));
        assertThat(error).as(text).isNotNull();
        assertThat(error.getMessage()).isEqualTo("Invalid UpdateExpression: " + detail);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"size(:s) > :n", "a <> #a.b AND size(#a) = :n"})
    void bindsValidConditions(String text) {
        Condition bound = new ExpressionBinder(Map.of("#a", "a"), Map.of(":s", AttributeValue.string("xy"), ":n",
                AttributeValue.number("1"))).bind(ExpressionParser.parseConditionDeferred(text, ExpressionKind.FILTER),
                "FilterExpression", CHECKS);
        assertThat(bound.toString()).doesNotContain("#a", "Placeholder");
        if (text.startsWith("size(:s)")) {
            assertThat(((Condition.Comparison) bound).left()).isEqualTo(
                    new Operand.SizeOf(new Operand.Literal(AttributeValue.string("xy"), ":s")));
        }
    }
}
