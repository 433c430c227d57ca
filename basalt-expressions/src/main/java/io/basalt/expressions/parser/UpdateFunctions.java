package io.basalt.expressions.parser;

import io.basalt.expressions.ast.Operand;
import java.util.List;
import java.util.Set;

/**
 * The functions of an update's SET values: {@code if_not_exists(path, operand)} and {@code list_append(a, b)}
 * (Developer Guide, "Update expressions"). The condition functions are known names here but not allowed:
 * {@code SET #r = size(s)} is "The function is not allowed in an update expression; function: size".
 */
final class UpdateFunctions {
    static final String IF_NOT_EXISTS = "if_not_exists";
    static final String LIST_APPEND = "list_append";
    private static final Set<String> CONDITION_ONLY = Set.of("attribute_exists", "attribute_not_exists",
            "attribute_type", "begins_with", "contains", "size");

    private final ParseState state;

    UpdateFunctions(ParseState state) {
        this.state = state;
    }

    static boolean isUpdateFunction(String name) {
        return name.equals(IF_NOT_EXISTS) || name.equals(LIST_APPEND);
    }

    /** The operand for a call; problems are recorded and a placeholder operand returned. */
    Operand call(String name, List<UpdateTerm> arguments) {
        if (!isUpdateFunction(name)) {
            String detail = CONDITION_ONLY.contains(name) ? Messages.notInUpdate(name) : Messages.unknownFunction(name);
            state.problems.add(Problems.Category.FUNCTION_NAME, detail);
            return ConditionFunctions.NO_OPERAND;
        }
        if (arguments.size() != 2) {
            state.problems.add(Problems.Category.OPERAND_COUNT, Messages.operandCount(name, arguments.size()));
            return ConditionFunctions.NO_OPERAND;
        }
        Operand first = arguments.get(0).operand();
        Operand second = arguments.get(1).operand();
        if (name.equals(IF_NOT_EXISTS)) {
            // if_not_exists(:a, c) and if_not_exists(if_not_exists(a, b), c) (dynalite test/updateItem.js).
            if (!(first instanceof Operand.Path path)) {
                state.problems.add(Problems.Category.PATH_REQUIRED, Messages.pathRequired(name));
                return ConditionFunctions.NO_OPERAND;
            }
            return new Operand.IfNotExists(path.path(), second);
        }
        for (UpdateTerm argument : arguments) {
            // list_append(list_append(l, :a), :b) is refused as a misused function, while list_append(
            // if_not_exists(l, :e), :t) is accepted (captures quoted in a public emulator's test suite).
            if (LIST_APPEND.equals(argument.function())) {
                state.problems.add(Problems.Category.MISUSED_FUNCTION, Messages.misused(LIST_APPEND));
                return ConditionFunctions.NO_OPERAND;
            }
        }
        return new Operand.ListAppend(first, second);
    }
}
