package io.basalt.expressions.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.bind.ExpressionBinder;
import io.basalt.expressions.parser.ExpressionKind;
import io.basalt.expressions.parser.ExpressionParser;
import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TestKeyConditions {
    private static final KeySchema SCHEMA = KeySchema.of(new KeyAttribute("pk", AttributeType.S),
            new KeyAttribute("sk", AttributeType.N));
    private static final Map<String, AttributeValue> VALUES = Map.of(
            ":p", AttributeValue.string("P"), ":n", AttributeValue.number(5), ":m", AttributeValue.number(9),
            ":s", AttributeValue.string("x"));

    private static KeyCondition analyze(String expression) {
        Condition parsed = ExpressionParser.parseCondition(expression, ExpressionKind.KEY_CONDITION);
        Condition bound = new ExpressionBinder(Map.of("#k", "sk"), VALUES).bind(parsed, "KeyConditionExpression");
        KeyConditions.checkStructure(bound);
        return KeyConditions.analyze(bound, SCHEMA);
    }

    @Test
    void partitionEqualityAlone() {
        assertThat(analyze("pk = :p")).isEqualTo(new KeyCondition(AttributeValue.string("P"), Optional.empty()));
    }

    @Test
    void sortConditionsInEitherOrderAndWritingDirection() {
        assertThat(analyze("sk >= :n AND pk = :p").sortCondition()).contains(
                new SortKeyCondition.Compare(Condition.Comparator.GE, AttributeValue.number(5)));
        assertThat(analyze(":p = pk AND :n < #k").sortCondition()).contains(
                new SortKeyCondition.Compare(Condition.Comparator.GT, AttributeValue.number(5)));
        assertThat(analyze("pk = :p AND sk BETWEEN :n AND :m").sortCondition()).contains(
                new SortKeyCondition.Between(AttributeValue.number(5), AttributeValue.number(9)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "sk = :n|Query condition missed key schema element: pk",
        "pk = :p OR sk = :n|Invalid operator used in KeyConditionExpression: OR",
        "pk = :p AND NOT sk = :n|Invalid operator used in KeyConditionExpression: NOT",
        "pk < :p|Query key condition not supported",
        "pk = :p AND colour = :s|Query condition missed key schema element: sk",
        "colour = :s|Query condition missed key schema element: pk",
        "pk = :p AND sk <> :n|Invalid operator used in KeyConditionExpression: <>",
        "pk = :p AND sk IN (:n)|Invalid operator used in KeyConditionExpression: IN",
        "pk = :p AND contains(sk, :n)|Invalid operator used in KeyConditionExpression: contains",
        "pk = :p AND attribute_exists(sk)|Invalid operator used in KeyConditionExpression: attribute_exists",
        "pk = :p AND size(sk) = :n|KeyConditionExpressions cannot contain nested operations",
        "pk = :p AND sk = pk|Invalid condition in KeyConditionExpression: Multiple attribute names used in one "
                + "condition",
        "pk = :p AND :n = :m|Invalid condition in KeyConditionExpression: No key attribute specified",
        "pk = :p AND sk.x = :n|KeyConditionExpressions cannot have conditions on nested attributes",
        "pk = :p AND :n BETWEEN sk AND :m|Invalid condition in KeyConditionExpression: BETWEEN operator must have "
                + "the key attribute as its first operand",
        "pk = :p AND pk = :p|KeyConditionExpressions must only contain one condition per key",
        "pk = :p AND sk = :s|One or more parameter values were invalid: Condition parameter type does not match "
                + "schema type",
        "pk = :p AND begins_with(sk, :n)|Invalid KeyConditionExpression: Incorrect operand type for operator or "
                + "function; operator or function: begins_with, operand type: N",
    })
    void refusals(String expression, String message) {
        assertThatThrownBy(() -> analyze(expression)).hasMessage(message);
    }

    private static final java.util.List<KeyAttribute> MULTI_PARTITION = java.util.List.of(
            new KeyAttribute("t", AttributeType.S), new KeyAttribute("r", AttributeType.S));
    private static final java.util.List<KeyAttribute> MULTI_SORT = java.util.List.of(
            new KeyAttribute("a", AttributeType.S), new KeyAttribute("b", AttributeType.N));

    private static KeyCondition analyzeMulti(String expression) {
        Condition parsed = ExpressionParser.parseCondition(expression, ExpressionKind.KEY_CONDITION);
        Condition bound = new ExpressionBinder(Map.of(), VALUES).bind(parsed, "KeyConditionExpression");
        KeyConditions.checkStructure(bound);
        return KeyConditions.analyze(bound, MULTI_PARTITION, MULTI_SORT);
    }

    @Test
    void multiAttributeKeysFixLeadingSortAttributes() {
        AttributeValue p = AttributeValue.string("P");
        assertThat(analyzeMulti("r = :p AND t = :p")).isEqualTo(new KeyCondition(java.util.List.of(p, p),
                java.util.List.of(), Optional.empty()));
        assertThat(analyzeMulti("t = :p AND r = :p AND a = :s AND b > :n")).isEqualTo(new KeyCondition(
                java.util.List.of(p, p), java.util.List.of(AttributeValue.string("x")), Optional.of(
                        new SortKeyCondition.Compare(Condition.Comparator.GT, AttributeValue.number(5)))));
        assertThat(analyzeMulti("t = :p AND r = :p AND begins_with(a, :s)").sortCondition())
                .contains(new SortKeyCondition.BeginsWith(AttributeValue.string("x")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "t = :p | Query condition missed key schema element: r",
        "t = :p AND r = :p AND b > :n | RANGE key attributes a must have equality conditions specified in the query "
            + "because a condition is present on key attribute b",
        "t = :p AND r > :p | Query key condition not supported",
        "t = :p AND r = :p AND a > :s AND b = :n | RANGE key attributes a must have equality conditions specified in "
            + "the query because a condition is present on key attribute b",
        "t = :p AND r = :p AND a = :s AND b = :n AND c = :n | Query key condition not supported",
        "t = :p AND r = :p AND a = :n | One or more parameter values were invalid: Condition parameter type does not "
            + "match schema type"})
    void multiAttributeKeyRefusals(String expression, String message) {
        assertThatThrownBy(() -> analyzeMulti(expression)).hasMessage(message);
    }
}
