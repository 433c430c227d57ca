package io.basalt.expressions.parser;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Splits an expression into tokens. Whitespace (space, tab, CR, LF) separates tokens and is dropped; every other
 * character outside the token classes becomes a one-character {@link Token.Type#UNKNOWN} token so that the parser
 * reports it as DynamoDB does ({@code token: "!", near: "!!"}, wire-reference §1.6 item 7).
 */
final class Lexer {
    /** Condition keywords are case-insensitive (Developer Guide, "Comparison operator and function reference"). */
    static final Set<String> CONDITION_KEYWORDS = Set.of("AND", "OR", "NOT", "BETWEEN", "IN");
    /** Update clause keywords are case-insensitive (dynalite's updateParser: 'SET'i ...). */
    static final Set<String> UPDATE_KEYWORDS = Set.of("SET", "REMOVE", "ADD", "DELETE");

    private Lexer() {
    }

    /** The tokens of {@code text}, ending with one EOF token. */
    static List<Token> tokenize(String text, Set<String> keywords) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        int length = text.length();
        while (i < length) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                i++;
            } else if (isNameStart(c)) {
                int end = scanWord(text, i + 1);
                String word = text.substring(i, end);
                Token.Type type = keywords.contains(word.toUpperCase(Locale.ROOT)) ? Token.Type.KEYWORD
                        : Token.Type.NAME;
                tokens.add(new Token(type, word, i, end));
                i = end;
            } else if (c >= '0' && c <= '9') {
                int end = i + 1;
                while (end < length && text.charAt(end) >= '0' && text.charAt(end) <= '9') {
                    end++;
                }
                tokens.add(new Token(Token.Type.NUMBER, text.substring(i, end), i, end));
                i = end;
            } else if ((c == '#' || c == ':') && i + 1 < length && isWordPart(text.charAt(i + 1))) {
                int end = scanWord(text, i + 1);
                Token.Type type = c == '#' ? Token.Type.NAME_PLACEHOLDER : Token.Type.VALUE_PLACEHOLDER;
                tokens.add(new Token(type, text.substring(i, end), i, end));
                i = end;
            } else {
                i = symbolOrUnknown(text, i, tokens);
            }
        }
        tokens.add(new Token(Token.Type.EOF, Token.EOF_TEXT, length, length));
        return tokens;
    }

    private static int symbolOrUnknown(String text, int i, List<Token> tokens) {
        char c = text.charAt(i);
        char next = i + 1 < text.length() ? text.charAt(i + 1) : 0;
        if (c == '<' && (next == '=' || next == '>') || c == '>' && next == '=') {
            tokens.add(new Token(Token.Type.SYMBOL, text.substring(i, i + 2), i, i + 2));
            return i + 2;
        }
        if ("()[],.=<>+-".indexOf(c) >= 0) {
            tokens.add(new Token(Token.Type.SYMBOL, String.valueOf(c), i, i + 1));
            return i + 1;
        }
        int end = i + Character.charCount(text.codePointAt(i));
        tokens.add(new Token(Token.Type.UNKNOWN, text.substring(i, end), i, end));
        return end;
    }

    private static int scanWord(String text, int from) {
        int end = from;
        while (end < text.length() && isWordPart(text.charAt(end))) {
            end++;
        }
        return end;
    }

    /** Names start with a letter; an underscore may only follow (Alternator test_update_expression.py). */
    private static boolean isNameStart(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    private static boolean isWordPart(char c) {
        return isNameStart(c) || c >= '0' && c <= '9' || c == '_';
    }
}
