package io.basalt.expressions.eval;

import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.ast.Operand;
import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import java.util.ArrayList;
import java.util.List;

/**
 * The static checks of a condition; each method returns the first message found (without prefix) or null.
 *
 * <p>DynamoDB reports the problems of the first condition, left to right, that has any (dynalite
 * db/conditionParser.pegjs decides at each condition's end; test/scan.js, checked against DynamoDB:
 * {@code attribute_type(a, size(a)) and a=a and a=:a} is the operand type of attribute_type, not {@code a=a}).
 * Within one condition, non-distinct operands win over operand types, and the types of nested {@code size()}
 * calls, which complete first, over the condition's own.
 */
final class ConditionChecks {
    private ConditionChecks() {
    }

    /** The first problem of the leaf conditions, left to right. */
    static String first(Condition condition) {
        if (condition instanceof Condition.And and) {
            return firstNonNull(first(and.left()), first(and.right()));
        } else if (condition instanceof Condition.Or or) {
            return firstNonNull(first(or.left()), first(or.right()));
        } else if (condition instanceof Condition.Not not) {
            return first(not.condition());
        }
        return leaf(condition);
    }

    /** The first problem of one leaf condition (comparison, BETWEEN, IN, function). */
    static String leaf(Condition condition) {
        String message = distinct(condition);
        for (Operand operand : operands(condition)) {
            message = firstNonNull(message, operand(operand));
        }
        return firstNonNull(message, types(condition));
    }

    /**
     * The checks of an operand on its own: {@code size()} of a value takes anything but N, BOOL and NULL (dynalite
     * db/conditionParser.pegjs checkFunction 'size'; test/scan.js: {@code size(:a) > a} with a BOOL or NULL, and
     * {@code size(size(a)) > :a}, "operator or function: size, operand type: N"), inner calls first.
     */
    static String operand(Operand operand) {
        if (!(operand instanceof Operand.SizeOf size)) {
            return null;
        }
        String inner = operand(size.operand());
        if (inner != null) {
            return inner;
        }
        AttributeType type = staticType(size.operand());
        if (type == AttributeType.N || type == AttributeType.BOOL || type == AttributeType.NULL) {
            return Messages.incorrectOperandType("size", type.descriptor());
        }
        return null;
    }

    private static List<Operand> operands(Condition condition) {
        if (condition instanceof Condition.Comparison c) {
            return List.of(c.left(), c.right());
        } else if (condition instanceof Condition.Between b) {
            return List.of(b.value(), b.low(), b.high());
        } else if (condition instanceof Condition.In in) {
            List<Operand> all = new ArrayList<>(in.candidates().size() + 1);
            all.add(in.value());
            all.addAll(in.candidates());
            return all;
        } else if (condition instanceof Condition.AttributeTypeIs t) {
            return List.of(t.value(), t.type());
        } else if (condition instanceof Condition.BeginsWith b) {
            return List.of(b.value(), b.prefix());
        } else if (condition instanceof Condition.Contains c) {
            return List.of(c.value(), c.operand());
        }
        return List.of();
    }

    /**
     * A comparison or two-operand function whose two operands are the same path: "The first operand must be
     * distinct from the remaining operands for this operator or function; operator: contains, first operand:
     * [data]" (wire-reference §1.6 item 7, captured live; dynalite applies it to comparators too).
     */
    static String distinct(Condition condition) {
        if (condition instanceof Condition.Comparison c) {
            return samePath(c.comparator().symbol(), c.left(), List.of(c.right()));
        } else if (condition instanceof Condition.Between b) {
            return samePath("BETWEEN", b.value(), List.of(b.low(), b.high()));
        } else if (condition instanceof Condition.In in) {
            return samePath("IN", in.value(), in.candidates());
        } else if (condition instanceof Condition.BeginsWith b) {
            return samePath("begins_with", b.value(), List.of(b.prefix()));
        } else if (condition instanceof Condition.Contains c) {
            return samePath("contains", c.value(), List.of(c.operand()));
        } else if (condition instanceof Condition.AttributeTypeIs t) {
            // dynalite test/scan.js (live-verified): attribute_type(ab.bc[1].#a, ab.bc[1].a) is not distinct.
            return samePath("attribute_type", t.value(), List.of(t.type()));
        }
        return null;
    }

    /** Compares bound paths, so {@code #a = a} with {@code #a -> a} is caught and printed {@code [a]}. */
    private static String samePath(String operator, Operand first, List<Operand> others) {
        if (!(first instanceof Operand.Path a)) {
            return null;
        }
        for (Operand other : others) {
            if (other instanceof Operand.Path b && a.path().equals(b.path())) {
                return "The first operand must be distinct from the remaining operands for this operator or "
                        + "function; operator: " + operator + ", first operand: " + Messages.render(a.path());
            }
        }
        return null;
    }

