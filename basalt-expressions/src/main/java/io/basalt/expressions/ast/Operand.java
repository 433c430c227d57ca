package io.basalt.expressions.ast;

import static java.util.Objects.requireNonNull;

import io.basalt.model.AttributeValue;

/**
 * A value-producing term. Conditions use paths, values and {@code size(...)}; the right-hand side of an update's
 * SET also uses {@code if_not_exists}, {@code list_append} and {@code +}/{@code -}.
 *
 * <p>Encoded with a persistent tag per subtype and per arithmetic operator by basalt-partition's
 * {@code ExpressionCodec}: a new subtype or operator needs a new tag there, and tags are never reordered or reused.
 */
public sealed interface Operand {
    /** The value at a document path of the item (absent when the path does not resolve). */
    record Path(DocumentPath path) implements Operand {
        public Path {
            requireNonNull(path, "path is null");
        }

        @Override
        public String toString() {
            return path.toString();
        }
    }

    /** A {@code :value} placeholder, resolved from ExpressionAttributeValues when the expression is bound. */
    record ValuePlaceholder(String placeholder) implements Operand {
        public ValuePlaceholder {
            requireNonNull(placeholder, "placeholder is null");
            if (!placeholder.startsWith(":")) {
                throw new IllegalArgumentException("value placeholders start with ':': " + placeholder);
            }
        }

        @Override
        public String toString() {
            return placeholder;
        }
    }

    /**
     * A bound value.
     *
     * @param placeholder the {@code :value} it was bound from, kept for error messages
     */
    record Literal(AttributeValue value, String placeholder) implements Operand {
        public Literal {
            requireNonNull(value, "value is null");
            requireNonNull(placeholder, "placeholder is null");
        }

        @Override
        public String toString() {
            return placeholder;
        }
    }

    /** {@code size(path)}: the length of a string, binary, set, list or map. */
    record Size(DocumentPath path) implements Operand {
        public Size {
            requireNonNull(path, "path is null");
        }
    }

    /**
     * {@code size(operand)} of an operand that is not a document path: {@code size(:v)}, where DynamoDB accepts any
     * value but N, BOOL and NULL, or {@code size(size(a))}, which it refuses as "operand type: N" (dynalite
     * db/conditionParser.pegjs checkFunction 'size', and test/scan.js). {@code size(path)} stays {@link Size}.
     */
    record SizeOf(Operand operand) implements Operand {
        public SizeOf {
            requireNonNull(operand, "operand is null");
            if (operand instanceof Path) {
                throw new IllegalArgumentException("size of a document path is Operand.Size: " + operand);
            }
        }
    }

    /** {@code if_not_exists(path, operand)} (update SET only). */
    record IfNotExists(DocumentPath path, Operand fallback) implements Operand {
        public IfNotExists {
            requireNonNull(path, "path is null");
            requireNonNull(fallback, "fallback is null");
        }
    }

    /** {@code list_append(first, second)} (update SET only). */
    record ListAppend(Operand first, Operand second) implements Operand {
        public ListAppend {
            requireNonNull(first, "first is null");
            requireNonNull(second, "second is null");
        }
    }

    /** {@code left + right} or {@code left - right} on numbers (update SET only). */
    record Arithmetic(Operand left, ArithmeticOperator operator, Operand right) implements Operand {
        public Arithmetic {
            requireNonNull(left, "left is null");
            requireNonNull(operator, "operator is null");
            requireNonNull(right, "right is null");
        }
    }

    enum ArithmeticOperator {
        PLUS, MINUS
    }
}
