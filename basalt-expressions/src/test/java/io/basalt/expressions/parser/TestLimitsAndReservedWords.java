package io.basalt.expressions.parser;

import static io.basalt.expressions.parser.ParserAssertions.assertRejected;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class TestLimitsAndReservedWords {
    private static final String TOO_MANY_OPERATORS = "The expression contains too many operators; operator count: 301";

    @Test
    void theReservedListHasTheDeveloperGuidesSize() {
        assertThat(ReservedWords.count()).isEqualTo(573);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ABORT", "abort", "Absolute", "ZONE", "flattern", "INNTER", "LOGED", "Name", "size",
        "status", "data", "year", "AND", "set", "key", "value", "ttl", "uuid"})
    void reservedWordsAreRejectedCaseInsensitivelyAndEchoedAsWritten(String word) {
        String detail = "Attribute name is a reserved keyword; reserved keyword: " + word;
        assertRejected(ExpressionKind.PROJECTION, word, detail);
        assertRejected(ExpressionKind.PROJECTION, "a." + word, detail);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abortx", "nam", "sizes", "pk", "sk", "id", "Title", "n_ame", "name_", "a1", "x",
        "aborted", "colour", "item_id", "Price"})
    void otherNamesAreAccepted(String name) {
        assertThat(ExpressionParser.parseProjection(name).paths()).hasSize(1);
        assertThat(ExpressionParser.parseCondition(name + " = :v", ExpressionKind.FILTER)).isNotNull();
        assertThat(ExpressionParser.parseUpdate("SET " + name + " = :v").set()).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(ExpressionKind.class)
    void expressionsUpTo4096BytesPass(ExpressionKind kind) {
        String name = "a".repeat(4096 - suffix(kind).length() - prefix(kind).length());
        assertThat(ParserAssertions.parse(kind, prefix(kind) + name + suffix(kind))).isNotNull();
        assertRejected(kind, prefix(kind) + name + "a" + suffix(kind),
                "Expression size has exceeded the maximum allowed size;");
    }

    @Test
    void sizeIsCountedInUtf8Bytes() {
        // 3077 characters but 4097 bytes: 17 + 2040 spaces + 1020 two-byte characters.
        String text = "a = :v AND b = :w" + " ".repeat(2040) + "é".repeat(1020);
        assertRejected(ExpressionKind.FILTER, text, "Expression size has exceeded the maximum allowed size;");
    }

    private static String prefix(ExpressionKind kind) {
        return kind == ExpressionKind.UPDATE ? "SET " : "";
    }

    private static String suffix(ExpressionKind kind) {
        return kind.isCondition() ? " = :v" : kind == ExpressionKind.UPDATE ? " = :v" : "";
    }

    @Test
    void inTakesAtMost100Operands() {
        String hundred = values(100);
        assertThat(ExpressionParser.parseCondition("a IN (" + hundred + ")", ExpressionKind.FILTER)).isNotNull();
        assertRejected(ExpressionKind.FILTER, "a IN (" + values(101) + ")",
                "Too many operands for the operator or function; operator or function: IN, number of operands: 101");
    }

    @Test
    void anExpressionHasAtMost300Operators() {
        String ok = IntStream.range(0, 150).mapToObj(i -> "a" + i + " = :v").collect(Collectors.joining(" AND "));
        // 150 comparisons and 149 ANDs: 299 operators.
        assertThat(ExpressionParser.parseCondition(ok, ExpressionKind.FILTER)).isNotNull();
        String tooMany = ok + " AND b = :v";
        assertRejected(ExpressionKind.FILTER, tooMany, TOO_MANY_OPERATORS);
        String update = "SET " + IntStream.range(0, 301).mapToObj(i -> "a" + i + "=b+:v")
                .collect(Collectors.joining(","));
        assertThat(update.length()).isLessThan(4096);
        assertRejected(ExpressionKind.UPDATE, update, TOO_MANY_OPERATORS);
    }

    @Test
    void inCountsAsOneOperator() {
        String threeIns = Stream.of("a", "b", "c").map(n -> n + " IN (" + values(100) + ")")
                .collect(Collectors.joining(" AND "));
        // 300 operands but 5 operators (a dynamodb-local probe: 3 x IN(100) + 2 AND is accepted).
        assertThat(ExpressionParser.parseCondition(threeIns, ExpressionKind.FILTER)).isNotNull();
    }

    @ParameterizedTest
    @EnumSource(ExpressionKind.class)
    void documentPathsNestAtMost32Levels(ExpressionKind kind) {
        String deep = "a" + ".b".repeat(31);
        assertThat(ParserAssertions.parse(kind, prefix(kind) + deep + suffix(kind))).isNotNull();
        String indexes = "a" + "[0]".repeat(31);
        assertThat(ParserAssertions.parse(kind, prefix(kind) + indexes + suffix(kind))).isNotNull();
        assertRejected(kind, prefix(kind) + deep + ".c" + suffix(kind),
                "The document path has too many nesting levels; nesting levels: 33");
        assertRejected(kind, prefix(kind) + indexes + "[1]" + suffix(kind),
                "The document path has too many nesting levels; nesting levels: 33");
    }

    @Test
    void deepGroupingIsBoundedWithoutOverflowingTheStack() {
        String deep = "(".repeat(2000) + "a = :v" + ")".repeat(2000);
        assertRejected(ExpressionKind.FILTER, deep, "The expression has redundant parentheses;");
        String update = "SET a = " + "(".repeat(2000) + ":v" + ")".repeat(2000);
        assertRejected(ExpressionKind.UPDATE, update, "The expression has redundant parentheses;");
    }

    @Test
    void theCacheReturnsTheSameTreeAndRethrowsTheSameError() {
        ExpressionParser.clearCache();
        Object first = ExpressionParser.parseCondition("a = :cached", ExpressionKind.FILTER);
        assertThat(ExpressionParser.parseCondition("a = :cached", ExpressionKind.FILTER)).isSameAs(first);
        for (int i = 0; i < 3; i++) {
            assertRejected(ExpressionKind.FILTER, "a = ", ParserAssertions.syntax("<EOF>", "= "));
        }
        // The kind is part of the key: the same text names its own parameter.
        assertRejected(ExpressionKind.CONDITION, "a = ", ParserAssertions.syntax("<EOF>", "= "));
        for (int i = 0; i < ExpressionParser.CACHE_CAPACITY + 10; i++) {
            ExpressionParser.parseProjection("p" + i);
        }
        assertThat(ExpressionParser.parseCondition("a = :cached", ExpressionKind.FILTER)).isEqualTo(first);
    }

    private static String values(int count) {
        List<String> names = IntStream.range(0, count).mapToObj(i -> ":v" + i).toList();
        return String.join(", ", names);
    }
}
