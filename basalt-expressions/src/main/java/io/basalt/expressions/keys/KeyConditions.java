package io.basalt.expressions.keys;

import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.ast.Operand;
import io.basalt.expressions.ast.PathElement;
import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.BasaltException;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reduces a bound key condition to a {@link KeyCondition}, with DynamoDB's rules: a conjunction (AND only) of one
 * equality on the partition key and at most one condition ({@code = < <= > >=}, BETWEEN, begins_with) on the sort
 * key, each a key attribute compared with a value of the key's type.
 */
public final class KeyConditions {
    private static final String NOT_SUPPORTED = "Query key condition not supported";

    private KeyConditions() {
    }

    public static KeyCondition analyze(Condition condition, KeySchema schema) {
        List<Condition> terms = new ArrayList<>(2);
        flatten(condition, terms);
        AttributeValue partitionValue = null;
        SortKeyCondition sortCondition = null;
        for (Condition term : terms) {
            String attribute = keyAttributeOf(term);
            if (attribute.equals(schema.partitionKey().name())) {
                if (partitionValue != null) {
                    throw BasaltException.validation("KeyConditionExpressions must only contain one condition per key");
                }
                partitionValue = partitionEquality(term, schema.partitionKey());
            } else if (schema.sortKey().isPresent() && attribute.equals(schema.sortKey().get().name())) {
                if (sortCondition != null) {
                    throw BasaltException.validation("KeyConditionExpressions must only contain one condition per key");
                }
                sortCondition = sortCondition(term, schema.sortKey().get());
            } else {
                throw BasaltException.validation(NOT_SUPPORTED);
            }
        }
        if (partitionValue == null) {
            throw BasaltException.validation("Query condition missed key schema element: "
                    + schema.partitionKey().name());
        }
        return new KeyCondition(partitionValue, Optional.ofNullable(sortCondition));
    }

    /** Only AND may combine key conditions. */
    private static void flatten(Condition condition, List<Condition> terms) {
        if (condition instanceof Condition.And and) {
            flatten(and.left(), terms);
            flatten(and.right(), terms);
        } else if (condition instanceof Condition.Or) {
            throw invalidOperator("OR");
        } else if (condition instanceof Condition.Not) {
            throw invalidOperator("NOT");
        } else {
            terms.add(condition);
        }
    }

    private static BasaltException invalidOperator(String operator) {
        return BasaltException.validation("Invalid KeyConditionExpression: Invalid operator used in "
                + "KeyConditionExpression: " + operator);
    }

    /** The top-level attribute a term constrains; key attributes are scalars, so nested paths never qualify. */
    private static String keyAttributeOf(Condition term) {
        Operand subject;
        if (term instanceof Condition.Comparison comparison) {
            subject = comparison.left() instanceof Operand.Path ? comparison.left() : comparison.right();
        } else if (term instanceof Condition.Between between) {
            subject = between.value();
        } else if (term instanceof Condition.BeginsWith beginsWith) {
            subject = beginsWith.value();
        } else {
            throw BasaltException.validation(NOT_SUPPORTED);
        }
        if (!(subject instanceof Operand.Path path) || path.path().size() != 1) {
            throw BasaltException.validation(NOT_SUPPORTED);
        }
        return ((PathElement.Name) path.path().first()).name();
    }

    private static AttributeValue partitionEquality(Condition term, KeyAttribute key) {
        if (!(term instanceof Condition.Comparison comparison) || comparison.comparator() != Condition.Comparator.EQ) {
            throw BasaltException.validation(NOT_SUPPORTED);
        }
        return keyValue(comparison, key);
    }

    private static SortKeyCondition sortCondition(Condition term, KeyAttribute key) {
        if (term instanceof Condition.Comparison comparison) {
            if (comparison.comparator() == Condition.Comparator.NE) {
                throw BasaltException.validation(NOT_SUPPORTED);
            }
            AttributeValue value = keyValue(comparison, key);
            // Written value-first (:v < sk), the comparison reads the other way round.
            Condition.Comparator comparator = comparison.left() instanceof Operand.Path ? comparison.comparator()
                    : mirrored(comparison.comparator());
            return new SortKeyCondition.Compare(comparator, value);
        }
        if (term instanceof Condition.Between between) {
            return new SortKeyCondition.Between(literal(between.low(), key), literal(between.high(), key));
        }
        Condition.BeginsWith beginsWith = (Condition.BeginsWith) term;
        if (key.type() == AttributeType.N) {
            throw BasaltException.validation("Invalid KeyConditionExpression: Incorrect operand type for operator or "
                    + "function; operator or function: begins_with, operand type: N");
        }
        return new SortKeyCondition.BeginsWith(literal(beginsWith.prefix(), key));
    }

    private static Condition.Comparator mirrored(Condition.Comparator comparator) {
        return switch (comparator) {
            case LT -> Condition.Comparator.GT;
            case LE -> Condition.Comparator.GE;
            case GT -> Condition.Comparator.LT;
            case GE -> Condition.Comparator.LE;
            default -> comparator;
        };
    }

    private static AttributeValue keyValue(Condition.Comparison comparison, KeyAttribute key) {
        Operand other = comparison.left() instanceof Operand.Path ? comparison.right() : comparison.left();
        return literal(other, key);
    }

    /** A value compared with a key must be a literal of the key's type. */
    private static AttributeValue literal(Operand operand, KeyAttribute key) {
        if (!(operand instanceof Operand.Literal literal)) {
            throw BasaltException.validation(NOT_SUPPORTED);
        }
        if (literal.value().type() != key.type()) {
            throw BasaltException.validation("One or more parameter values were invalid: Condition parameter type "
                    + "does not match schema type");
        }
        return literal.value();
    }
}
