package io.basalt.expressions.parser;

import static io.basalt.expressions.parser.ParserAssertions.assertRejected;
import static io.basalt.expressions.parser.ParserAssertions.cases;
import static io.basalt.expressions.parser.ParserAssertions.syntax;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.Operand;
import io.basalt.expressions.ast.PathElement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class TestConditionParser {
    private static final String CMP = "Comparison[left=%s, comparator=%s, right=%s]";

    static String cmp(String left, String comparator, String right) {
        return String.format(CMP, left, comparator, right);
    }

    static Stream<Arguments> valid() {
        return Stream.of(
                cases("a = :v", cmp("a", "EQ", ":v")),
                cases("a <> :v", cmp("a", "NE", ":v")),
                cases("a < :v", cmp("a", "LT", ":v")),
                cases("a <= :v", cmp("a", "LE", ":v")),
                cases("a > :v", cmp("a", "GT", ":v")),
                cases("a >= :v", cmp("a", "GE", ":v")),
                cases("a=:v", cmp("a", "EQ", ":v")),
                cases("  a\t=\n:v\r", cmp("a", "EQ", ":v")),
                cases(":v = a", cmp(":v", "EQ", "a")),
                cases(":a > :a", cmp(":a", "GT", ":a")),
                cases("a = b", cmp("a", "EQ", "b")),
                cases("#n = :v", cmp("#n", "EQ", ":v")),
                cases("#_ > a", cmp("#_", "GT", "a")),
                cases(":_ > a", cmp(":_", "GT", "a")),
                cases("a_ = :v", cmp("a_", "EQ", ":v")),
                cases("a1_B2 = :v", cmp("a1_B2", "EQ", ":v")),
                cases("a.b.c = :v", cmp("a.b.c", "EQ", ":v")),
                cases("a[0] = :v", cmp("a[0]", "EQ", ":v")),
                cases("a[3].b[1][2].#c = :v", cmp("a[3].b[1][2].#c", "EQ", ":v")),
                cases("a . b [ 1 ] = :v", cmp("a.b[1]", "EQ", ":v")),
                cases("a[007] = :v", cmp("a[7]", "EQ", ":v")),
                cases("#a.#b = :v", cmp("#a.#b", "EQ", ":v")),
                cases("(a) = (:v)", cmp("a", "EQ", ":v")),
                cases("(a = :v)", cmp("a", "EQ", ":v")),
                cases("(a.b).c = :v", cmp("a.b.c", "EQ", ":v")),
                cases("(a)[1] = :v", cmp("a[1]", "EQ", ":v")),
                cases("a BETWEEN :lo AND :hi", "Between[value=a, low=:lo, high=:hi]"),
                cases("a between :lo and :hi", "Between[value=a, low=:lo, high=:hi]"),
                cases("(a)between(:lo)and(:hi)", "Between[value=a, low=:lo, high=:hi]"),
                cases("a BETWEEN b AND c", "Between[value=a, low=b, high=c]"),
                cases("a IN (:x)", "In[value=a, candidates=[:x]]"),
                cases("a in (:x, :y, b)", "In[value=a, candidates=[:x, :y, b]]"),
                cases("a IN(:x,:y)", "In[value=a, candidates=[:x, :y]]"),
                cases("a = :v AND b = :w", "And[left=" + cmp("a", "EQ", ":v") + ", right=" + cmp("b", "EQ", ":w")
                        + "]"),
                cases("a = :v and b = :w", "And[left=" + cmp("a", "EQ", ":v") + ", right=" + cmp("b", "EQ", ":w")
                        + "]"),
                cases("a = :v Or b = :w", "Or[left=" + cmp("a", "EQ", ":v") + ", right=" + cmp("b", "EQ", ":w")
                        + "]"),
                cases("NOT a = :v", "Not[condition=" + cmp("a", "EQ", ":v") + "]"),
                cases("not (a = :v)", "Not[condition=" + cmp("a", "EQ", ":v") + "]"),
                cases("NOT NOT a = :v", "Not[condition=Not[condition=" + cmp("a", "EQ", ":v") + "]]"),
                cases("a = :a OR b = :b AND c = :c", "Or[left=" + cmp("a", "EQ", ":a") + ", right=And[left="
                        + cmp("b", "EQ", ":b") + ", right=" + cmp("c", "EQ", ":c") + "]]"),
                cases("(a = :a OR b = :b) AND c = :c", "And[left=Or[left=" + cmp("a", "EQ", ":a") + ", right="
                        + cmp("b", "EQ", ":b") + "], right=" + cmp("c", "EQ", ":c") + "]"),
                cases("NOT a = :a AND b = :b", "And[left=Not[condition=" + cmp("a", "EQ", ":a") + "], right="
                        + cmp("b", "EQ", ":b") + "]"),
                cases("a = :a AND b = :b AND c = :c", "And[left=And[left=" + cmp("a", "EQ", ":a") + ", right="
                        + cmp("b", "EQ", ":b") + "], right=" + cmp("c", "EQ", ":c") + "]"),
                cases("a BETWEEN :a AND :b AND c = :c", "And[left=Between[value=a, low=:a, high=:b], right="
                        + cmp("c", "EQ", ":c") + "]"),
                cases("attribute_exists(a)", "AttributeExists[path=a]"),
                cases("attribute_exists(#a.b[1])", "AttributeExists[path=#a.b[1]]"),
                cases("attribute_exists ( a )", "AttributeExists[path=a]"),
                cases("attribute_not_exists(a)", "AttributeNotExists[path=a]"),
                cases("attribute_type(a, :t)", "AttributeTypeIs[value=a, type=:t]"),
                // A value as the first operand is accepted (dynalite db/conditionParser.pegjs).
                cases("attribute_type(:a, :t)", "AttributeTypeIs[value=:a, type=:t]"),
                cases("begins_with(a, :p)", "BeginsWith[value=a, prefix=:p]"),
                cases("begins_with(:p, a)", "BeginsWith[value=:p, prefix=a]"),
                cases("contains(a, :v)", "Contains[value=a, operand=:v]"),
                cases("contains(a, b)", "Contains[value=a, operand=b]"),
                cases("contains(a, size(b))", "Contains[value=a, operand=Size[path=b]]"),
                cases("size(a) > :n", cmp("Size[path=a]", "GT", ":n")),
                cases("size(a.b[2]) <= size(c)", cmp("Size[path=a.b[2]]", "LE", "Size[path=c]")),
                cases("size(a) = size(a)", cmp("Size[path=a]", "EQ", "Size[path=a]")),
                cases(":n < size(a)", cmp(":n", "LT", "Size[path=a]")),
                cases("size(a) BETWEEN :a AND :b", "Between[value=Size[path=a], low=:a, high=:b]"),
                cases("size(a) IN (:a, :b)", "In[value=Size[path=a], candidates=[:a, :b]]"),
                cases("NOT attribute_exists(a)", "Not[condition=AttributeExists[path=a]]"),
                cases("(attribute_exists(a))", "AttributeExists[path=a]"),
                cases("attribute_exists(a) AND attribute_not_exists(b)",
                        "And[left=AttributeExists[path=a], right=AttributeNotExists[path=b]]"),
                cases("(#P between :lo and :hi) and (#PC in (:c1, :c2))", "And[left=Between[value=#P, low=:lo, "
                        + "high=:hi], right=In[value=#PC, candidates=[:c1, :c2]]]"),
                cases("((a=:a) OR (b=:b))", "Or[left=" + cmp("a", "EQ", ":a") + ", right=" + cmp("b", "EQ", ":b")
                        + "]"),
                cases("#a = a", cmp("#a", "EQ", "a")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void parsesValidConditions(String text, String expected) {
        assertThat(String.valueOf(ExpressionParser.parseCondition(text, ExpressionKind.CONDITION)))
                .isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = ExpressionKind.class, names = {"CONDITION", "FILTER", "KEY_CONDITION"})
    void everyConditionKindUsesTheSameGrammar(ExpressionKind kind) {
        Condition expected = new Condition.And(
                new Condition.Comparison(new Operand.Path(new DocumentPath(List.of(new PathElement.NamePlaceholder(
                        "#pk")))), Condition.Comparator.EQ, new Operand.ValuePlaceholder(":pk")),
                new Condition.BeginsWith(new Operand.Path(DocumentPath.of("sk")), new Operand.ValuePlaceholder(
                        ":p")));
        assertThat(ExpressionParser.parseCondition("#pk = :pk AND begins_with(sk, :p)", kind)).isEqualTo(expected);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                // Syntax errors: token and near-text as DynamoDB reports them.
                cases("a", syntax("<EOF>", "a")),
                cases("a > 4", syntax("4", "> 4")),
                cases("#comment =", syntax("<EOF>", "=")),
                cases("attribute_type()", syntax(")", "()")),
                cases("#list[-1].#c = :v", syntax("-", "[-1")),
                cases("#list[abc].#c = :v", syntax("abc", "[abc]")),
                cases("#list[].#c = :v", syntax("]", "[].")),
                cases("things are not gonna be ok", syntax("are", "things are not")),
                cases("a = :v AND", syntax("<EOF>", "AND")),
                cases("a = :v AND ", syntax("<EOF>", "AND ")),
                cases("a AND b = :v", syntax("AND", "a AND b")),
                cases("a = b = c", syntax("=", "b = c")),
                cases("attribute_exists(Pictures-RearView)", syntax("-", "Pictures-RearView")),
                cases("attribute_exists(\"Pictures.RearView\")", syntax("\"", "(\"Pictures")),
                cases("attribute_exists(Pictures..RearView)", syntax(".", "..RearView")),
                cases("attribute_exists(Pi#ctures.RearView)", syntax("#ctures", "Pi#ctures.")),
                cases("attribute_exists(asdf[a])", syntax("a", "[a]")),
                cases("a in b, c", syntax("b", "in b,")),
                cases("a > between", syntax("between", "> between")),
                cases("a in b", syntax("b", "in b")),
                cases("a in (b,c,)", syntax(")", ",)")),
                cases("a in ()", syntax(")", "()")),
                cases("(a)between(b.(c.d))and(c)", syntax("(", ".(c")),
                cases("(a)between(b.c.d)and((c)", syntax("<EOF>", ")")),
                cases("#$.b > a", syntax("#", "#$")),
                cases("a > :things.stuff", syntax(".", ":things.stuff")),
                cases("b[:a] > a", syntax(":a", "[:a]")),
                cases("b[#_] > a", syntax("#_", "[#_]")),
                cases("ü > a", syntax("ü", "ü >")),
                cases("(a)between(b.c[4.5].#d)and(:a)", syntax(".", "4.5")),
                cases("size(a).b > a", syntax(".", ").b")),
                cases("(size(a)).b > a", syntax(".", ").b")),
                cases("size(a)[0] > a", syntax("[", ")[0")),
                cases("(size(a))[0] > a", syntax("[", ")[0")),
                cases("a = :v)", syntax(")", ":v)")),
                cases("(a = :v", syntax("<EOF>", ":v")),
                cases("a = :v OR", syntax("<EOF>", "OR")),
                cases("NOT", syntax("<EOF>", "NOT")),
                cases("a !== b", syntax("!", "a !=")),
                cases("a == b", syntax("=", "== b")),
                cases("a = b + c", syntax("+", "b + c")),
                cases("a BETWEEN b", syntax("<EOF>", "b")),
                cases("a BETWEEN b OR c", syntax("OR", "b OR c")),
                cases("#f(a) = :v", syntax("(", "#f(a")),
                cases(":v(a) = :v", syntax("(", ":v(a")),
                cases("a = :", syntax(":", "= :")),
                cases("a.1 = :v", syntax("1", ".1 =")),
                cases("a[1 = :v", syntax("=", "1 = :v")),
                cases("a[99999999999] = :v", syntax("99999999999", "[99999999999]")),
                // Redundant parentheses win over everything but syntax.
                cases("((a = :v))", "The expression has redundant parentheses;"),
                cases("a=a and a > ((views))", "The expression has redundant parentheses;"),
                cases("(a)between(((b.c)).d)and(c)", "The expression has redundant parentheses;"),
                cases("a > whatever((:things), ((a)))", "The expression has redundant parentheses;"),
                cases("a=a AND ((a=a AND a=a)) AND a=a", "The expression has redundant parentheses;"),
                cases("a=a OR ((a=a OR a=a)) OR a=a", "The expression has redundant parentheses;"),
                cases("a=a AND ((a=a AND (a=a AND a=a)))", "The expression has redundant parentheses;"),
                cases("a=a OR ((a=a OR (a=a OR a=a)))", "The expression has redundant parentheses;"),
                cases("NOT ((a = :v))", "The expression has redundant parentheses;"),
                cases("a IN (((b)))", "The expression has redundant parentheses;"),
                // Function names.
                cases("a=a and whatever((:things)) > a", "Invalid function name; function: whatever"),
                cases("attRIbute_exIsts((views), #a)", "Invalid function name; function: attRIbute_exIsts"),
                cases("Size(a) > :v", "Invalid function name; function: Size"),
                cases("foo(a)", "Invalid function name; function: foo"),
                cases("if_not_exists(s, :f) = :f",
                        "The function is not allowed in a condition expression; function: if_not_exists"),
                cases("list_append(a, :l) = :f",
                        "The function is not allowed in a condition expression; function: list_append"),
                // Functions in the wrong role.
                cases("a=a and attribute_exists((views), (#a)) > b",
                        "The function is not allowed to be used this way in an expression; function: attribute_exists"),
                cases("attribute_not_exists(things) > b", "The function is not allowed to be used this way in an "
                        + "expression; function: attribute_not_exists"),
                cases("attribute_type(things, :a) > b",
                        "The function is not allowed to be used this way in an expression; function: attribute_type"),
                cases("begins_with(things, a) > b",
                        "The function is not allowed to be used this way in an expression; function: begins_with"),
                cases("contains(:things, c) > b",
                        "The function is not allowed to be used this way in an expression; function: contains"),
                cases("size(contains(a, b)) > a",
                        "The function is not allowed to be used this way in an expression; function: contains"),
                cases("size(things)", misused("size")),
                cases("NOT size(a)", misused("size")),
                cases("a between b and attribute_exists(things)",
                        "The function is not allowed to be used this way in an expression; function: attribute_exists"),
                cases("a in (b, attribute_exists(things))",
                        "The function is not allowed to be used this way in an expression; function: attribute_exists"),
                // Reserved words, as written.
                cases("attribute_exists(views, #a)", "Attribute name is a reserved keyword; reserved keyword: views"),
                cases(":a < abOrT", "Attribute name is a reserved keyword; reserved keyword: abOrT"),
                cases("#list[0].COMMENT = :value", "Attribute name is a reserved keyword; reserved keyword: COMMENT"),
                cases("a.b.size = :v", "Attribute name is a reserved keyword; reserved keyword: size"),
                cases("name = :v", "Attribute name is a reserved keyword; reserved keyword: name"),
                // Operand counts.
                cases("attribute_exists(things, a) and a=a", "Incorrect number of operands for operator or function; "
                        + "operator or function: attribute_exists, number of operands: 2"),
                cases("attribute_not_exists(things, b)", "Incorrect number of operands for operator or function; "
                        + "operator or function: attribute_not_exists, number of operands: 2"),
                cases("attribute_type(things)", "Incorrect number of operands for operator or function; "
                        + "operator or function: attribute_type, number of operands: 1"),
                cases("begins_with(things)", "Incorrect number of operands for operator or function; "
                        + "operator or function: begins_with, number of operands: 1"),
                cases("begins_with(things, size(a), b)", "Incorrect number of operands for operator or function; "
                        + "operator or function: begins_with, number of operands: 3"),
                cases("contains(things)", "Incorrect number of operands for operator or function; "
                        + "operator or function: contains, number of operands: 1"),
                cases("size(things, a) > b", "Incorrect number of operands for operator or function; "
                        + "operator or function: size, number of operands: 2"),
                // Document paths required.
                cases("attribute_exists(:a) and a=a", "Operator or function requires a document path; "
                        + "operator or function: attribute_exists"),
                cases("attribute_not_exists(size(:a))", "Operator or function requires a document path; "
                        + "operator or function: attribute_not_exists"),
                // Precedence between problems.
                cases("foo(a) AND ((b = :v))", "The expression has redundant parentheses;"),
                cases("abort = :v AND foo(a)", "Invalid function name; function: foo"),
                cases("size(a) AND abort = :v", "The function is not allowed to be used this way in an expression; "
                        + "function: size"),
                cases("a = a AND abort = :v", "Attribute name is a reserved keyword; reserved keyword: abort"));
    }

    static String misused(String function) {
        return "The function is not allowed to be used this way in an expression; function: " + function;
    }

    /** Checked once bound (see TestExpressionBinder), as DynamoDB compares the paths with #names resolved. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"a = a AND #a = b AND :views > a", "#a <> #a", "a > a", "((a=a) OR (a=a))",
        "contains(ab.bc[1].a, ab.bc[1].a)", "a BETWEEN a AND :b", "a IN (:b, a)", "size(:a) > a",
        "size(size(a)) > :a"})
    void leavesDistinctAndSizeChecksToBinding(String text) {
        ExpressionParser.parseCondition(text, ExpressionKind.FILTER);
    }

    @Test
    void defersOperandProblemsWithTheirPlace() {
        ParsedExpression<Condition> parsed = ExpressionParser.parseConditionDeferred(
                "a = :x AND begins_with(:hello, #a, #b) AND attribute_exists(:c)", ExpressionKind.FILTER);
        assertThat(parsed.placeholders()).containsExactly(":x", ":hello", "#a", "#b", ":c");
        assertThat(parsed.problem()).isEqualTo(new DeferredProblem("Invalid FilterExpression: Incorrect number of "
                + "operands for operator or function; operator or function: begins_with, number of operands: 3", 1, 4,
                List.of()));
        ParsedExpression<Condition> path = ExpressionParser.parseConditionDeferred("attribute_not_exists(size(:a))",
                ExpressionKind.FILTER);
        assertThat(path.problem()).isEqualTo(new DeferredProblem("Invalid FilterExpression: Operator or function "
                + "requires a document path; operator or function: attribute_not_exists", 0, 1,
                List.of(new Operand.SizeOf(new Operand.ValuePlaceholder(":a")))));
    }

    @Test
    void buildsSizeOfAValue() {
        assertThat(ExpressionParser.parseCondition("size(:s) > :n", ExpressionKind.CONDITION)).isEqualTo(
                new Condition.Comparison(new Operand.SizeOf(new Operand.ValuePlaceholder(":s")),
                        Condition.Comparator.GT, new Operand.ValuePlaceholder(":n")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void rejectsWithDynamoDbsMessage(String text, String detail) {
        assertRejected(ExpressionKind.FILTER, text, detail);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = ExpressionKind.class, names = {"CONDITION", "FILTER", "KEY_CONDITION"})
    void namesTheParameterInEveryMessage(ExpressionKind kind) {
        assertRejected(kind, "", "The expression can not be empty;");
        assertRejected(kind, "a =", syntax("<EOF>", "="));
        assertRejected(kind, "size(a)", "The function is not allowed to be used this way in an expression; "
                + "function: size");
    }

    @Test
    void buildsTheAstWithPlaceholdersKept() {
        Condition parsed = ExpressionParser.parseCondition("size(#a[2]) > :n", ExpressionKind.CONDITION);
        DocumentPath path = new DocumentPath(List.of(new PathElement.NamePlaceholder("#a"), new PathElement.Index(2)));
        assertThat(parsed).isEqualTo(new Condition.Comparison(new Operand.Size(path), Condition.Comparator.GT,
                new Operand.ValuePlaceholder(":n")));
    }
}
