package io.basalt.expressions.eval;

import static io.basalt.expressions.eval.TestConditionEvaluator.cmp;
import static io.basalt.expressions.eval.Trees.b;
import static io.basalt.expressions.eval.Trees.bool;
import static io.basalt.expressions.eval.Trees.l;
import static io.basalt.expressions.eval.Trees.m;
import static io.basalt.expressions.eval.Trees.n;
import static io.basalt.expressions.eval.Trees.nul;
import static io.basalt.expressions.eval.Trees.p;
import static io.basalt.expressions.eval.Trees.path;
import static io.basalt.expressions.eval.Trees.s;
import static io.basalt.expressions.eval.Trees.ss;
import static io.basalt.expressions.eval.Trees.v;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.ast.Condition.Comparator;
import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.Operand;
import io.basalt.expressions.ast.ProjectionExpression;
import io.basalt.expressions.ast.UpdateExpression;
import io.basalt.model.BasaltException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TestExpressionValidator {
    static Stream<Arguments> badConditions() {
        return Stream.of(
                Arguments.of(cmp(p("a"), Comparator.LT, v(bool(true))),
                        "Invalid ConditionExpression: Incorrect operand type for operator or function; "
                                + "operator or function: <, operand type: BOOL"),
                Arguments.of(cmp(v(l(n("1"))), Comparator.GE, p("a")),
                        "Invalid ConditionExpression: Incorrect operand type for operator or function; "
                                + "operator or function: >=, operand type: L"),
                Arguments.of(new Condition.Between(p("a"), v(n("5")), v(n("4"))),
                        "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than "
                                + "or equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound "
                                + "operand: AttributeValue: {N:4}"),
                Arguments.of(new Condition.Between(p("a"), v(b("z")), v(b("a"))),
                        "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than "
                                + "or equal to lower bound; lower bound operand: AttributeValue: {B:eg==}, upper "
                                + "bound operand: AttributeValue: {B:YQ==}"),
                Arguments.of(new Condition.Between(p("a"), v(n("1")), v(s("a"))),
                        "Invalid ConditionExpression: The BETWEEN operator requires same data type for lower and "
                                + "upper bounds; lower bound operand: AttributeValue: {N:1}, upper bound operand: "
                                + "AttributeValue: {S:a}"),
                Arguments.of(new Condition.Between(p("a"), v(m()), v(m())),
                        "Invalid ConditionExpression: Incorrect operand type for operator or function; "
                                + "operator or function: BETWEEN, operand type: M"),
                Arguments.of(new Condition.AttributeTypeIs(p("a.b[1]"), p("a.b[1]")),
                        "Invalid ConditionExpression: The first operand must be distinct from the remaining operands "
                                + "for this operator or function; operator: attribute_type, first operand: "
                                + "[a, b, [1]]"),
                Arguments.of(new Condition.BeginsWith(p("a"), new Operand.Size(path("a"))),
                        "Invalid ConditionExpression: Incorrect operand type for operator or function; "
                                + "operator or function: begins_with, operand type: N"),
                Arguments.of(new Condition.AttributeTypeIs(p("a"), new Operand.Size(path("a"))),
                        "Invalid ConditionExpression: Incorrect operand type for operator or function; "
                                + "operator or function: attribute_type, operand type: N"),
                Arguments.of(new Condition.BeginsWith(p("a"), v(n("2"))),
                        "Invalid ConditionExpression: Incorrect operand type for operator or function; "
                                + "operator or function: begins_with, operand type: N"),
                Arguments.of(new Condition.AttributeTypeIs(p("a"), v(s("DOG"))),
                        "Invalid ConditionExpression: Invalid attribute type name found; type: DOG, valid types: "
                                + "{B,NULL,SS,BOOL,L,BS,N,NS,S,M}"),
                Arguments.of(new Condition.AttributeTypeIs(p("a"), v(n("1"))),
                        "Invalid ConditionExpression: Incorrect operand type for operator or function; "
                                + "operator or function: attribute_type, operand type: N"),
                Arguments.of(new Condition.AttributeTypeIs(p("a"), p("b")),
                        "Invalid ConditionExpression: Incorrect operand type for operator or function; "
                                + "operator or function: attribute_type, operand type: {NS,SS,L,BS,N,M,B,BOOL,NULL,S}"),
                Arguments.of(new Condition.Contains(p("a.b"), p("a.b")),
                        "Invalid ConditionExpression: The first operand must be distinct from the remaining "
                                + "operands for this operator or function; operator: contains, first operand: [a, b]"),
                // The first condition with a problem wins, whatever the kinds (dynalite test/scan.js, checked
                // against DynamoDB: attribute_type(a, size(a)) and a=a and a=:a is attribute_type's operand type).
                Arguments.of(new Condition.And(new Condition.BeginsWith(p("a"), v(nul())),
                        cmp(p("l[0]"), Comparator.EQ, p("l[0]"))),
                        "Invalid ConditionExpression: Incorrect operand type for operator or function; "
                                + "operator or function: begins_with, operand type: NULL"),
                Arguments.of(new Condition.And(cmp(p("l[0]"), Comparator.EQ, p("l[0]")),
                        new Condition.BeginsWith(p("a"), v(nul()))),
                        "Invalid ConditionExpression: The first operand must be distinct from the remaining "
                                + "operands for this operator or function; operator: =, first operand: [l, [0]]"),
                Arguments.of(new Condition.Between(p("a"), v(n("1")), p("a")),
                        "Invalid ConditionExpression: The first operand must be distinct from the remaining "
                                + "operands for this operator or function; operator: BETWEEN, first operand: [a]"),
                Arguments.of(new Condition.In(p("a"), List.of(v(n("1")), p("a"))),
                        "Invalid ConditionExpression: The first operand must be distinct from the remaining "
                                + "operands for this operator or function; operator: IN, first operand: [a]"),
                Arguments.of(cmp(new Operand.SizeOf(v(bool(true))), Comparator.GT, p("a")),
                        "Invalid ConditionExpression: Incorrect operand type for operator or function; "
                                + "operator or function: size, operand type: BOOL"),
                Arguments.of(cmp(new Operand.SizeOf(new Operand.Size(path("a"))), Comparator.GT, v(n("1"))),
                        "Invalid ConditionExpression: Incorrect operand type for operator or function; "
                                + "operator or function: size, operand type: N"),
                Arguments.of(new Condition.BeginsWith(p("a"), new Operand.SizeOf(v(s("x")))),
                        "Invalid ConditionExpression: Incorrect operand type for operator or function; "
                                + "operator or function: begins_with, operand type: N"),
                Arguments.of(cmp(new Operand.IfNotExists(path("a"), v(n("1"))), Comparator.EQ, v(n("1"))),
                        "Invalid ConditionExpression: The function is not allowed to be used this way in an "
                                + "expression; function: if_not_exists"));
    }

    @ParameterizedTest
    @MethodSource("badConditions")
    void rejectsConditions(Condition condition, String message) {
        assertThatThrownBy(() -> ExpressionValidator.validateCondition(condition, "ConditionExpression"))
                .isInstanceOf(BasaltException.class).hasMessage(message);
    }

    @Test
    void acceptsWhatOnlyTheItemCanDecide() {
        List<Condition> fine = List.of(cmp(p("a"), Comparator.EQ, v(l())), cmp(p("a"), Comparator.LT, p("b")),
                new Condition.Between(p("a"), v(n("4")), v(n("4"))), new Condition.In(p("a"), List.of(v(s("x")),
                        v(n("1")))), new Condition.Contains(p("a"), v(ss("x"))),
                new Condition.BeginsWith(p("a"), v(b("x"))), new Condition.AttributeTypeIs(p("a"), v(s("BS"))));
        for (Condition condition : fine) {
            assertThatCode(() -> ExpressionValidator.validateCondition(condition, "FilterExpression"))
                    .as("%s", condition).doesNotThrowAnyException();
        }
    }

    @Test
    void usesTheParameterName() {
        assertThatThrownBy(() -> ExpressionValidator.validateCondition(cmp(p("a"), Comparator.GT, v(nul())),
                "KeyConditionExpression")).hasMessageStartingWith("Invalid KeyConditionExpression: Incorrect operand");
    }

    static Stream<Arguments> badUpdates() {
        return Stream.of(
                // dynalite test/updateItem.js "overlapping paths" and "conflicting paths"
                Arguments.of(update(set("d[1]", v(n("1")), "d.b", v(n("1")), "c[1].a", v(n("1")), "c", v(n("1"))),
                        List.of(), List.of(), List.of()),
                        "Invalid UpdateExpression: Two document paths overlap with each other; must remove or "
                                + "rewrite one of these paths; path one: [c, [1], a], path two: [c]"),
                Arguments.of(update(set("a", v(n("1"))), List.of(path("a")), List.of(), List.of()),
                        "Invalid UpdateExpression: Two document paths overlap with each other; must remove or "
                                + "rewrite one of these paths; path one: [a], path two: [a]"),
                Arguments.of(update(List.of(), List.of(path("c"), path("c.a")), List.of(), List.of()),
                        "Invalid UpdateExpression: Two document paths overlap with each other; must remove or "
                                + "rewrite one of these paths; path one: [c], path two: [c, a]"),
                Arguments.of(update(set("a[1]", v(n("1"))), List.of(path("a.c")), List.of(), List.of()),
                        "Invalid UpdateExpression: Two document paths conflict with each other; must remove or "
                                + "rewrite one of these paths; path one: [a, [1]], path two: [a, c]"),
                Arguments.of(update(List.of(), List.of(), List.of(new UpdateExpression.AddAction(path("a.b"),
                        v(s("x")))), List.of()),
                        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, "
                                + "operand type: STRING, typeSet: ALLOWED_FOR_ADD_OPERAND"),
                Arguments.of(update(List.of(), List.of(), List.of(new UpdateExpression.AddAction(path("a"),
                        v(l()))), List.of()),
                        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, "
                                + "operand type: LIST, typeSet: ALLOWED_FOR_ADD_OPERAND"),
                Arguments.of(update(List.of(), List.of(), List.of(), List.of(new UpdateExpression.DeleteAction(
                        path("a"), v(n("1"))))),
                        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: "
                                + "DELETE, operand type: NUMBER, typeSet: ALLOWED_FOR_DELETE_OPERAND"),
                Arguments.of(update(List.of(), List.of(), List.of(), List.of(new UpdateExpression.DeleteAction(
                        path("a"), v(bool(false))))),
                        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: "
                                + "DELETE, operand type: BOOLEAN, typeSet: ALLOWED_FOR_DELETE_OPERAND"),
                Arguments.of(update(set("a", new Operand.ListAppend(v(s("x")), p("a"))), List.of(), List.of(),
                        List.of()),
                        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or "
                                + "function: list_append, operand type: S"),
                Arguments.of(update(set("a", new Operand.Arithmetic(p("a"), Operand.ArithmeticOperator.MINUS,
                        v(ss("x")))), List.of(), List.of(), List.of()),
                        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator or "
                                + "function: -, operand type: SS"),
                Arguments.of(update(set("a", new Operand.Arithmetic(new Operand.IfNotExists(path("a"), v(m())),
                        Operand.ArithmeticOperator.PLUS, v(n("1")))), List.of(), List.of(), List.of()),
                        null),
                Arguments.of(update(set("a", new Operand.ListAppend(new Operand.ListAppend(v(l()), v(l())),
                        v(l()))), List.of(), List.of(), List.of()),
                        "Invalid UpdateExpression: The function is not allowed to be used this way in an "
                                + "expression; function: list_append"));
    }

    @ParameterizedTest
    @MethodSource("badUpdates")
    void rejectsUpdates(UpdateExpression update, String message) {
        if (message == null) {
            assertThatCode(() -> ExpressionValidator.validateUpdate(update)).doesNotThrowAnyException();
        } else {
            assertThatThrownBy(() -> ExpressionValidator.validateUpdate(update))
                    .isInstanceOf(BasaltException.class).hasMessage(message);
        }
    }

    @Test
    void projectionOverlapsAndConflicts() {
        for (String[] overlap : new String[][] {{"a", "a"}, {"a.b", "a.b[2]"}, {"a.b.d.e", "a.b"}, {"a", "a.b[2].c"},
            {"a[1]", "a[1]"}}) {
            assertThatThrownBy(() -> ExpressionValidator.validateProjection(projection(overlap)))
                    .hasMessage("Invalid ProjectionExpression: Two document paths overlap with each other; must "
                            + "remove or rewrite one of these paths; path one: " + Messages.render(path(overlap[0]))
                            + ", path two: " + Messages.render(path(overlap[1])));
        }
        assertThatThrownBy(() -> ExpressionValidator.validateProjection(projection("a.b", "a[1]")))
                .hasMessage("Invalid ProjectionExpression: Two document paths conflict with each other; must remove "
                        + "or rewrite one of these paths; path one: [a, b], path two: [a, [1]]");
        for (String[] fine : new String[][] {{"a", "b"}, {"a.b", "a.c"}, {"a[1]", "a[2]"}, {"a.b", "a.c[2]"}}) {
            assertThatCode(() -> ExpressionValidator.validateProjection(projection(fine)))
                    .doesNotThrowAnyException();
        }
    }

    private static ProjectionExpression projection(String... paths) {
        List<DocumentPath> list = new ArrayList<>();
        for (String text : paths) {
            list.add(path(text));
        }
        return new ProjectionExpression(list);
    }

    static List<UpdateExpression.SetAction> set(Object... pathsAndValues) {
        List<UpdateExpression.SetAction> actions = new ArrayList<>();
        for (int i = 0; i < pathsAndValues.length; i += 2) {
            actions.add(new UpdateExpression.SetAction(path((String) pathsAndValues[i]),
                    (Operand) pathsAndValues[i + 1]));
        }
        return actions;
    }

    static UpdateExpression update(List<UpdateExpression.SetAction> set, List<DocumentPath> remove,
            List<UpdateExpression.AddAction> add, List<UpdateExpression.DeleteAction> delete) {
        return new UpdateExpression(set, remove, add, delete);
    }
}
