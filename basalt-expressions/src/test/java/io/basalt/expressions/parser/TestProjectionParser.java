package io.basalt.expressions.parser;

import static io.basalt.expressions.parser.ParserAssertions.assertRejected;
import static io.basalt.expressions.parser.ParserAssertions.cases;
import static io.basalt.expressions.parser.ParserAssertions.syntax;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.PathElement;
import io.basalt.expressions.ast.ProjectionExpression;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TestProjectionParser {
    static Stream<Arguments> valid() {
        return Stream.of(
                cases("a", "[a]"),
                cases("a, b", "[a, b]"),
                cases("a,b,c", "[a, b, c]"),
                cases("Title, Price, Color", "[Title, Price, Color]"),
                cases("ProductReviews.FiveStar", "[ProductReviews.FiveStar]"),
                cases("RelatedItems[0]", "[RelatedItems[0]]"),
                cases("#a, #a.#b", "[#a, #a.#b]"),
                cases("a[1][2].b", "[a[1][2].b]"),
                cases("#list[0].#comment", "[#list[0].#comment]"),
                cases(" a , b ", "[a, b]"),
                cases("a, a", "[a, a]"),
                cases("x_1", "[x_1]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void parsesValidProjections(String text, String paths) {
        assertThat(ExpressionParser.parseProjection(text).paths().toString()).isEqualTo(paths);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                cases("!!", syntax("!", "!!")),
                cases("a b", syntax("b", "a b")),
                cases("a,", syntax("<EOF>", ",")),
                cases(",a", syntax(",", ",a")),
                cases("a,,b", syntax(",", ",,b")),
                cases("l[a]", syntax("a", "[a]")),
                cases("#list[].#comment", syntax("]", "[].")),
                cases("a.", syntax("<EOF>", ".")),
                cases("a[", syntax("<EOF>", "[")),
                cases("a[1", syntax("<EOF>", "1")),
                cases(":v", syntax(":v", ":v")),
                cases("a = b", syntax("=", "a = b")),
                cases("size(a)", syntax("(", "size(a")),
                cases("(a)", syntax("(", "(a")),
                cases("a.#", syntax("#", ".#")),
                cases("COMMENT", "Attribute name is a reserved keyword; reserved keyword: COMMENT"),
                cases("list[0].COMMENT", "Attribute name is a reserved keyword; reserved keyword: list"),
                cases("#list[0].COMMENT", "Attribute name is a reserved keyword; reserved keyword: COMMENT"),
                cases("m.COMMENT", "Attribute name is a reserved keyword; reserved keyword: COMMENT"),
                cases("set", "Attribute name is a reserved keyword; reserved keyword: set"),
                cases("a, Name", "Attribute name is a reserved keyword; reserved keyword: Name"),
                cases("   ", "The expression can not be empty;"),
                cases("", "The expression can not be empty;"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void rejectsWithDynamoDbsMessage(String text, String detail) {
        assertRejected(ExpressionKind.PROJECTION, text, detail);
    }

    @Test
    void buildsPathsWithPlaceholders() {
        ProjectionExpression projection = ExpressionParser.parseProjection("#a[2].b");
        assertThat(projection.paths()).containsExactly(new DocumentPath(List.of(new PathElement.NamePlaceholder("#a"),
                new PathElement.Index(2), new PathElement.Name("b"))));
    }
}
