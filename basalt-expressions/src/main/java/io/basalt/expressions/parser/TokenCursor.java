package io.basalt.expressions.parser;

import io.basalt.model.BasaltException;
import java.util.List;

/**
 * A position in the token list, and the one place that builds syntax errors.
 *
 * <p>DynamoDB's syntax error names the offending token and quotes the source text from the start of the token before
 * it to the end of the token after it, whitespace included; at the end of the input the token is {@code <EOF>} and the
 * quote runs to the end of the text. Observed: {@code SET numx = numx * :v} gives token "*" near "numx * :v";
 * {@code ADD numx 1} gives "1" near "numx 1"; {@code #list[].#c} gives "]" near "[]."; {@code ADD numx} gives
 * "&lt;EOF&gt;" near "numx"; {@code !!} gives "!" near "!!"; {@code INVALID SYNTAX} gives "INVALID" near
 * "INVALID SYNTAX" (wire-reference §1.6 item 7 and captures quoted in public emulator test suites).
 */
final class TokenCursor {
    private final String text;
    private final List<Token> tokens;
    private final ExpressionKind kind;
    private int index;

    TokenCursor(String text, List<Token> tokens, ExpressionKind kind) {
        this.text = text;
        this.tokens = tokens;
        this.kind = kind;
    }

    Token peek() {
        return tokens.get(index);
    }

    Token peekAhead(int offset) {
        return tokens.get(Math.min(index + offset, tokens.size() - 1));
    }

    Token next() {
        Token token = tokens.get(index);
        if (token.type() != Token.Type.EOF) {
            index++;
        }
        return token;
    }

    boolean atSymbol(String symbol) {
        return peek().isSymbol(symbol);
    }

    boolean atKeyword(String keyword) {
        return peek().isKeyword(keyword);
    }

    Token expectSymbol(String symbol) {
        if (!atSymbol(symbol)) {
            throw syntaxError();
        }
        return next();
    }

    Token expect(Token.Type type) {
        if (peek().type() != type) {
            throw syntaxError();
        }
        return next();
    }

    void expectEnd() {
        if (peek().type() != Token.Type.EOF) {
            throw syntaxError();
        }
    }

    ExpressionKind kind() {
        return kind;
    }

    /** A syntax error at the current token. */
    BasaltException syntaxError() {
        return syntaxErrorAt(index);
    }

    /** The index of the current token, to report a syntax error there later. */
    int position() {
        return index;
    }

    BasaltException syntaxErrorAt(int at) {
        Token token = tokens.get(at);
        int from = at > 0 ? tokens.get(at - 1).start() : token.start();
        int to = at + 1 < tokens.size() ? tokens.get(at + 1).end() : text.length();
        String near = text.substring(from, to);
        return Messages.invalid(kind, "Syntax error; token: \"" + token.text() + "\", near: \"" + near + "\"");
    }
}
