package io.basalt.compat.expressions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * ConditionExpression semantics: every comparator, function and connective evaluated against one stored item of
 * every type. Each case re-puts the same item under the condition, so a true condition changes nothing and a false
 * one fails with ConditionalCheckFailedException.
 */
class TestConditionExpressions extends ExpressionTestSupport {
    private static final Map<String, AttributeValue> STORED = item(
            "pk", str("cond"),
            "n5", num("5"), "n10", num("10"), "nneg", num("-3.5"),
            "s", str("cat"), "s2", str("dog"), "sUpper", str("Cat"), "sAccent", str("é"), "sClef", str("é𝄞"),
            "b", bin(1, 2, 3), "bHigh", bin(0xff),
            "ss", ss("a", "b"), "ns", ns("1", "2", "3"), "bs", bs("x", "y"),
            "bool", bool(true), "nul", nul(),
            "l", list(str("a"), num("1"), map("x", num("1")), list()),
            "m", map("x", map("y", num("1")), "s", str("v"), "l", list(num("1"), num("2"))),
            "emptyL", list(), "emptyM", map());

    private String table;

    @BeforeAll
    void createTable() {
        table = hashTable();
        put(table, STORED);
    }

    private static Arguments c(String condition, boolean expected, Object... values) {
        return Arguments.of(condition, expected, values);
    }

