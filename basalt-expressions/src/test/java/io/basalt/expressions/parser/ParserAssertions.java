package io.basalt.expressions.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import org.junit.jupiter.params.provider.Arguments;

/** Shared helpers: parse by kind, and assert DynamoDB's exact message. */
final class ParserAssertions {
    private ParserAssertions() {
    }

    static Object parse(ExpressionKind kind, String text) {
        return switch (kind) {
            case UPDATE -> ExpressionParser.parseUpdate(text);
            case PROJECTION -> ExpressionParser.parseProjection(text);
            default -> ExpressionParser.parseCondition(text, kind);
        };
    }

    static void assertRejected(ExpressionKind kind, String text, String detail) {
        BasaltException error = catchThrowableOfType(BasaltException.class, () -> parse(kind, text));
        assertThat(error).as("%s %s", kind, text).isNotNull();
        assertThat(error.code()).isEqualTo(ErrorCode.VALIDATION);
        assertThat(error.getMessage()).as("%s %s", kind, text)
                .isEqualTo("Invalid " + kind.parameterName() + ": " + detail);
    }

    static Arguments cases(String text, String expected) {
        return Arguments.of(text, expected);
    }

    static String syntax(String token, String near) {
        return "Syntax error; token: \"" + token + "\", near: \"" + near + "\"";
    }
}
