package io.basalt.expressions.parser;

/**
 * One lexical token and where it sits in the source text; the offsets build the {@code near: "..."} part of a
 * syntax error, which quotes the source text itself (whitespace included).
 *
 * @param start offset of the first character
 * @param end offset just past the last character; for {@link Type#EOF} both are the text's length
 */
record Token(Type type, String text, int start, int end) {
    enum Type {
        /** {@code [a-zA-Z_][a-zA-Z0-9_]*} that is not a keyword of the expression kind. */
        NAME,
        /** A keyword of the expression kind (AND, OR, NOT, BETWEEN, IN; or SET, REMOVE, ADD, DELETE). */
        KEYWORD,
        /** {@code #[a-zA-Z0-9_]+}. */
        NAME_PLACEHOLDER,
        /** {@code :[a-zA-Z0-9_]+}. */
        VALUE_PLACEHOLDER,
        /** {@code [0-9]+}: only meaningful inside a list index. */
        NUMBER,
        /** Punctuation and operators: {@code ( ) [ ] , . = <> < <= > >= + -}. */
        SYMBOL,
        /** Any other character, one per token (DynamoDB reports {@code !!} as token "!" near "!!"). */
        UNKNOWN,
        EOF
    }

    static final String EOF_TEXT = "<EOF>";

    boolean isSymbol(String symbol) {
        return type == Type.SYMBOL && text.equals(symbol);
    }

    boolean isKeyword(String keyword) {
        return type == Type.KEYWORD && text.equalsIgnoreCase(keyword);
    }
}