    static Stream<Arguments> comparisons() {
        return Stream.of(
                // Numbers compare numerically, whatever their spelling.
                c("n5 = :v", true, ":v", num("5")), c("n5 = :v", true, ":v", num("5.0")),
                c("n5 = :v", true, ":v", num("0.5E1")), c("n5 = :v", false, ":v", num("6")),
                c("n5 <> :v", false, ":v", num("5")), c("n5 <> :v", true, ":v", num("6")),
                c("n5 < :v", true, ":v", num("10")), c("n5 < :v", false, ":v", num("5")),
                c("n5 <= :v", true, ":v", num("5")), c("n5 <= :v", false, ":v", num("4")),
                c("n5 > :v", true, ":v", num("4.99")), c("n5 > :v", false, ":v", num("5")),
                c("n5 >= :v", true, ":v", num("5")), c("n5 >= :v", false, ":v", num("6")),
                c("n10 > :v", true, ":v", num("9")), c("nneg < :v", true, ":v", num("-3")),
                c("nneg > :v", true, ":v", num("-4")), c("n10 < :v", true, ":v", num("1E+125")),
                c("nneg > :v", true, ":v", num("-1E+125")), c("n5 > :v", true, ":v", num("1E-130")),
                c("n5 < n10", true), c("n10 <= n5", false), c(":v < n5", true, ":v", num("-1")),
                // Strings compare by UTF-8 bytes: upper case before lower case, non-ASCII after ASCII, and a
                // supplementary character after U+FFFD (which UTF-16 order would get wrong).
                c("s = :v", true, ":v", str("cat")), c("s = :v", false, ":v", str("Cat")),
                c("s < :v", true, ":v", str("cb")), c("s < :v", false, ":v", str("cat")),
                c("s <= :v", true, ":v", str("cat")), c("s > :v", true, ":v", str("ca")),
                c("s > :v", false, ":v", str("dog")), c("s >= :v", false, ":v", str("cats")),
                c("sUpper < :v", true, ":v", str("cat")), c("s > :v", true, ":v", str("Cat")),
                c("sAccent > :v", true, ":v", str("z")), c("sAccent < :v", true, ":v", str("\u4e2d")),
                c("sClef > :v", true, ":v", str("é\ufffd")), c("sClef < :v", false, ":v", str("é\ufffd")),
                c("s < s2", true), c("s2 <= s", false), c("s = :v", true, ":v", str("cat")),
                // Binaries compare as unsigned bytes, a prefix first.
                c("b = :v", true, ":v", bin(1, 2, 3)), c("b < :v", true, ":v", bin(1, 2, 4)),
                c("b > :v", true, ":v", bin(1, 2)), c("b < :v", false, ":v", bin(1, 2, 3)),
                c("bHigh > :v", true, ":v", bin(0x7f)), c("bHigh > :v", true, ":v", bin(0x01, 0x00)),
                c("bHigh < :v", false, ":v", bin(0x80)), c("b >= :v", true, ":v", bin(1, 2, 3)),
                c("b <= :v", true, ":v", bin(1, 3)),
                // Different types: never equal, never ordered, never an error.
                c("n5 = :v", false, ":v", str("5")), c("n5 <> :v", true, ":v", str("5")),
                c("n5 < :v", false, ":v", str("6")), c("s < :v", false, ":v", num("1")),
                c("s > :v", false, ":v", bin(1)), c("b = :v", false, ":v", str("\u0001\u0002\u0003")),
                c("ss = :v", false, ":v", list(str("a"), str("b"))), c("n5 >= s", false),
                c("bool = :v", false, ":v", str("true")), c("nul = :v", false, ":v", bool(false)),
                c("ns = :v", false, ":v", ss("1", "2", "3")), c("s < bool", false), c("l < m", false),
                c("nul <> :v", true, ":v", num("0")),
                // Missing attributes: never equal, always unequal, never ordered.
                c("gone = :v", false, ":v", num("5")), c("gone <> :v", true, ":v", num("5")),
                c("gone < :v", false, ":v", num("5")), c("gone >= :v", false, ":v", num("5")),
                c("gone = nothere", false), c("gone <> nothere", true),
                c("m.nope = :v", false, ":v", num("1")), c("l[10] = :v", false, ":v", num("1")),
                c("n5.x = :v", false, ":v", num("1")), c("m[0] = :v", false, ":v", num("1")),
                c("l.x = :v", false, ":v", num("1")), c("l[10] <> :v", true, ":v", num("1")),
                // Sets compare as sets, lists and maps structurally.
                c("ss = :v", true, ":v", ss("b", "a")), c("ns = :v", true, ":v", ns("3", "2.0", "1")),
                c("ns = :v", false, ":v", ns("1", "2")), c("bs = :v", true, ":v", bs("y", "x")),
                c("l = :v", true, ":v", list(str("a"), num("1"), map("x", num("1")), list())),
                c("l = :v", false, ":v", list(num("1"), str("a"), map("x", num("1")), list())),
                c("m.x = :v", true, ":v", map("y", num("1"))), c("m.x = :v", false, ":v", map("y", num("2"))),
                c("emptyL = :v", true, ":v", list()), c("emptyM = :v", true, ":v", map()),
                c("bool = :v", true, ":v", bool(true)), c("bool = :v", false, ":v", bool(false)),
                c("nul = :v", true, ":v", nul()), c("m = :v", false, ":v", map()),
                // Nested paths and list indexes.
                c("m.x.y = :v", true, ":v", num("1")), c("l[2].x = :v", true, ":v", num("1")),
                c("l[0] = :v", true, ":v", str("a")), c("l[1] = :v", true, ":v", num("1")),
                c("m.l[1] = :v", true, ":v", num("2")), c("m.l[1] > m.l[0]", true),
                c("#m.#x.#y = :v", true, ":v", num("1")), c("#l[3] = :v", true, ":v", list()));
    }

    static Stream<Arguments> betweenAndIn() {
        return Stream.of(
                c("n5 BETWEEN :a AND :b", true, ":a", num("1"), ":b", num("10")),
                c("n5 BETWEEN :a AND :b", true, ":a", num("5"), ":b", num("5")),
                c("n5 BETWEEN :a AND :b", false, ":a", num("6"), ":b", num("10")),
                c("n5 BETWEEN :a AND :b", false, ":a", num("1"), ":b", num("4")),
                c("n10 between :a and :b", true, ":a", num("9"), ":b", num("10")),
                c("s BETWEEN :a AND :b", true, ":a", str("a"), ":b", str("d")),
                c("s BETWEEN :a AND :b", false, ":a", str("cb"), ":b", str("d")),
                c("b BETWEEN :a AND :b", true, ":a", bin(1), ":b", bin(2)),
                c("bHigh BETWEEN :a AND :b", false, ":a", bin(0), ":b", bin(0x7f)),
                c("gone BETWEEN :a AND :b", false, ":a", num("1"), ":b", num("10")),
                c("n5 BETWEEN :a AND :b", false, ":a", str("a"), ":b", str("z")),
                c("n10 BETWEEN n5 AND :b", true, ":b", num("11")),
                c("n5 IN (:a, :b)", true, ":a", num("1"), ":b", num("5")),
                c("n5 IN (:a, :b)", false, ":a", num("1"), ":b", num("2")),
                c("n5 IN (:a, :b)", true, ":a", str("5"), ":b", num("5")),
                c("n5 IN (:a)", true, ":a", num("5")), c("s IN (:a)", false, ":a", str("dog")),
                c("gone IN (:a)", false, ":a", num("1")), c("ss IN (:a)", true, ":a", ss("b", "a")),
                c("s in (s2, :a)", true, ":a", str("cat")), c("m.x IN (:a)", true, ":a", map("y", num("1"))),
                c("n5 IN (n10, nneg)", false));
    }

