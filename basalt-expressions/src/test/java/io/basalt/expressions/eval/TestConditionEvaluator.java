package io.basalt.expressions.eval;

import static io.basalt.expressions.eval.Trees.b;
import static io.basalt.expressions.eval.Trees.bool;
import static io.basalt.expressions.eval.Trees.bs;
import static io.basalt.expressions.eval.Trees.item;
import static io.basalt.expressions.eval.Trees.l;
import static io.basalt.expressions.eval.Trees.m;
import static io.basalt.expressions.eval.Trees.n;
import static io.basalt.expressions.eval.Trees.ns;
import static io.basalt.expressions.eval.Trees.nul;
import static io.basalt.expressions.eval.Trees.p;
import static io.basalt.expressions.eval.Trees.path;
import static io.basalt.expressions.eval.Trees.s;
import static io.basalt.expressions.eval.Trees.ss;
import static io.basalt.expressions.eval.Trees.v;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.ast.Condition.Comparator;
import io.basalt.expressions.ast.Operand;
import io.basalt.model.Item;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class TestConditionEvaluator {
    private static final Item ITEM = item(
            "n", n("5"), "s", s("cat"), "b", b("cat"), "t", bool(true), "z", nul(),
            "l", l(n("1"), s("dog"), ss("x", "y")), "m", m("x", n("1"), "y", m("z", s("deep"))),
            "ss", ss("a", "b"), "ns", ns("1", "2.5"), "bs", bs("hi", "yo"), "e", s("é𝄞"), "n2", n("5.0"));

    static Stream<Arguments> cases() {
        return Stream.of(
                // = and <> on every type; different types are unequal; sets compare as sets.
                Arguments.of(cmp(p("n"), Comparator.EQ, v(n("5.00"))), true),
                Arguments.of(cmp(p("n"), Comparator.EQ, p("n2")), true),
                Arguments.of(cmp(p("n"), Comparator.EQ, v(s("5"))), false),
                Arguments.of(cmp(p("ss"), Comparator.EQ, v(ss("b", "a"))), true),
                Arguments.of(cmp(p("ns"), Comparator.EQ, v(ns("2.50", "1"))), true),
                Arguments.of(cmp(p("l"), Comparator.EQ, v(l(n("1"), s("dog"), ss("y", "x")))), true),
                Arguments.of(cmp(p("m"), Comparator.EQ, v(m("y", m("z", s("deep")), "x", n("1")))), true),
                Arguments.of(cmp(p("t"), Comparator.EQ, v(bool(true))), true),
                Arguments.of(cmp(p("z"), Comparator.EQ, v(nul())), true),
                Arguments.of(cmp(p("n"), Comparator.NE, v(s("5"))), true),
                Arguments.of(cmp(p("n"), Comparator.NE, v(n("5"))), false),
                // Missing attributes: never equal, always "not equal", even to each other.
                Arguments.of(cmp(p("q"), Comparator.EQ, v(n("5"))), false),
                Arguments.of(cmp(p("q"), Comparator.EQ, p("r")), false),
                Arguments.of(cmp(p("q"), Comparator.NE, v(n("5"))), true),
                Arguments.of(cmp(p("q"), Comparator.NE, p("r")), true),
                Arguments.of(cmp(p("q"), Comparator.LT, p("r")), false),
                // Ordering: numbers numerically, strings and binaries by unsigned bytes.
                Arguments.of(cmp(p("n"), Comparator.LT, v(n("10"))), true),
                Arguments.of(cmp(p("n"), Comparator.LE, v(n("5"))), true),
                Arguments.of(cmp(p("n"), Comparator.GT, v(n("-5"))), true),
                Arguments.of(cmp(p("n"), Comparator.GE, v(n("5.1"))), false),
                Arguments.of(cmp(p("s"), Comparator.LT, v(s("dog"))), true),
                Arguments.of(cmp(p("s"), Comparator.GT, v(s("aardvark"))), true),
                Arguments.of(cmp(p("b"), Comparator.LT, v(b("dog"))), true),
                Arguments.of(cmp(v(s("\uFFFF")), Comparator.LT, v(s("𝄞"))), true),
                Arguments.of(cmp(p("n"), Comparator.LT, v(s("17"))), false),
                Arguments.of(cmp(p("l"), Comparator.LT, v(n("1"))), false),
                Arguments.of(cmp(v(n("1")), Comparator.LT, p("l")), false),
                Arguments.of(cmp(p("m.x"), Comparator.LT, p("l[0]")), false),
                Arguments.of(cmp(p("m.x"), Comparator.LE, p("l[0]")), true),
                Arguments.of(cmp(p("m.y.z"), Comparator.EQ, v(s("deep"))), true),
                Arguments.of(cmp(p("l[2]"), Comparator.EQ, v(ss("y", "x"))), true),
                Arguments.of(cmp(p("l[9]"), Comparator.EQ, v(n("1"))), false),
                Arguments.of(cmp(p("n.x"), Comparator.NE, v(n("1"))), true),
                // BETWEEN
                Arguments.of(new Condition.Between(p("n"), v(n("5")), v(n("6"))), true),
                Arguments.of(new Condition.Between(p("n"), v(n("1")), v(n("4.99"))), false),
                Arguments.of(new Condition.Between(p("s"), v(s("a")), v(s("d"))), true),
                Arguments.of(new Condition.Between(p("n"), v(s("a")), v(s("d"))), false),
                Arguments.of(new Condition.Between(p("q"), p("r"), p("x")), false),
                Arguments.of(new Condition.Between(p("l"), v(n("1")), v(n("9"))), false),
                // IN: types of candidates may differ.
                Arguments.of(new Condition.In(p("n"), List.of(v(s("dog")), v(n("5")))), true),
                Arguments.of(new Condition.In(p("n"), List.of(v(s("dog")), v(n("4")))), false),
                Arguments.of(new Condition.In(p("q"), List.of(v(n("5")))), false),
                // Boolean logic
                Arguments.of(new Condition.And(cmp(p("n"), Comparator.EQ, v(n("5"))), exists("s")), true),
                Arguments.of(new Condition.And(exists("q"), exists("s")), false),
                Arguments.of(new Condition.Or(exists("q"), exists("s")), true),
                Arguments.of(new Condition.Not(exists("q")), true),
                // attribute_exists / attribute_not_exists on nested paths
                Arguments.of(exists("m.y.z"), true),
                Arguments.of(exists("m.y.q"), false),
                Arguments.of(exists("l[2]"), true),
                Arguments.of(exists("l[3]"), false),
                Arguments.of(exists("m[0]"), false),
                Arguments.of(new Condition.AttributeNotExists(path("l[3]")), true),
                Arguments.of(new Condition.AttributeNotExists(path("z")), false),
                // attribute_type with each of the ten type names
                Arguments.of(type("s", "S"), true), Arguments.of(type("n", "N"), true),
                Arguments.of(type("b", "B"), true), Arguments.of(type("t", "BOOL"), true),
                Arguments.of(type("z", "NULL"), true), Arguments.of(type("l", "L"), true),
                Arguments.of(type("m", "M"), true), Arguments.of(type("ss", "SS"), true),
                Arguments.of(type("ns", "NS"), true), Arguments.of(type("bs", "BS"), true),
                Arguments.of(type("s", "SS"), false), Arguments.of(type("q", "S"), false),
                // begins_with
                Arguments.of(new Condition.BeginsWith(p("s"), v(s("ca"))), true),
                Arguments.of(new Condition.BeginsWith(p("s"), v(s("cat"))), true),
                Arguments.of(new Condition.BeginsWith(p("s"), v(s("dog"))), false),
                Arguments.of(new Condition.BeginsWith(p("b"), v(b("c"))), true),
                Arguments.of(new Condition.BeginsWith(p("b"), v(s("c"))), false),
                Arguments.of(new Condition.BeginsWith(p("l"), v(s("c"))), false),
                Arguments.of(new Condition.BeginsWith(p("q"), v(s("c"))), false),
                Arguments.of(new Condition.BeginsWith(v(s("cathedral")), p("s")), true),
                // contains
                Arguments.of(new Condition.Contains(p("s"), v(s("at"))), true),
                Arguments.of(new Condition.Contains(p("s"), v(s("dog"))), false),
                Arguments.of(new Condition.Contains(p("b"), v(b("at"))), true),
                Arguments.of(new Condition.Contains(p("b"), v(s("at"))), false),
                Arguments.of(new Condition.Contains(p("ss"), v(s("a"))), true),
                Arguments.of(new Condition.Contains(p("ss"), v(ss("a"))), false),
                Arguments.of(new Condition.Contains(p("ns"), v(n("2.50"))), true),
                Arguments.of(new Condition.Contains(p("ns"), v(s("1"))), false),
                Arguments.of(new Condition.Contains(p("bs"), v(b("yo"))), true),
                Arguments.of(new Condition.Contains(p("l"), v(s("dog"))), true),
                Arguments.of(new Condition.Contains(p("l"), v(ss("y", "x"))), true),
                Arguments.of(new Condition.Contains(p("l"), v(s("do"))), false),
                Arguments.of(new Condition.Contains(p("m"), v(s("x"))), false),
                Arguments.of(new Condition.Contains(p("n"), v(n("5"))), false),
                Arguments.of(new Condition.Contains(p("q"), v(n("5"))), false),
                // size(): UTF-16 units for strings, bytes, elements, entries; N/BOOL/NULL/missing never match
                Arguments.of(size("s", Comparator.EQ, "3"), true),
                Arguments.of(size("e", Comparator.EQ, "3"), true),
                Arguments.of(size("b", Comparator.EQ, "3"), true),
                Arguments.of(size("l", Comparator.EQ, "3"), true),
                Arguments.of(size("m", Comparator.EQ, "2"), true),
                Arguments.of(size("ss", Comparator.EQ, "2"), true),
                Arguments.of(size("ns", Comparator.LT, "3"), true),
                Arguments.of(size("bs", Comparator.GE, "2"), true),
                Arguments.of(size("n", Comparator.EQ, "1"), false),
                Arguments.of(size("t", Comparator.EQ, "1"), false),
                Arguments.of(size("z", Comparator.EQ, "1"), false),
                Arguments.of(size("q", Comparator.EQ, "0"), false),
                Arguments.of(size("n", Comparator.NE, "1"), true),
                Arguments.of(cmp(new Operand.Size(path("s")), Comparator.EQ, v(s("3"))), false),
                Arguments.of(cmp(new Operand.Size(path("s")), Comparator.EQ, p("m.x")), false),
                // size(:v) measures the value itself (dynalite test/scan.js accepts it for strings).
                Arguments.of(cmp(new Operand.SizeOf(v(s("abc"))), Comparator.EQ, v(n("3"))), true),
                Arguments.of(cmp(new Operand.SizeOf(v(l(s("a"), s("b")))), Comparator.GT, v(n("2"))), false));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void evaluates(Condition condition, boolean expected) {
        assertThat(ConditionEvaluator.evaluate(condition, ITEM)).as("%s", condition).isEqualTo(expected);
    }

    @Test
    void aMissingItemHasNoAttributes() {
        assertThat(ConditionEvaluator.evaluate(new Condition.AttributeNotExists(path("a")), null)).isTrue();
        assertThat(ConditionEvaluator.evaluate(exists("a"), null)).isFalse();
        assertThat(ConditionEvaluator.evaluate(cmp(p("a"), Comparator.NE, v(n("1"))), null)).isTrue();
    }

    static Condition cmp(Operand left, Comparator comparator, Operand right) {
        return new Condition.Comparison(left, comparator, right);
    }

    private static Condition exists(String path) {
        return new Condition.AttributeExists(path(path));
    }

    /** attribute_type of a value is constant: the value's own type (dynalite accepts a value operand). */
    @Test
    void attributeTypeOfAValue() {
        assertThat(ConditionEvaluator.evaluate(new Condition.AttributeTypeIs(v(s("x")), v(s("S"))), null)).isTrue();
        assertThat(ConditionEvaluator.evaluate(new Condition.AttributeTypeIs(v(n("1")), v(s("S"))), null)).isFalse();
    }

    private static Condition type(String path, String type) {
        return new Condition.AttributeTypeIs(p(path), v(s(type)));
    }

    private static Condition size(String path, Comparator comparator, String number) {
        return cmp(new Operand.Size(path(path)), comparator, v(n(number)));
    }
}
