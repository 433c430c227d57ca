package io.basalt.expressions.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A boolean expression: ConditionExpression, FilterExpression and KeyConditionExpression, and the legacy
 * {@code Expected}, {@code QueryFilter}, {@code ScanFilter} and {@code KeyConditions} once translated.
 *
 * <p>Encoded with a persistent tag per subtype and per comparator by basalt-partition's {@code ExpressionCodec}:
 * a new subtype or comparator needs a new tag there, and tags are never reordered or reused.
 */
public sealed interface Condition {
    record Comparison(Operand left, Comparator comparator, Operand right) implements Condition {
        public Comparison {
            requireNonNull(left, "left is null");
            requireNonNull(comparator, "comparator is null");
            requireNonNull(right, "right is null");
        }
    }

    /** {@code value BETWEEN low AND high}, inclusive. */
    record Between(Operand value, Operand low, Operand high) implements Condition {
        public Between {
            requireNonNull(value, "value is null");
            requireNonNull(low, "low is null");
            requireNonNull(high, "high is null");
        }
    }

    /** {@code value IN (candidate, ...)}, up to 100 candidates. */
    record In(Operand value, List<Operand> candidates) implements Condition {
        public In {
            requireNonNull(value, "value is null");
            candidates = List.copyOf(candidates);
        }
    }

    record And(Condition left, Condition right) implements Condition {
        public And {
            requireNonNull(left, "left is null");
            requireNonNull(right, "right is null");
        }
    }

    record Or(Condition left, Condition right) implements Condition {
        public Or {
            requireNonNull(left, "left is null");
            requireNonNull(right, "right is null");
        }
    }

    record Not(Condition condition) implements Condition {
        public Not {
            requireNonNull(condition, "condition is null");
        }
    }

    /** {@code attribute_exists(path)}. */
    record AttributeExists(DocumentPath path) implements Condition {
        public AttributeExists {
            requireNonNull(path, "path is null");
        }
    }

    /** {@code attribute_not_exists(path)}. */
    record AttributeNotExists(DocumentPath path) implements Condition {
        public AttributeNotExists {
            requireNonNull(path, "path is null");
        }
    }

    /**
     * {@code attribute_type(operand, :type)}, where the type is a descriptor string such as "S". The first operand is
     * usually a path, but DynamoDB also accepts a value (dynalite db/conditionParser.pegjs, checked against
     * DynamoDB, requires a path only for attribute_exists and attribute_not_exists); then the condition is constant.
     */
    record AttributeTypeIs(Operand value, Operand type) implements Condition {
        public AttributeTypeIs {
            requireNonNull(value, "value is null");
            requireNonNull(type, "type is null");
        }
    }

    /** {@code begins_with(value, prefix)} for strings and binaries. */
    record BeginsWith(Operand value, Operand prefix) implements Condition {
        public BeginsWith {
            requireNonNull(value, "value is null");
            requireNonNull(prefix, "prefix is null");
        }
    }

    /** {@code contains(value, operand)}: substring, set member or list element. */
    record Contains(Operand value, Operand operand) implements Condition {
        public Contains {
            requireNonNull(value, "value is null");
            requireNonNull(operand, "operand is null");
        }
    }

    enum Comparator {
        EQ("="), NE("<>"), LT("<"), LE("<="), GT(">"), GE(">=");

        private final String symbol;

        Comparator(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }
    }
}