    static Stream<Arguments> logic() {
        Object[] tf = {":t", num("5"), ":f", num("6")};
        return Stream.of(
                c("n5 = :t AND n5 <> :f", true, tf), c("n5 = :t AND n5 = :f", false, tf),
                c("n5 = :f OR n5 = :t", true, tf), c("n5 = :f OR n5 = :f", false, tf),
                c("NOT n5 = :f", true, tf), c("NOT n5 = :t", false, tf),
                // AND binds tighter than OR, NOT tighter than AND.
                c("n5 = :t OR n5 = :f AND n5 = :f", true, tf), c("(n5 = :t OR n5 = :f) AND n5 = :f", false, tf),
                c("n5 = :f AND n5 = :f OR n5 = :t", true, tf), c("n5 = :f AND (n5 = :f OR n5 = :t)", false, tf),
                c("NOT n5 = :f AND n5 = :f", false, tf), c("NOT (n5 = :f AND n5 = :f)", true, tf),
                c("NOT NOT n5 = :t", true, tf), c("not n5 = :t or n5 = :t", true, tf),
                c("n5 = :t and (n5 <> :f or n5 = :f) and not n5 = :f", true, tf),
                c("(n5 = :t) AND (n5 < :f)", true, tf),
                c("n5 = :f OR n5 = :f OR n5 = :f OR n5 = :t", true, tf),
                c("n5 = :t AND n5 = :t AND n5 = :t AND n5 = :f", false, tf),
                c("NOT (n5 = :f OR n5 = :f) AND NOT (n5 = :f)", true, tf),
                c("attribute_exists(n5) AND NOT attribute_exists(gone)", true),
                c("NOT attribute_exists(n5) OR attribute_not_exists(gone)", true));
    }

