package io.basalt.expressions.eval;

import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.ast.Operand;
import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.DynamoNumber;
import io.basalt.model.Item;

/**
 * Evaluates a bound ConditionExpression, FilterExpression or KeyConditionExpression against an item.
 *
 * <p>Type problems that come from the item are not errors: a missing attribute, a comparison between different
 * types or an ordering of a non-orderable value is simply false (Alternator test_condition_expression, which was
 * checked against DynamoDB). The one exception is {@code <>}: it is true whenever either side is missing, even
 * when both are (Alternator test_update_condition_ne_two_unset, Scylla issue #8511). Type problems that come from
 * the request are rejected before any item is read, by {@link ExpressionValidator#validateCondition}.
 */
public final class ConditionEvaluator {
    private ConditionEvaluator() {
    }

    /** item null = the item does not exist. Throws BasaltException for errors DynamoDB raises while evaluating. */
    public static boolean evaluate(Condition condition, Item item) {
        if (condition instanceof Condition.Comparison c) {
            return compare(value(c.left(), item), c.comparator(), value(c.right(), item));
        } else if (condition instanceof Condition.Between b) {
            return between(value(b.value(), item), value(b.low(), item), value(b.high(), item));
        } else if (condition instanceof Condition.In in) {
            AttributeValue value = value(in.value(), item);
            if (value == null) {
                return false;
            }
            for (Operand candidate : in.candidates()) {
                AttributeValue other = value(candidate, item);
                if (other != null && Values.equal(value, other)) {
                    return true;
                }
            }
            return false;
        } else if (condition instanceof Condition.And and) {
            return evaluate(and.left(), item) && evaluate(and.right(), item);
        } else if (condition instanceof Condition.Or or) {
            return evaluate(or.left(), item) || evaluate(or.right(), item);
        } else if (condition instanceof Condition.Not not) {
            return !evaluate(not.condition(), item);
        } else if (condition instanceof Condition.AttributeExists exists) {
            return Values.resolve(item, exists.path()) != null;
        } else if (condition instanceof Condition.AttributeNotExists notExists) {
            return Values.resolve(item, notExists.path()) == null;
        } else if (condition instanceof Condition.AttributeTypeIs typeIs) {
            return attributeTypeIs(typeIs, item);
        } else if (condition instanceof Condition.BeginsWith beginsWith) {
            AttributeValue value = value(beginsWith.value(), item);
            AttributeValue prefix = value(beginsWith.prefix(), item);
            return value != null && prefix != null && Values.beginsWith(value, prefix);
        } else if (condition instanceof Condition.Contains contains) {
            AttributeValue value = value(contains.value(), item);
            AttributeValue operand = value(contains.operand(), item);
            return value != null && operand != null && Values.contains(value, operand);
        }
        throw new IllegalArgumentException("unknown condition: " + condition);
    }

    private static boolean compare(AttributeValue left, Condition.Comparator comparator, AttributeValue right) {
        if (comparator == Condition.Comparator.NE) {
            return left == null || right == null || !Values.equal(left, right);
        }
        if (left == null || right == null) {
            return false;
        }
        if (comparator == Condition.Comparator.EQ) {
            return Values.equal(left, right);
        }
        if (left.type() != right.type() || !Values.isOrderable(left.type())) {
            return false;
        }
        int order = Values.compare(left, right);
        switch (comparator) {
            case LT:
                return order < 0;
            case LE:
                return order <= 0;
            case GT:
                return order > 0;
            case GE:
                return order >= 0;
            default:
                throw new AssertionError(comparator);
        }
    }

    private static boolean between(AttributeValue value, AttributeValue low, AttributeValue high) {
        if (value == null || low == null || high == null) {
            return false;
        }
        AttributeType type = value.type();
        if (!Values.isOrderable(type) || low.type() != type || high.type() != type) {
            return false;
        }
        return Values.compare(low, value) <= 0 && Values.compare(value, high) <= 0;
    }

    private static boolean attributeTypeIs(Condition.AttributeTypeIs typeIs, Item item) {
        AttributeValue descriptor = value(typeIs.type(), item);
        if (!(descriptor instanceof AttributeValue.StringValue name)) {
            // The validator rejects this before evaluation; reaching it means the caller skipped validation.
            throw Messages.invalid("ConditionExpression", Messages.incorrectOperandType("attribute_type",
                    descriptor == null ? Messages.ANY_TYPE : descriptor.type().descriptor()));
        }
        AttributeType expected = AttributeType.fromDescriptor(name.value());
        if (expected == null) {
            throw Messages.invalid("ConditionExpression", "Invalid attribute type name found; type: "
                    + name.value() + ", valid types: " + Messages.VALID_TYPES);
        }
        AttributeValue value = value(typeIs.value(), item);
        return value != null && value.type() == expected;
    }

    /** The value of a condition operand; null when it is absent (missing path, or size() of a sizeless type). */
    static AttributeValue value(Operand operand, Item item) {
        if (operand instanceof Operand.Literal literal) {
            return literal.value();
        } else if (operand instanceof Operand.Path path) {
            return Values.resolve(item, path.path());
        } else if (operand instanceof Operand.Size size) {
            AttributeValue value = Values.resolve(item, size.path());
            int length = value == null ? -1 : Values.size(value);
            return length < 0 ? null : new AttributeValue.NumberValue(DynamoNumber.of(length));
        } else if (operand instanceof Operand.SizeOf size) {
            // size(:v): the validator has refused N, BOOL, NULL and size(size(...)).
            AttributeValue value = value(size.operand(), item);
            int length = value == null ? -1 : Values.size(value);
            return length < 0 ? null : new AttributeValue.NumberValue(DynamoNumber.of(length));
        }
        throw new IllegalArgumentException("operand not allowed in a condition: " + operand);
    }
}
