package io.basalt.expressions.eval;

import static io.basalt.expressions.eval.TestExpressionValidator.set;
import static io.basalt.expressions.eval.TestExpressionValidator.update;
import static io.basalt.expressions.eval.Trees.item;
import static io.basalt.expressions.eval.Trees.l;
import static io.basalt.expressions.eval.Trees.m;
import static io.basalt.expressions.eval.Trees.n;
import static io.basalt.expressions.eval.Trees.ns;
import static io.basalt.expressions.eval.Trees.p;
import static io.basalt.expressions.eval.Trees.path;
import static io.basalt.expressions.eval.Trees.s;
import static io.basalt.expressions.eval.Trees.ss;
import static io.basalt.expressions.eval.Trees.v;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.Operand;
import io.basalt.expressions.ast.UpdateExpression;
import io.basalt.model.AttributeValue;
import io.basalt.model.AttributeValues;
import io.basalt.model.BasaltException;
import io.basalt.model.Item;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestUpdateApplier {
    private static final String BAD_PATH = "The document path provided in the update expression is invalid for update";
    private static final String BAD_TYPE = "An operand in the update expression has an incorrect data type";
    private static final String MISSING = "The provided expression refers to an attribute that does not exist in the "
            + "item";

    private static final Item ITEM = item("p", s("k"), "n", n("3"), "s", s("hi"), "l", l(n("2"), n("3"), n("4"),
            n("5"), n("6"), n("7")), "m", m("b", n("3"), "c", m("x", n("7"))), "ss", ss("dog", "cat", "mouse"));

    @Test
    void setCreatesReplacesAndNests() {
        assertThat(apply(sets("a", v(n("1")), "n", v(s("x")), "m.d", v(n("3")), "m.c.y", v(n("8"))))).isEqualTo(
                item("p", s("k"), "n", s("x"), "s", s("hi"), "l", ITEM.get("l"), "m", m("b", n("3"), "c",
                        m("x", n("7"), "y", n("8")), "d", n("3")), "ss", ITEM.get("ss"), "a", n("1")));
    }

    @Test
    void setPastTheEndOfAListAppendsInIndexOrder() {
        Item result = apply(sets("l[84]", v(s("a1")), "l[37]", v(s("a2")), "l[17]", v(s("a3")), "l[1]", v(s("x"))));
        assertThat(result.get("l")).isEqualTo(l(n("2"), s("x"), n("4"), n("5"), n("6"), n("7"), s("a3"), s("a2"),
                s("a1")));
    }

    @Test
    void listIndexesReferToTheOriginalList() {
        Item result = apply(update(set("l[3]", v(n("17"))), List.of(path("l[1]")), List.of(), List.of()));
        assertThat(result.get("l")).isEqualTo(l(n("2"), n("4"), n("17"), n("6"), n("7")));
        result = apply(update(List.of(), List.of(path("l[0]"), path("l[2]"), path("l[17]")), List.of(), List.of()));
        assertThat(result.get("l")).isEqualTo(l(n("3"), n("5"), n("6"), n("7")));
    }

    @Test
    void valuesAreReadFromTheItemBeforeTheUpdate() {
        Item result = apply(sets("n", v(n("10")), "copy", p("n"), "inc", new Operand.Arithmetic(p("n"),
                Operand.ArithmeticOperator.PLUS, v(n("1"))), "dec", new Operand.Arithmetic(p("m.c.x"),
                Operand.ArithmeticOperator.MINUS, v(n("0.5")))));
        assertThat(result.get("copy")).isEqualTo(n("3"));
        assertThat(result.get("inc")).isEqualTo(n("4"));
        assertThat(result.get("dec")).isEqualTo(n("6.5"));
    }

    @Test
    void ifNotExistsAndListAppend() {
        Item result = apply(sets("a", new Operand.IfNotExists(path("n"), v(n("9"))), "b",
                new Operand.IfNotExists(path("q"), v(n("9"))), "c",
                new Operand.ListAppend(v(l(s("x"))), new Operand.IfNotExists(path("q"), v(l(s("y")))))));
        assertThat(result.get("a")).isEqualTo(n("3"));
        assertThat(result.get("b")).isEqualTo(n("9"));
        assertThat(result.get("c")).isEqualTo(l(s("x"), s("y")));
    }

    @Test
    void arithmeticIsExactTo38Digits() {
        Item result = apply(sets("a", new Operand.Arithmetic(v(n("99999999999999999999999999999999999998")),
                Operand.ArithmeticOperator.PLUS, v(n("1")))));
        assertThat(result.get("a")).isEqualTo(n("99999999999999999999999999999999999999"));
        AttributeValue max = n("9.9999999999999999999999999999999999999E+125");
        assertThatThrownBy(() -> apply(sets("a", new Operand.Arithmetic(v(max), Operand.ArithmeticOperator.PLUS,
                v(max)))))
                .isInstanceOf(BasaltException.class).hasMessageContaining("Number overflow");
    }

    @Test
    void setErrors() {
        failsWith(sets("s.c", v(n("1"))), BAD_PATH);
        failsWith(sets("l.c", v(n("1"))), BAD_PATH);
        failsWith(sets("q.c", v(n("1"))), BAD_PATH);
        failsWith(sets("s[0]", v(n("1"))), BAD_PATH);
        failsWith(sets("q[0]", v(n("1"))), BAD_PATH);
        failsWith(sets("m[0]", v(n("1"))), BAD_PATH);
        failsWith(sets("l[9].x", v(n("1"))), BAD_PATH);
        failsWith(sets("a", p("q")), MISSING);
        failsWith(sets("a", new Operand.Arithmetic(p("q"), Operand.ArithmeticOperator.PLUS, v(n("1")))), MISSING);
        failsWith(sets("a", new Operand.Arithmetic(p("s"), Operand.ArithmeticOperator.PLUS, v(n("1")))), BAD_TYPE);
        failsWith(sets("a", new Operand.ListAppend(p("q"), v(l()))), MISSING);
        failsWith(sets("a", new Operand.ListAppend(p("ss"), v(l()))), BAD_TYPE);
    }

    @Test
    void removeIgnoresMissingLeavesButNotMissingParents() {
        Item result = apply(update(List.of(), List.of(path("m.q"), path("l[7]"), path("q"), path("m.c.x"),
                path("s")), List.of(), List.of()));
        assertThat(result.get("m")).isEqualTo(m("b", n("3"), "c", m()));
        assertThat(result.get("s")).isNull();
        assertThat(result.get("l")).isEqualTo(ITEM.get("l"));
        failsWith(update(List.of(), List.of(path("s.c")), List.of(), List.of()), BAD_PATH);
        failsWith(update(List.of(), List.of(path("q.c")), List.of(), List.of()), BAD_PATH);
        failsWith(update(List.of(), List.of(path("s[0]")), List.of(), List.of()), BAD_PATH);
    }

    @Test
    void addNumbersAndSets() {
        Item result = apply(update(List.of(), List.of(), List.of(add("n", n("4")), add("new", n("-2")),
                add("ss", ss("pig", "cat")), add("m.nums", ns("1")), add("m.b", n("0.5"))), List.of()));
        assertThat(result.get("n")).isEqualTo(n("7"));
        assertThat(result.get("new")).isEqualTo(n("-2"));
        assertThat(AttributeValues.equalsIgnoringSetOrder(result.get("ss"), ss("dog", "cat", "mouse", "pig")))
                .isTrue();
        assertThat(result.get("m")).isEqualTo(m("b", n("3.5"), "c", m("x", n("7")), "nums", ns("1")));
        failsWith(update(List.of(), List.of(), List.of(add("s", n("1"))), List.of()), BAD_TYPE);
        failsWith(update(List.of(), List.of(), List.of(add("ss", ns("1"))), List.of()), BAD_TYPE);
        failsWith(update(List.of(), List.of(), List.of(add("l", ns("1"))), List.of()), BAD_TYPE);
        failsWith(update(List.of(), List.of(), List.of(add("q.r", n("1"))), List.of()), BAD_PATH);
    }

    @Test
    void deleteFromSets() {
        Item result = apply(update(List.of(), List.of(), List.of(), List.of(delete("ss", ss("cat", "pig")),
                delete("q", ss("x")))));
        assertThat(result.get("ss")).isEqualTo(ss("dog", "mouse"));
        assertThat(result.attributes()).doesNotContainKey("q");
        result = apply(update(List.of(), List.of(), List.of(), List.of(delete("ss", ss("cat", "dog", "mouse")))));
        assertThat(result.attributes()).doesNotContainKey("ss");
        failsWith(update(List.of(), List.of(), List.of(), List.of(delete("ss", ns("1")))), BAD_TYPE);
        failsWith(update(List.of(), List.of(), List.of(), List.of(delete("n", ns("1")))), BAD_TYPE);
    }

    @Test
    void reportsUpdatedPathsAndSharesUntouchedValues() {
        UpdateExpression update = update(set("m.d", v(n("1"))), List.of(path("s")), List.of(add("n", n("1"))),
                List.of(delete("ss", ss("dog"))));
        UpdateResult result = UpdateApplier.apply(update, ITEM);
        assertThat(result.updatedPaths()).containsExactly(path("m.d"), path("s"), path("n"), path("ss"));
        assertThat(result.item().get("l")).isSameAs(ITEM.get("l"));
        assertThat(((AttributeValue.MapValue) result.item().get("m")).values().get("c"))
                .isSameAs(((AttributeValue.MapValue) ITEM.get("m")).values().get("c"));
    }

    private static UpdateExpression.AddAction add(String path, AttributeValue value) {
        return new UpdateExpression.AddAction(path(path), v(value));
    }

    private static UpdateExpression.DeleteAction delete(String path, AttributeValue value) {
        return new UpdateExpression.DeleteAction(path(path), v(value));
    }

    private static UpdateExpression sets(Object... pathsAndValues) {
        return update(set(pathsAndValues), List.<DocumentPath>of(), List.of(), List.of());
    }

    private static Item apply(UpdateExpression update) {
        ExpressionValidator.validateUpdate(update);
        return UpdateApplier.apply(update, ITEM).item();
    }

    private static void failsWith(UpdateExpression update, String message) {
        assertThatThrownBy(() -> apply(update)).isInstanceOf(BasaltException.class).hasMessage(message);
    }
}
