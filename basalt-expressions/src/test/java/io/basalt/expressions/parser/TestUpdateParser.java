package io.basalt.expressions.parser;

import static io.basalt.expressions.parser.ParserAssertions.assertRejected;
import static io.basalt.expressions.parser.ParserAssertions.cases;
import static io.basalt.expressions.parser.ParserAssertions.syntax;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.Operand;
import io.basalt.expressions.ast.UpdateExpression;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TestUpdateParser {
    static String set(String... actions) {
        return "UpdateExpression[set=[" + String.join(", ", actions) + "], remove=[], add=[], delete=[]]";
    }

    static String action(String path, String value) {
        return "SetAction[path=" + path + ", value=" + value + "]";
    }

    static Stream<Arguments> valid() {
        return Stream.of(
                cases("SET a = :v", set(action("a", ":v"))),
                cases("set a = :v", set(action("a", ":v"))),
                cases("SeT a=:v", set(action("a", ":v"))),
                cases("SET a = b", set(action("a", "b"))),
                cases("SET a.b[1].#c = :v", set(action("a.b[1].#c", ":v"))),
                cases("SET a = :v, b = :w", set(action("a", ":v"), action("b", ":w"))),
                cases("SET a = b + :v", set(action("a", "Arithmetic[left=b, operator=PLUS, right=:v]"))),
                cases("SET a = b - :v", set(action("a", "Arithmetic[left=b, operator=MINUS, right=:v]"))),
                cases("SET a = (b + c)", set(action("a", "Arithmetic[left=b, operator=PLUS, right=c]"))),
                cases("SET a = (b) + (c)", set(action("a", "Arithmetic[left=b, operator=PLUS, right=c]"))),
                cases("set a = ((b.c.d)+(e))", set(action("a", "Arithmetic[left=b.c.d, operator=PLUS, right=e]"))),
                cases("SET a = (:v)", set(action("a", ":v"))),
                cases("SET a = if_not_exists(a, :z)", set(action("a", "IfNotExists[path=a, fallback=:z]"))),
                cases("SET a = if_not_exists(a, b) + b",
                        set(action("a", "Arithmetic[left=IfNotExists[path=a, fallback=b], operator=PLUS, right=b]"))),
                cases("SET a = if_not_exists(a, if_not_exists(a, b))",
                        set(action("a", "IfNotExists[path=a, fallback=IfNotExists[path=a, fallback=b]]"))),
                cases("SET l = list_append(l, :v)", set(action("l", "ListAppend[first=l, second=:v]"))),
                cases("SET l = list_append(:v, l)", set(action("l", "ListAppend[first=:v, second=l]"))),
                cases("SET #r = list_append(if_not_exists(l, :e), :t)",
                        set(action("#r", "ListAppend[first=IfNotExists[path=l, fallback=:e], second=:t]"))),
                cases("set e = list_append(d, if_not_exists(f, :a))",
                        set(action("e", "ListAppend[first=d, second=IfNotExists[path=f, fallback=:a]]"))),
                cases("SET a = list_append(a, b) + :n",
                        set(action("a", "Arithmetic[left=ListAppend[first=a, second=b], operator=PLUS, right=:n]"))),
                cases("REMOVE a", "UpdateExpression[set=[], remove=[a], add=[], delete=[]]"),
                cases("REMOVE a, b[1], #c.d", "UpdateExpression[set=[], remove=[a, b[1], #c.d], add=[], delete=[]]"),
                cases("ADD n :one", "UpdateExpression[set=[], remove=[], add=[AddAction[path=n, value=:one]], "
                        + "delete=[]]"),
                cases("add s :x, t.u :y", "UpdateExpression[set=[], remove=[], add=[AddAction[path=s, value=:x], "
                        + "AddAction[path=t.u, value=:y]], delete=[]]"),
                cases("DELETE s :x", "UpdateExpression[set=[], remove=[], add=[], delete=[DeleteAction[path=s, "
                        + "value=:x]]]"),
                cases("ADD numx :inc SET fieldx = :s", "UpdateExpression[set=[SetAction[path=fieldx, value=:s]], "
                        + "remove=[], add=[AddAction[path=numx, value=:inc]], delete=[]]"),
                cases("SET a = :a REMOVE b ADD c :c DELETE d :d", "UpdateExpression[set=[SetAction[path=a, "
                        + "value=:a]], remove=[b], add=[AddAction[path=c, value=:c]], delete=[DeleteAction[path=d, "
                        + "value=:d]]]"),
                cases("DELETE d :d ADD c :c REMOVE b SET a = :a", "UpdateExpression[set=[SetAction[path=a, "
                        + "value=:a]], remove=[b], add=[AddAction[path=c, value=:c]], delete=[DeleteAction[path=d, "
                        + "value=:d]]]"),
                cases("  remove   a  ", "UpdateExpression[set=[], remove=[a], add=[], delete=[]]"),
                cases("SET a = a", set(action("a", "a"))),
                cases("SET #a = :v", set(action("#a", ":v"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void parsesValidUpdates(String text, String expected) {
        assertThat(String.valueOf(ExpressionParser.parseUpdate(text))).isEqualTo(expected);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                cases("INVALID SYNTAX", syntax("INVALID", "INVALID SYNTAX")),
                cases("whatever", syntax("whatever", "whatever")),
                cases("SET", syntax("<EOF>", "SET")),
                cases("set a", syntax("<EOF>", "a")),
                cases("add a", syntax("<EOF>", "a")),
                cases("delete a", syntax("<EOF>", "a")),
                cases("ADD numx", syntax("<EOF>", "numx")),
                cases("ADD numx 1", syntax("1", "numx 1")),
                cases("DELETE setx a", syntax("a", "setx a")),
                cases("SET a = ", syntax("<EOF>", "= ")),
                cases("SET note = :v +", syntax("<EOF>", "+")),
                cases("SET numx = numx * :v", syntax("*", "numx * :v")),
                cases("SET numx = numx / :v", syntax("/", "numx / :v")),
                cases("SET #list[0.#comment = :v", syntax(".", "0.#comment")),
                cases("set a=set", syntax("set", "=set")),
                cases("remove a = b", syntax("=", "a = b")),
                cases("add a = b", syntax("=", "a = b")),
                cases("delete a = b", syntax("=", "a = b")),
                cases("delete a b", syntax("b", "a b")),
                cases("delete a if_not_exist(b)", syntax("if_not_exist", "a if_not_exist(")),
                cases("add abort b", syntax("b", "abort b")),
                cases("remove a b", syntax("b", "a b")),
                cases("set a b", syntax("b", "a b")),
                cases("set :a = b", syntax(":a", "set :a =")),
                cases("add :a b", syntax(":a", "add :a b")),
                cases("remove :a", syntax(":a", "remove :a")),
                cases("set a[1] = \"eight\"", syntax("\"", "= \"eight")),
                cases("set a[1] = 1", syntax("1", "= 1")),
                cases("SET a = if_not_exist(a, 100)", syntax("100", ", 100)")),
                cases("SET if_not_exist(a, b) = a", syntax("(", "if_not_exist(a")),
                cases("set (a = (b + c))", syntax("(", "set (a")),
                cases("set a = (b.c).d + e", syntax(".", ").d")),
                cases("set a = (b.c)[0] + e", syntax("[", ")[0")),
                cases("set a = b + c + d", syntax("+", "c + d")),
                cases("set a = (b + c) + d", syntax("+", ") + d")),
                cases("set a = b + (c - d)", syntax("-", "c - d")),
                cases("set a = list_append(b + c, d)", syntax("+", "b + c")),
                cases("SET a = :v,", syntax("<EOF>", ",")),
                cases("SET a = :v REMOVE", syntax("<EOF>", "REMOVE")),
                cases("SET a = :v and b = :w", syntax("and", ":v and b")),
                cases("SET a.set = :v", syntax("set", ".set =")),
                cases("SET a = f()", syntax(")", "()")),
                cases("SET a = :v WHERE b = :w", syntax("WHERE", ":v WHERE b")),
                cases(" set #c = :c set abOrt = true ",
                        "Attribute name is a reserved keyword; reserved keyword: abOrt"),
                cases(" remove Absolute ", "Attribute name is a reserved keyword; reserved keyword: Absolute"),
                cases("SET COMMENT = :value", "Attribute name is a reserved keyword; reserved keyword: COMMENT"),
                cases("SET #list[0].COMMENT = :v", "Attribute name is a reserved keyword; reserved keyword: COMMENT"),
                cases("set #c = if_not_exist(:c) set c = d", "Invalid function name; function: if_not_exist"),
                cases("SET a = foo(b)", "Invalid function name; function: foo"),
                cases("SET a = If_Not_Exists(a, :v)", "Invalid function name; function: If_Not_Exists"),
                cases("SET #r = size(s)", "The function is not allowed in an update expression; function: size"),
                cases("SET #r = contains(s, :n)",
                        "The function is not allowed in an update expression; function: contains"),
                cases("SET #r = attribute_exists(s)",
                        "The function is not allowed in an update expression; function: attribute_exists"),
                cases("set a = #c set c = :d", section("SET")),
                cases("SET fieldx = :s SET otherx = :o", section("SET")),
                cases("remove #d set a = b remove e", section("REMOVE")),
                cases("add #d :e set a = b add e :f", section("ADD")),
                cases("delete #d :e set a = b delete #e :f", section("DELETE")),
                cases("set a = if_not_exists(c)", "Incorrect number of operands for operator or function; "
                        + "operator or function: if_not_exists, number of operands: 1"),
                cases("set a = list_append(c)", "Incorrect number of operands for operator or function; "
                        + "operator or function: list_append, number of operands: 1"),
                cases("set a = list_append(a, b, c)", "Incorrect number of operands for operator or function; "
                        + "operator or function: list_append, number of operands: 3"),
                cases("set a = if_not_exists(:a, c)",
                        "Operator or function requires a document path; operator or function: if_not_exists"),
                cases("set a = if_not_exists(if_not_exists(a, b), c)",
                        "Operator or function requires a document path; operator or function: if_not_exists"),
                cases("SET #r = list_append(list_append(l, :t), :t2)",
                        "The function is not allowed to be used this way in an expression; function: list_append"),
                cases("SET a = ((b))", "The expression has redundant parentheses;"),
                cases("set abort = foo(a)", "Attribute name is a reserved keyword; reserved keyword: abort"),
                cases("set a = foo(a) set b = :b", "Invalid function name; function: foo"),
                cases("set a = if_not_exists(c) set b = :b", section("SET")));
    }

    static String section(String name) {
        return "The \"" + name + "\" section can only be used once in an update expression;";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void rejectsWithDynamoDbsMessage(String text, String detail) {
        assertRejected(ExpressionKind.UPDATE, text, detail);
    }

    @Test
    void keepsTheOrderOfActionsWithinAClause() {
        UpdateExpression update = ExpressionParser.parseUpdate("SET b = :b, a = :a");
        assertThat(update.set()).containsExactly(
                new UpdateExpression.SetAction(DocumentPath.of("b"), new Operand.ValuePlaceholder(":b")),
                new UpdateExpression.SetAction(DocumentPath.of("a"), new Operand.ValuePlaceholder(":a")));
        assertThat(update.remove()).isEqualTo(List.of());
    }

    @Test
    void emptyUpdate() {
        assertRejected(ExpressionKind.UPDATE, "", "The expression can not be empty;");
    }
}
