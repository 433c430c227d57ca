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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Key conditions of Query, checked in DynamoDB's two steps (docs/design/query-reference.md §1.3): the shape of
 * the expression before the table is looked up ({@link #checkStructure}), then against the key schema
 * ({@link #analyze}), which reduces it to one partition key value and an optional sort key condition.
 */
public final class KeyConditions {
    private static final String NOT_SUPPORTED = "Query key condition not supported";

    private KeyConditions() {
    }

    /**
     * Rules that need no schema: only AND combines terms; each term is a comparison (not {@code <>}), BETWEEN or
     * begins_with of one top-level attribute with values; no attribute twice.
     */
    public static void checkStructure(Condition condition) {
        Set<String> attributes = new HashSet<>();
        for (Condition term : terms(condition)) {
            String attribute = subject(term);
            if (!attributes.add(attribute)) {
                throw BasaltException.validation("KeyConditionExpressions must only contain one condition per key");
            }
        }
    }

    /** Reduces a structurally valid key condition on a table to what the query reads. */
    public static KeyCondition analyze(Condition condition, KeySchema schema) {
        return analyze(condition, List.of(schema.partitionKey()), schema.sortKey().map(List::of).orElse(List.of()));
    }

    /**
     * Reduces a structurally valid key condition to what the query reads, checking it against a key schema of one
     * or more partition key attributes and zero or more sort key attributes (a global index may have up to four of
     * each). Every partition key attribute needs an equality; sort key attributes are constrained left to right
     * without gaps, and only the last one constrained may have a range condition (Developer Guide, "Multi-attribute
     * keys pattern"). A single-attribute key reports DynamoDB's classic messages, which the multi-attribute rules
     * generalise: a gap names the sort key attribute missed, a range before the last is "not supported".
     */
    public static KeyCondition analyze(Condition condition, List<KeyAttribute> partitionKeys,
            List<KeyAttribute> sortKeys) {
        List<Condition> terms = terms(condition);
        if (partitionKeys.size() == 1 && sortKeys.size() <= 1 && terms.size() > 2) {
            throw BasaltException.validation("Conditions can be of length 1 or 2 only");
        }
        Map<String, Condition> byAttribute = new LinkedHashMap<>();
        for (Condition term : terms) {
            byAttribute.put(subject(term), term);
        }
        List<AttributeValue> partitionValues = new ArrayList<>(partitionKeys.size());
        for (KeyAttribute key : partitionKeys) {
            Condition term = byAttribute.remove(key.name());
            if (term == null) {
                throw missed(key);
            }
            partitionValues.add(equalityValue(term, key));
        }
        if (byAttribute.isEmpty()) {
            return new KeyCondition(partitionValues, List.of(), Optional.empty());
        }
        checkSortKeyPrefix(byAttribute, sortKeys);
        List<AttributeValue> sortPrefix = new ArrayList<>();
        for (KeyAttribute key : sortKeys) {
            Condition term = byAttribute.remove(key.name());
            if (term == null) {
                throw missed(key);
            }
            if (byAttribute.isEmpty()) {
                return new KeyCondition(partitionValues, sortPrefix, Optional.of(sortCondition(term, key)));
            }
            sortPrefix.add(equalityValue(term, key));
        }
        // A condition on an attribute outside the key: a hash-only key, or every sort key attribute already used.
        throw BasaltException.validation(NOT_SUPPORTED);
    }

    /**
     * A multi-attribute sort key is constrained left to right: every sort key attribute before the last one the
     * condition names needs an equality. DynamoDB names those that lack one and the last one named, e.g. {@code
     * RANGE key attributes b must have equality conditions specified in the query because a condition is present on
     * key attribute c}, for a gap and for a range condition before the last alike (live captures of October 2026,
     * paritysuite/dynamodb-conformance tests/tier1/query/multiAttributeGsiKey.test.ts). How several such attributes
     * are listed is not captured; Basalt joins them with ", ".
     */
    private static void checkSortKeyPrefix(Map<String, Condition> byAttribute, List<KeyAttribute> sortKeys) {
        int last = -1;
        for (int i = 0; i < sortKeys.size(); i++) {
            if (byAttribute.containsKey(sortKeys.get(i).name())) {
                last = i;
            }
        }
        List<String> lacking = new ArrayList<>();
        for (int i = 0; i < last; i++) {
            Condition term = byAttribute.get(sortKeys.get(i).name());
            if (!(term instanceof Condition.Comparison comparison)
                    || comparison.comparator() != Condition.Comparator.EQ) {
                lacking.add(sortKeys.get(i).name());
            }
        }
        if (!lacking.isEmpty()) {
            throw BasaltException.validation("RANGE key attributes " + String.join(", ", lacking)
                    + " must have equality conditions specified in the query because a condition is present on key "
                    + "attribute " + sortKeys.get(last).name());
        }
    }

    /** The value of a term that must be an equality (partition keys, leading sort key attributes). */
    private static AttributeValue equalityValue(Condition term, KeyAttribute key) {
        if (!(term instanceof Condition.Comparison comparison)
                || comparison.comparator() != Condition.Comparator.EQ) {
            throw BasaltException.validation(NOT_SUPPORTED);
        }
        return value(otherSide(comparison), key);
    }

    private static BasaltException missed(KeyAttribute key) {
        return BasaltException.validation("Query condition missed key schema element: " + key.name());
    }

    /** The AND-ed terms; OR and NOT are not key conditions. */
    private static List<Condition> terms(Condition condition) {
        List<Condition> terms = new ArrayList<>(2);
        flatten(condition, terms);
        return terms;
    }

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
        return BasaltException.validation("Invalid operator used in KeyConditionExpression: " + operator);
    }

    private static BasaltException invalidCondition(String detail) {
        return BasaltException.validation("Invalid condition in KeyConditionExpression: " + detail);
    }

    /** The one top-level attribute a term constrains, after the term's shape is checked. */
    private static String subject(Condition term) {
        if (term instanceof Condition.Comparison comparison) {
            if (comparison.comparator() == Condition.Comparator.NE) {
                throw invalidOperator("<>");
            }
            boolean leftPath = isAttribute(comparison.left());
            boolean rightPath = isAttribute(comparison.right());
            if (leftPath && rightPath) {
                throw invalidCondition("Multiple attribute names used in one condition");
            }
            if (!leftPath && !rightPath) {
                throw invalidCondition("No key attribute specified");
            }
            return attribute(leftPath ? comparison.left() : comparison.right());
        }
        if (term instanceof Condition.Between between) {
            if (!isAttribute(between.value())) {
                throw invalidCondition("BETWEEN operator must have the key attribute as its first operand");
            }
            if (isAttribute(between.low()) || isAttribute(between.high())) {
                throw invalidCondition("Multiple attribute names used in one condition");
            }
            return attribute(between.value());
        }
        if (term instanceof Condition.BeginsWith beginsWith) {
            if (!isAttribute(beginsWith.value())) {
                throw invalidCondition("begins_with operator must have the key attribute as its first operand");
            }
            if (isAttribute(beginsWith.prefix())) {
                throw invalidCondition("Multiple attribute names used in one condition");
            }
            return attribute(beginsWith.value());
        }
        if (term instanceof Condition.In) {
            throw invalidOperator("IN");
        }
        if (term instanceof Condition.AttributeExists) {
            throw invalidOperator("attribute_exists");
        }
        if (term instanceof Condition.AttributeNotExists) {
            throw invalidOperator("attribute_not_exists");
        }
        if (term instanceof Condition.AttributeTypeIs) {
            throw invalidOperator("attribute_type");
        }
        throw invalidOperator("contains");
    }

    /** Whether an operand names an attribute (nested paths and functions are refused on the way). */
    private static boolean isAttribute(Operand operand) {
        if (operand instanceof Operand.Size) {
            throw BasaltException.validation("KeyConditionExpressions cannot contain nested operations");
        }
        if (operand instanceof Operand.Path path) {
            if (path.path().size() != 1) {
                throw BasaltException.validation("KeyConditionExpressions cannot have conditions on nested "
                        + "attributes");
            }
            return true;
        }
        return false;
    }

    private static String attribute(Operand operand) {
        return ((PathElement.Name) ((Operand.Path) operand).path().first()).name();
    }

    private static Operand otherSide(Condition.Comparison comparison) {
        return comparison.left() instanceof Operand.Path ? comparison.right() : comparison.left();
    }

    private static SortKeyCondition sortCondition(Condition term, KeyAttribute key) {
        if (term instanceof Condition.Comparison comparison) {
            AttributeValue value = value(otherSide(comparison), key);
            // Written value-first (:v < sk), the comparison reads the other way round.
            Condition.Comparator comparator = comparison.left() instanceof Operand.Path ? comparison.comparator()
                    : mirrored(comparison.comparator());
            return new SortKeyCondition.Compare(comparator, value);
        }
        if (term instanceof Condition.Between between) {
            return new SortKeyCondition.Between(value(between.low(), key), value(between.high(), key));
        }
        Condition.BeginsWith beginsWith = (Condition.BeginsWith) term;
        if (key.type() == AttributeType.N) {
            throw BasaltException.validation("Invalid KeyConditionExpression: Incorrect operand type for operator or "
                    + "function; operator or function: begins_with, operand type: N");
        }
        return new SortKeyCondition.BeginsWith(value(beginsWith.prefix(), key));
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

    /** A value compared with a key must have the key's type. */
    private static AttributeValue value(Operand operand, KeyAttribute key) {
        AttributeValue value = ((Operand.Literal) operand).value();
        if (value.type() != key.type()) {
            throw BasaltException.validation("One or more parameter values were invalid: Condition parameter type "
                    + "does not match schema type");
        }
        return value;
    }
}
