package io.basalt.expressions.parser;

import io.basalt.expressions.ast.Operand;

/**
 * A SET value or one of its parts.
 *
 * @param function the function name for a call, else null
 * @param grouped whether the term is exactly a parenthesised group (for the redundant-parentheses rule)
 */
record UpdateTerm(Operand operand, String function, boolean grouped) {
    static UpdateTerm of(Operand operand) {
        return new UpdateTerm(operand, null, false);
    }

    UpdateTerm inGroup() {
        return new UpdateTerm(operand, function, true);
    }
}
