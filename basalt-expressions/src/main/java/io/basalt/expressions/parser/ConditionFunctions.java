package io.basalt.expressions.parser;

import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.Operand;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The functions of condition expressions and the rules for where a node may stand. Function names are
 * case-sensitive ({@code attRIbute_exIsts(...)} is "Invalid function name", dynalite test/scan.js).
 */
final class ConditionFunctions {
    /** The condition functions and their operand counts (Developer Guide, "Comparison operator and function ..."). */
    private static final Map<String, Integer> CONDITIONS = Map.of("attribute_exists", 1, "attribute_not_exists", 1,
            "attribute_type", 2, "begins_with", 2, "contains", 2);
    static final String SIZE = "size";
    /** Placeholders for trees that will never be returned because a problem has been recorded. */
    static final Condition NO_CONDITION = new Condition.AttributeExists(DocumentPath.of("_"));
    static final Operand NO_OPERAND = new Operand.ValuePlaceholder(":_");

    private final ParseState state;

    ConditionFunctions(ParseState state) {
        this.state = state;
    }

    /** The node where a condition is required. */
    Condition asCondition(ConditionNode node) {
        if (node.function() == null) {
            if (node.condition() == null) {
                // A bare path or value ("a", "a AND b = c"): DynamoDB's grammar fails at the token after it.
                throw state.cursor.syntaxErrorAt(node.after());
            }
            return node.condition();
        }
        if (node.function().equals(SIZE)) {
            // size(a) alone: "The function is not allowed to be used this way" (dynalite test/scan.js).
            state.problems.add(Problems.Category.MISUSED_FUNCTION, Messages.misused(SIZE));
            return NO_CONDITION;
        }
        state.leafComplete();
        return node.condition() == null ? NO_CONDITION : node.condition();
    }

    /** The node where an operand is required. */
    Operand asOperand(ConditionNode node) {
        if (node.function() == null) {
            if (node.operand() == null) {
                throw state.cursor.syntaxErrorAt(node.after());
            }
            return node.operand();
        }
        if (CONDITIONS.containsKey(node.function())) {
            // attribute_exists(a) = :v, a IN (b, contains(c, d)), size(contains(a, b)): dynalite test/scan.js.
            state.problems.add(Problems.Category.MISUSED_FUNCTION, Messages.misused(node.function()));
            return NO_OPERAND;
        }
        return node.operand() == null ? NO_OPERAND : node.operand();
    }

    /** A call of {@code name}; its checks are recorded, not thrown, as DynamoDB checks the whole expression. */
    ConditionNode call(String name, List<ConditionNode> arguments, int after) {
        List<Operand> operands = new ArrayList<>();
        for (ConditionNode argument : arguments) {
            operands.add(asOperand(argument));
        }
        if (name.equals(SIZE)) {
            return ConditionNode.call(name, null, size(operands), after);
        }
        Integer arity = CONDITIONS.get(name);
        if (arity == null) {
            String detail = UpdateFunctions.isUpdateFunction(name) ? Messages.notInCondition(name)
                    : Messages.unknownFunction(name);
            state.problems.add(Problems.Category.FUNCTION_NAME, detail);
            return ConditionNode.call(name, NO_CONDITION, NO_OPERAND, after);
        }
        if (operands.size() != arity) {
            state.problems.add(Problems.Category.OPERAND_COUNT, Messages.operandCount(name, operands.size()));
            return ConditionNode.call(name, NO_CONDITION, NO_OPERAND, after);
        }
        // Distinct operands are checked once bound (eval ConditionChecks): contains(#a, a) with #a -> a is caught
        // and reported as [a] (dynalite resolves names before its checkDistinct).
        return ConditionNode.call(name, condition(name, operands), NO_OPERAND, after);
    }

    private Operand size(List<Operand> operands) {
        if (operands.size() != 1) {
            state.problems.add(Problems.Category.OPERAND_COUNT, Messages.operandCount(SIZE, operands.size()));
            return NO_OPERAND;
        }
        Operand operand = operands.get(0);
        if (operand instanceof Operand.Path path) {
            return new Operand.Size(path.path());
        }
        // size(:value) is accepted, and size(size(a)) is an operand-type error once bound (dynalite
        // db/conditionParser.pegjs checkFunction 'size' refuses only N, BOOL and NULL operands; test/scan.js).
        return operand == NO_OPERAND ? NO_OPERAND : new Operand.SizeOf(operand);
    }

    private Condition condition(String name, List<Operand> operands) {
        Operand first = operands.get(0);
        switch (name) {
            case "attribute_exists": {
                DocumentPath path = pathOf(name, operands);
                return path == null ? NO_CONDITION : new Condition.AttributeExists(path);
            }
            case "attribute_not_exists": {
                DocumentPath path = pathOf(name, operands);
                return path == null ? NO_CONDITION : new Condition.AttributeNotExists(path);
            }
            case "attribute_type":
                return new Condition.AttributeTypeIs(first, operands.get(1));
            case "begins_with":
                return new Condition.BeginsWith(first, operands.get(1));
            default:
                return new Condition.Contains(first, operands.get(1));
        }
    }

    /**
     * The document path of a function's first operand, which it requires (dynalite test/scan.js). The problem keeps
     * the operands: the checks of a nested {@code size()} come before it, as that call completes first.
     */
    private DocumentPath pathOf(String function, List<Operand> operands) {
        Operand operand = operands.get(0);
        if (operand instanceof Operand.Path path) {
            return path.path();
        }
        if (operand != NO_OPERAND) {
            state.problems.add(Problems.Category.PATH_REQUIRED, Messages.pathRequired(function), operands);
        }
        return null;
    }
}