    /** Operand types known from literals, and functions used where a condition operand is expected (one leaf). */
    static String types(Condition condition) {
        if (condition instanceof Condition.Comparison c) {
            String misuse = firstNonNull(misused(c.left()), misused(c.right()));
            if (misuse != null || c.comparator() == Condition.Comparator.EQ
                    || c.comparator() == Condition.Comparator.NE) {
                return misuse;
            }
            return firstNonNull(orderable(c.comparator().symbol(), c.left()),
                    orderable(c.comparator().symbol(), c.right()));
        } else if (condition instanceof Condition.Between b) {
            return between(b);
        } else if (condition instanceof Condition.In in) {
            String misuse = misused(in.value());
            for (Operand candidate : in.candidates()) {
                misuse = firstNonNull(misuse, misused(candidate));
            }
            return misuse;
        } else if (condition instanceof Condition.AttributeTypeIs typeIs) {
            return firstNonNull(misused(typeIs.value()), attributeType(typeIs.type()));
        } else if (condition instanceof Condition.BeginsWith b) {
            return firstNonNull(firstNonNull(misused(b.value()), misused(b.prefix())),
                    firstNonNull(stringOrBinary(b.value()), stringOrBinary(b.prefix())));
        } else if (condition instanceof Condition.Contains c) {
            return firstNonNull(misused(c.value()), misused(c.operand()));
        }
        return null;
    }

    /** if_not_exists and list_append are update functions (Alternator test_update_condition_other_funcs). */
    private static String misused(Operand operand) {
        String function = null;
        if (operand instanceof Operand.IfNotExists) {
            function = "if_not_exists";
        } else if (operand instanceof Operand.ListAppend) {
            function = "list_append";
        } else if (operand instanceof Operand.Arithmetic) {
            throw new IllegalArgumentException("arithmetic is not a condition operand: " + operand);
        }
        return function == null ? null
                : "The function is not allowed to be used this way in an expression; function: " + function;
    }

    /**
     * An ordering operator with a literal of a type other than S, N, B is a ValidationException, while the same
     * type coming from the item is merely false (Alternator test_update_condition_lt/le/gt/ge). Wording:
     * "Incorrect operand type for operator or function; operator or function: <, operand type: BOOL".
     */
    private static String orderable(String operator, Operand operand) {
        AttributeType type = ExpressionValidator.literalType(operand);
        if (type != null && !Values.isOrderable(type)) {
            return Messages.incorrectOperandType(operator, type.descriptor());
        }
        return null;
    }

    private static String between(Condition.Between b) {
        String message = firstNonNull(misused(b.value()), firstNonNull(misused(b.low()), misused(b.high())));
        message = firstNonNull(message, orderable("BETWEEN", b.value()));
        message = firstNonNull(message, firstNonNull(orderable("BETWEEN", b.low()), orderable("BETWEEN", b.high())));
        if (message != null) {
            return message;
        }
        if (b.low() instanceof Operand.Literal low && b.high() instanceof Operand.Literal high) {
            AttributeValue x = low.value();
            AttributeValue y = high.value();
            String operands = "lower bound operand: " + Messages.renderBound(x) + ", upper bound operand: "
                    + Messages.renderBound(y);
            if (x.type() != y.type()) {
                return "The BETWEEN operator requires same data type for lower and upper bounds; " + operands;
            }
            if (Values.compare(x, y) > 0) {
                return "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; "
                        + operands;
            }
        }
        return null;
    }

    private static String attributeType(Operand type) {
        if (type instanceof Operand.Literal literal) {
            if (!(literal.value() instanceof AttributeValue.StringValue name)) {
                return Messages.incorrectOperandType("attribute_type", literal.value().type().descriptor());
            }
            if (AttributeType.fromDescriptor(name.value()) == null) {
                return "Invalid attribute type name found; type: " + name.value() + ", valid types: "
                        + Messages.VALID_TYPES;
            }
            return null;
        }
        if (type instanceof Operand.Size || type instanceof Operand.SizeOf) {
            return Messages.incorrectOperandType("attribute_type", AttributeType.N.descriptor());
        }
        return Messages.incorrectOperandType("attribute_type", Messages.ANY_TYPE);
    }

    /**
     * The type an operand has whatever the item: a literal's own type, and N for size(), which DynamoDB checks like
     * a number literal (dynalite test/scan.js, live-verified: {@code begins_with(a, size(a))} → "operator or
     * function: begins_with, operand type: N").
     */
    private static AttributeType staticType(Operand operand) {
        return operand instanceof Operand.Size || operand instanceof Operand.SizeOf ? AttributeType.N
                : ExpressionValidator.literalType(operand);
    }

    private static String stringOrBinary(Operand operand) {
        AttributeType type = staticType(operand);
        if (type != null && type != AttributeType.S && type != AttributeType.B) {
            return Messages.incorrectOperandType("begins_with", type.descriptor());
        }
        return null;
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }
}
