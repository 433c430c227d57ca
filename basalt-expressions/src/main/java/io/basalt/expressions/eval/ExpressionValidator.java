package io.basalt.expressions.eval;

import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.Operand;
import io.basalt.expressions.ast.ProjectionExpression;
import io.basalt.expressions.ast.UpdateExpression;
import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import java.util.ArrayList;
import java.util.List;

/**
 * The checks DynamoDB applies to a bound expression before it reads any item: everything that can be known from
 * the expression and its ExpressionAttributeValues alone. Messages are prefixed {@code Invalid <parameter>: }.
 *
 * <p>Order, following dynalite's error priorities (db/conditionParser.pegjs, db/updateParser.pegjs): a condition
 * reports the problems of its first leaf condition that has any, "first operand must be distinct" before operand
 * types within it ({@link ConditionChecks}); for an update, path overlaps win over path conflicts, which win over
 * ADD/DELETE operand types, which win over function operand types.
 *
 * <p>The condition checks are also applied leaf by leaf while binding, through {@link #leafProblem} and
 * {@link #operandProblem} (given to ExpressionBinder as a LeafChecker), so that they interleave with undefined
 * placeholders as DynamoDB's do.
 */
public final class ExpressionValidator {
    private ExpressionValidator() {
    }

    /** Checks DynamoDB applies to a bound condition before reading any item; kindName names the parameter. */
    public static void validateCondition(Condition condition, String kindName) {
        String message = ConditionChecks.first(condition);
        if (message != null) {
            throw Messages.invalid(kindName, message);
        }
    }

    /** The first problem of one bound leaf condition (comparison, BETWEEN, IN, function), without prefix, or null. */
    public static String leafProblem(Condition leaf) {
        return ConditionChecks.leaf(leaf);
    }

    /** The problem of a bound condition operand on its own ({@code size()} of a refused type), or null. */
    public static String operandProblem(Operand operand) {
        return ConditionChecks.operand(operand);
    }

    /** Static checks of an update: overlapping / conflicting paths, ADD/DELETE and function operand types. */
    public static void validateUpdate(UpdateExpression update) {
        List<DocumentPath> paths = new ArrayList<>();
        update.set().forEach(action -> paths.add(action.path()));
        paths.addAll(update.remove());
        update.add().forEach(action -> paths.add(action.path()));
        update.delete().forEach(action -> paths.add(action.path()));
        String message = PathOverlap.check(paths);
        if (message == null) {
            message = actionOperandTypes(update);
        }
        if (message == null) {
            for (UpdateExpression.SetAction action : update.set()) {
                message = setValue(action.value(), true);
                if (message != null) {
                    break;
                }
            }
        }
        if (message != null) {
            throw Messages.invalid("UpdateExpression", message);
        }
    }

    /** Overlapping or conflicting paths in a projection. */
    public static void validateProjection(ProjectionExpression projection) {
        String message = PathOverlap.check(projection.paths());
        if (message != null) {
            throw Messages.invalid("ProjectionExpression", message);
        }
    }

    /** ADD takes a number or a set, DELETE a set (dynalite test/updateItem.js; typeSet suffix seen live since). */
    private static String actionOperandTypes(UpdateExpression update) {
        for (UpdateExpression.AddAction action : update.add()) {
            AttributeType type = literalType(action.value());
            if (type != null && type != AttributeType.N && !type.isSet()) {
                return Messages.incorrectActionOperandType("ADD", type);
            }
        }
        for (UpdateExpression.DeleteAction action : update.delete()) {
            AttributeType type = literalType(action.value());
            if (type != null && !type.isSet()) {
                return Messages.incorrectActionOperandType("DELETE", type);
            }
        }
        return null;
    }

    /**
     * Literal operands of list_append must be lists and of {@code +}/{@code -} numbers; list_append may not be
     * nested in list_append (Alternator test_update_expression_function_nesting: "The function is not allowed to
     * be used this way in an expression; function: list_append").
     */
    private static String setValue(Operand value, boolean top) {
        if (value instanceof Operand.ListAppend append) {
            for (Operand argument : List.of(append.first(), append.second())) {
                if (argument instanceof Operand.ListAppend) {
                    return "The function is not allowed to be used this way in an expression; function: "
                            + "list_append";
                }
                AttributeType type = literalType(argument);
                if (type != null && type != AttributeType.L) {
                    return Messages.incorrectOperandType("list_append", type.descriptor());
                }
            }
            return firstNonNull(setValue(append.first(), false), setValue(append.second(), false));
        } else if (value instanceof Operand.Arithmetic arithmetic) {
            String symbol = arithmetic.operator() == Operand.ArithmeticOperator.PLUS ? "+" : "-";
            for (Operand argument : List.of(arithmetic.left(), arithmetic.right())) {
                AttributeType type = literalType(argument);
                if (type != null && type != AttributeType.N) {
                    return Messages.incorrectOperandType(symbol, type.descriptor());
                }
            }
            return firstNonNull(setValue(arithmetic.left(), false), setValue(arithmetic.right(), false));
        } else if (value instanceof Operand.IfNotExists ifNotExists) {
            return setValue(ifNotExists.fallback(), false);
        }
        return null;
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }

    static AttributeType literalType(Operand operand) {
        if (operand instanceof Operand.Literal literal) {
            AttributeValue value = literal.value();
            return value.type();
        }
        return null;
    }
}
