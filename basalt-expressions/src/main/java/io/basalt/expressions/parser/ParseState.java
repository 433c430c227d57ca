package io.basalt.expressions.parser;

import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.PathElement;
import java.util.ArrayList;
import java.util.List;

/**
 * What one parse shares between its grammar rules: the token cursor, the problems, the placeholders read, the
 * operator and leaf-condition counts, and the document-path rule, which every expression kind uses.
 */
final class ParseState {
    /** "The maximum number of operators or functions allowed in a single expression is 300" (Constraints page). */
    static final int MAX_OPERATORS = 300;
    /** Document paths nest at most 32 levels (Developer Guide, Constraints: "Nested attribute depth"). */
    static final int MAX_PATH_DEPTH = 32;

    final TokenCursor cursor;
    final Problems problems;
    private final List<String> placeholders = new ArrayList<>();
    private int operators;
    private int leaves;

    ParseState(TokenCursor cursor, Problems problems) {
        this.cursor = cursor;
        this.problems = problems;
    }

    ExpressionKind kind() {
        return cursor.kind();
    }

    /**
     * Counts one operator or function. DynamoDB fails as soon as the count passes the limit, so its message always
     * says 301 (a dynamodb-local probe recorded "operator count: 301" whatever the real total).
     */
    void countOperator() {
        operators++;
        if (operators > MAX_OPERATORS) {
            throw Messages.invalid(kind(), Messages.tooManyOperators(operators));
        }
    }

    /** Records a {@code #name} or {@code :value} as read, in text order. */
    void placeholder(String text) {
        placeholders.add(text);
    }

    List<String> placeholders() {
        return placeholders;
    }

    /** A leaf condition (comparison, BETWEEN, IN, function condition) is complete; counted left to right. */
    void leafComplete() {
        problems.conditionComplete(leaves++, placeholders.size());
    }

    /** The text has parsed: operand problems not yet tied to a complete condition are fixed now. */
    void finish() {
        problems.conditionComplete(leaves, placeholders.size());
    }

    /** {@code name-or-#name ( '.' name-or-#name | '[' digits ']' )*}. */
    DocumentPath path() {
        List<PathElement> elements = new ArrayList<>();
        elements.add(name());
        return continuePath(elements);
    }

    /** Whether the current token can continue a path ({@code .} or {@code [}). */
    boolean atPathContinuation() {
        return cursor.atSymbol(".") || cursor.atSymbol("[");
    }

    /** Reads {@code .name} and {@code [index]} steps after the given elements. */
    DocumentPath continuePath(List<PathElement> elements) {
        while (atPathContinuation()) {
            if (cursor.next().text().equals(".")) {
                elements.add(name());
            } else {
                elements.add(index());
                cursor.expectSymbol("]");
            }
            if (elements.size() > MAX_PATH_DEPTH) {
                throw Messages.invalid(kind(), Messages.pathTooDeep(elements.size()));
            }
        }
        return new DocumentPath(elements);
    }

    private PathElement name() {
        Token token = cursor.peek();
        if (token.type() == Token.Type.NAME) {
            cursor.next();
            if (ReservedWords.isReserved(token.text())) {
                problems.add(Problems.Category.RESERVED_WORD, Messages.reserved(token.text()));
            }
            return new PathElement.Name(token.text());
        }
        if (token.type() == Token.Type.NAME_PLACEHOLDER) {
            cursor.next();
            placeholder(token.text());
            return new PathElement.NamePlaceholder(token.text());
        }
        throw cursor.syntaxError();
    }

    private PathElement index() {
        Token token = cursor.peek();
        if (token.type() != Token.Type.NUMBER) {
            throw cursor.syntaxError();
        }
        int value;
        try {
            value = Integer.parseInt(token.text());
        } catch (NumberFormatException tooLarge) {
            // Beyond int range no list can be that long; DynamoDB's own text for this case is not recorded, so it is
            // reported as a syntax error at the number.
            throw cursor.syntaxError();
        }
        cursor.next();
        return new PathElement.Index(value);
    }
}
