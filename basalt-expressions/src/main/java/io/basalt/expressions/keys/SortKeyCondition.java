package io.basalt.expressions.keys;

import static java.util.Objects.requireNonNull;

import io.basalt.expressions.ast.Condition;
import io.basalt.model.AttributeValue;

/** The condition a Query puts on the sort key: a comparison, a range or a prefix. */
public sealed interface SortKeyCondition {
    /** {@code sk = v}, {@code sk < v}, {@code sk <= v}, {@code sk > v} or {@code sk >= v}. */
    record Compare(Condition.Comparator comparator, AttributeValue value) implements SortKeyCondition {
        public Compare {
            requireNonNull(comparator, "comparator is null");
            requireNonNull(value, "value is null");
            if (comparator == Condition.Comparator.NE) {
                throw new IllegalArgumentException("<> is not a key condition");
            }
        }
    }

    /** {@code sk BETWEEN low AND high}, inclusive, with low not above high. */
    record Between(AttributeValue low, AttributeValue high) implements SortKeyCondition {
        public Between {
            requireNonNull(low, "low is null");
            requireNonNull(high, "high is null");
        }
    }

    /** {@code begins_with(sk, prefix)}, for string and binary sort keys. */
    record BeginsWith(AttributeValue prefix) implements SortKeyCondition {
        public BeginsWith {
            requireNonNull(prefix, "prefix is null");
        }
    }
}