    static Stream<Arguments> functions() {
        List<Arguments> cases = new ArrayList<>(List.of(
                c("attribute_exists(n5)", true), c("attribute_exists(gone)", false),
                c("attribute_exists(m.x.y)", true), c("attribute_exists(m.x.z)", false),
                c("attribute_exists(l[0])", true), c("attribute_exists(l[3])", true),
                c("attribute_exists(l[4])", false), c("attribute_exists(m.x[0])", false),
                c("attribute_exists(nul)", true), c("attribute_exists(pk)", true),
                c("attribute_exists(l[2].x)", true), c("attribute_exists(s.x)", false),
                c("attribute_exists(#m.#s)", true), c("attribute_exists(emptyM)", true),
                c("attribute_not_exists(gone)", true), c("attribute_not_exists(n5)", false),
                c("attribute_not_exists(m.x.z)", true), c("attribute_not_exists(l[3])", false),
                c("attribute_not_exists(l[4])", true), c("attribute_not_exists(m.nope.deeper)", true),
                c("attribute_type(n5, :t)", false, ":t", str("S")), c("attribute_type(gone, :t)", false, ":t",
                        str("S")),
                c("attribute_type(m.x.y, :t)", true, ":t", str("N")),
                c("attribute_type(l[0], :t)", true, ":t", str("S")),
                // A value as the first operand: accepted, and constant (dynalite db/conditionParser.pegjs requires a
                // path only for attribute_exists and attribute_not_exists).
                c("attribute_type(:v, :t)", true, ":v", str("x"), ":t", str("S")),
                c("attribute_type(:v, :t)", false, ":v", num("1"), ":t", str("S")),
                c("begins_with(s, :v)", true, ":v", str("ca")), c("begins_with(s, :v)", true, ":v", str("cat")),
                c("begins_with(s, :v)", false, ":v", str("cats")), c("begins_with(s, :v)", false, ":v", str("at")),
                c("begins_with(sUpper, :v)", false, ":v", str("c")),
                c("begins_with(b, :v)", true, ":v", bin(1, 2)), c("begins_with(b, :v)", false, ":v", bin(2)),
                c("begins_with(bHigh, :v)", true, ":v", bin(0xff)),
                c("begins_with(b, :v)", false, ":v", str("\u0001")),
                c("begins_with(ss, :v)", false, ":v", str("a")), c("begins_with(l, :v)", false, ":v", str("a")),
                c("begins_with(m.s, :v)", true, ":v", str("v")), c("begins_with(gone, :v)", false, ":v",
                        str("a")),
                c("begins_with(s, s2)", false),
                c("contains(s, :v)", true, ":v", str("at")), c("contains(s, :v)", false, ":v", str("x")),
                c("contains(s, :v)", true, ":v", str("cat")), c("contains(sClef, :v)", true, ":v", str("𝄞")),
                c("contains(ss, :v)", true, ":v", str("a")), c("contains(ss, :v)", false, ":v", str("c")),
                c("contains(ns, :v)", true, ":v", num("2")), c("contains(ns, :v)", true, ":v", num("2.00")),
                c("contains(ns, :v)", false, ":v", str("2")), c("contains(bs, :v)", true, ":v", bin('x')),
                c("contains(bs, :v)", false, ":v", str("x")),
                c("contains(l, :v)", true, ":v", str("a")), c("contains(l, :v)", true, ":v", num("1")),
                c("contains(l, :v)", true, ":v", map("x", num("1"))), c("contains(l, :v)", true, ":v", list()),
                c("contains(l, :v)", false, ":v", str("b")), c("contains(b, :v)", true, ":v", bin(2, 3)),
                c("contains(b, :v)", false, ":v", bin(3, 2)), c("contains(n5, :v)", false, ":v", num("5")),
                c("contains(gone, :v)", false, ":v", str("a")), c("contains(m, :v)", false, ":v", str("x")),
                c("contains(ns, :v)", false, ":v", ns("1")), c("contains(m.l, :v)", true, ":v", num("2")),
                c("contains(ss, m.s)", false), c("contains(l, l[0])", true),
                c("size(s) = :v", true, ":v", num("3")), c("size(sClef) = :v", true, ":v", num("3")),
                c("size(b) = :v", true, ":v", num("3")), c("size(ss) = :v", true, ":v", num("2")),
                c("size(ns) = :v", true, ":v", num("3")), c("size(bs) = :v", true, ":v", num("2")),
                c("size(l) = :v", true, ":v", num("4")), c("size(m) = :v", true, ":v", num("3")),
                c("size(emptyL) = :v", true, ":v", num("0")), c("size(emptyM) = :v", true, ":v", num("0")),
                c("size(m.l) = :v", true, ":v", num("2")), c("size(l[2]) = :v", true, ":v", num("1")),
                c("size(s) > :v", true, ":v", num("2")), c("size(s) < :v", false, ":v", num("3")),
                c("size(s) BETWEEN :a AND :b", true, ":a", num("1"), ":b", num("3")),
                c("size(s) IN (:a, :b)", true, ":a", num("1"), ":b", num("3")),
                c("size(ss) < size(ns)", true), c("size(s) = size(b)", true), c("size(s) <> :v", true, ":v",
                        num("4")),
                c("size(n5) = :v", false, ":v", num("1")), c("size(bool) = :v", false, ":v", num("1")),
                c("size(nul) = :v", false, ":v", num("1")), c("size(gone) = :v", false, ":v", num("0")),
                c("size(gone) < :v", false, ":v", num("10")), c("size(s) = :v", false, ":v", str("3"))));
        String[][] types = {{"s", "S"}, {"n5", "N"}, {"b", "B"}, {"bool", "BOOL"}, {"nul", "NULL"}, {"ss", "SS"},
            {"ns", "NS"}, {"bs", "BS"}, {"l", "L"}, {"m", "M"}};
        for (String[] type : types) {
            for (String[] other : types) {
                cases.add(c("attribute_type(" + type[0] + ", :t)", type[1].equals(other[1]), ":t", str(other[1])));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource({"comparisons", "betweenAndIn", "logic", "functions"})
    void conditionOnStoredItem(String condition, boolean expected, Object[] values) {
        Map<String, AttributeValue> used = usedValues(condition, values);
        assertThat(conditionHolds(table, STORED, condition, used)).as("%s with %s", condition, used)
                .isEqualTo(expected);
    }

    /** The values the condition mentions (a shared table of values may hold more). */
    private static Map<String, AttributeValue> usedValues(String condition, Object[] pairs) {
        Map<String, AttributeValue> all = values(pairs);
        if (all != null) {
            all.keySet().removeIf(key -> !condition.matches(".*" + key + "\\b.*"));
        }
        return all;
    }

    static Stream<Arguments> absentItem() {
        return Stream.of(
                c("attribute_not_exists(pk)", true), c("attribute_exists(pk)", false),
                c("attribute_not_exists(a.b[1])", true), c("a <> :v", true, ":v", num("1")),
                c("a = :v", false, ":v", num("1")), c("size(a) = :v", false, ":v", num("0")),
                c("NOT attribute_type(a, :t)", true, ":t", str("NULL")), c("a IN (:v)", false, ":v", nul()),
                c("NOT contains(a, :v)", true, ":v", str("x")), c("NOT begins_with(a, :v)", true, ":v", str("")));
    }

    @ParameterizedTest(name = "absent item: {0} -> {1}")
    @MethodSource("absentItem")
    void conditionOnAbsentItem(String condition, boolean expected, Object[] values) {
        String pk = uniqueName("absent");
        Map<String, AttributeValue> fresh = item("pk", str(pk), "x", num("1"));
        assertThat(conditionHolds(table, fresh, condition, values(values))).as(condition).isEqualTo(expected);
        assertThat(get(table, pk)).isEqualTo(expected ? fresh : null);
    }

    @Test
    void attributeNamesWithDotsAndReservedWords() {
        String pk = uniqueName("names");
        Map<String, AttributeValue> stored = item("pk", str(pk), "a.b", num("1"), "a", map("b", num("2")),
                "size", num("3"), "Status", str("ok"));
        put(table, stored);
        assertThat(conditionHoldsWithNames(stored, "#ab = :one", names("#ab", "a.b"), ":one", num("1"))).isTrue();
        assertThat(conditionHoldsWithNames(stored, "#a.#b = :two", names("#a", "a", "#b", "b"), ":two", num("2")))
                .isTrue();
        assertThat(conditionHoldsWithNames(stored, "#a.#b = :one", names("#a", "a", "#b", "b"), ":one", num("1")))
                .isFalse();
        assertThat(conditionHoldsWithNames(stored, "#s = :v AND #st = :ok", names("#s", "size", "#st", "Status"),
                ":v", num("3"), ":ok", str("ok"))).isTrue();
        assertThat(conditionHoldsWithNames(stored, "size(#s) = :v", names("#s", "Status"), ":v", num("2")))
                .isTrue();
    }

    private boolean conditionHoldsWithNames(Map<String, AttributeValue> stored, String condition,
            Map<String, String> names, Object... values) {
        ConditionalCheckFailedException failure = catchThrowableOfType(ConditionalCheckFailedException.class,
                () -> client.putItem(b -> b.tableName(table).item(stored).conditionExpression(condition)
                        .expressionAttributeNames(names).expressionAttributeValues(values(values))));
        return failure == null;
    }

    @Test
    void failedConditionChangesNothingOnEveryWrite() {
        String pk = uniqueName("unchanged");
        Map<String, AttributeValue> stored = item("pk", str(pk), "a", num("1"), "l", list(str("x")));
        put(table, stored);
        Map<String, AttributeValue> key = item("pk", str(pk));
        assertError(ConditionalCheckFailedException.class, "ConditionalCheckFailedException", CONDITION_FAILED,
                () -> client.putItem(b -> b.tableName(table).item(item("pk", str(pk)))
                        .conditionExpression("a = :two").expressionAttributeValues(values(":two", num("2")))));
        assertError(ConditionalCheckFailedException.class, "ConditionalCheckFailedException", CONDITION_FAILED,
                () -> client.updateItem(b -> b.tableName(table).key(key).updateExpression("SET a = :two REMOVE l")
                        .conditionExpression("a = :two").expressionAttributeValues(values(":two", num("2")))));
        assertError(ConditionalCheckFailedException.class, "ConditionalCheckFailedException", CONDITION_FAILED,
                () -> client.deleteItem(b -> b.tableName(table).key(key)
                        .conditionExpression("attribute_not_exists(a)")));
        assertThat(get(table, pk)).isEqualTo(stored);
    }

    @Test
    void conditionsOnUpdateAndDeleteSeeTheOldItem() {
        String pk = uniqueName("old");
        put(table, item("pk", str(pk), "a", num("1")));
        Map<String, AttributeValue> key = item("pk", str(pk));
        client.updateItem(b -> b.tableName(table).key(key).updateExpression("SET a = :two")
                .conditionExpression("a = :one").expressionAttributeValues(values(":one", num("1"), ":two",
                        num("2"))));
        assertThat(get(table, pk)).isEqualTo(item("pk", str(pk), "a", num("2")));
        client.deleteItem(b -> b.tableName(table).key(key).conditionExpression("a = :two")
                .expressionAttributeValues(values(":two", num("2"))));
        assertThat(get(table, pk)).isNull();
        // An update under attribute_not_exists creates the item.
        client.updateItem(b -> b.tableName(table).key(key).updateExpression("SET a = :one")
                .conditionExpression("attribute_not_exists(pk)").expressionAttributeValues(values(":one",
                        num("1"))));
        assertThat(get(table, pk)).isEqualTo(item("pk", str(pk), "a", num("1")));
    }

    @Test
    void returnValuesOnConditionCheckFailureAllOld() {
        String pk = uniqueName("rvcf");
        Map<String, AttributeValue> stored = item("pk", str(pk), "a", num("1"), "m", map("x", str("y")));
        put(table, stored);
        Map<String, AttributeValue> key = item("pk", str(pk));
        ConditionalCheckFailedException put = assertError(ConditionalCheckFailedException.class,
                "ConditionalCheckFailedException", CONDITION_FAILED,
                () -> client.putItem(b -> b.tableName(table).item(key).conditionExpression("attribute_not_exists(pk)")
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)));
        assertThat(put.item()).isEqualTo(stored);
        ConditionalCheckFailedException update = assertError(ConditionalCheckFailedException.class,
                "ConditionalCheckFailedException", CONDITION_FAILED,
                () -> client.updateItem(b -> b.tableName(table).key(key).updateExpression("SET a = :v")
                        .conditionExpression("a = :v").expressionAttributeValues(values(":v", num("9")))
                        .returnValues(ReturnValue.ALL_NEW)
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)));
        assertThat(update.item()).isEqualTo(stored);
        ConditionalCheckFailedException delete = assertError(ConditionalCheckFailedException.class,
                "ConditionalCheckFailedException", CONDITION_FAILED,
                () -> client.deleteItem(b -> b.tableName(table).key(key).conditionExpression("a > :v")
                        .expressionAttributeValues(values(":v", num("9")))
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)));
        assertThat(delete.item()).isEqualTo(stored);
        // NONE, or no old item at all: the error carries no Item.
        ConditionalCheckFailedException none = assertError(ConditionalCheckFailedException.class,
                "ConditionalCheckFailedException", CONDITION_FAILED,
                () -> client.deleteItem(b -> b.tableName(table).key(key).conditionExpression("a > :v")
                        .expressionAttributeValues(values(":v", num("9")))
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.NONE)));
        assertThat(none.hasItem()).isFalse();
        Map<String, AttributeValue> absent = item("pk", str(uniqueName("none")));
        ConditionalCheckFailedException gone = assertError(ConditionalCheckFailedException.class,
                "ConditionalCheckFailedException", CONDITION_FAILED,
                () -> client.putItem(b -> b.tableName(table).item(absent).conditionExpression("attribute_exists(pk)")
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)));
        assertThat(gone.hasItem()).isFalse();
        assertThat(get(table, pk)).isEqualTo(stored);
    }
}
