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
    /** Stands for {@code size(:value)}, which is an operand but not a document path. */
    private static final Operand SIZE_OF_VALUE = new Operand.ValuePlaceholder(":_size");

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
        state.problems.conditionComplete();
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
        if (arity == 2) {
            checkDistinct(name, operands.get(0), operands.subList(1, 2));
        }
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
        if (operand != NO_OPERAND) {
            // DynamoDB also takes size(:value) (dynalite test/scan.js only fails it for BOOL and NULL values), but the
            // AST's Size holds a document path; Basalt refuses it, after every check DynamoDB itself makes.
            state.problems.add(Problems.Category.SIZE_OF_VALUE, Messages.pathRequired(SIZE));
        }
        return SIZE_OF_VALUE;
    }

    private Condition condition(String name, List<Operand> operands) {
        Operand first = operands.get(0);
        switch (name) {
            case "attribute_exists": {
                DocumentPath path = pathOf(name, first);
                return path == null ? NO_CONDITION : new Condition.AttributeExists(path);
            }
            case "attribute_not_exists": {
                DocumentPath path = pathOf(name, first);
                return path == null ? NO_CONDITION : new Condition.AttributeNotExists(path);
            }
            case "attribute_type": {
                DocumentPath path = pathOf(name, first);
                return path == null ? NO_CONDITION : new Condition.AttributeTypeIs(path, operands.get(1));
            }
            case "begins_with":
                return new Condition.BeginsWith(first, operands.get(1));
            default:
                return new Condition.Contains(first, operands.get(1));
        }
    }

    /** The document path of a function's first operand, which it requires (dynalite test/scan.js). */
    private DocumentPath pathOf(String function, Operand operand) {
        if (operand instanceof Operand.Path path) {
            return path.path();
        }
        if (operand != NO_OPERAND) {
            state.problems.add(Problems.Category.PATH_REQUIRED, Messages.pathRequired(function));
        }
        return null;
    }

    /**
     * DynamoDB rejects an operator whose first operand is the same document path as another ({@code a = a},
     * {@code contains(ab.bc[1].a, ab.bc[1].a)}; dynalite test/scan.js and wire-reference §1.6 item 7). Only the
     * paths as written are compared here; paths equal only once {@code #names} are bound are the binder's to catch.
     */
    void checkDistinct(String operator, Operand first, List<Operand> others) {
        if (!(first instanceof Operand.Path path)) {
            return;
        }
        for (Operand other : others) {
            if (other instanceof Operand.Path otherPath && otherPath.path().equals(path.path())) {
                state.problems.add(Problems.Category.DISTINCT, Messages.notDistinct(operator, path.path()));
                return;
            }
        }
    }
}
