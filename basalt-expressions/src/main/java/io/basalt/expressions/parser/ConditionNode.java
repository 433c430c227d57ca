package io.basalt.expressions.parser;

import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.ast.Operand;

/**
 * What a condition-grammar rule produced before its role is known: a condition (operand null), a term (a path or
 * a value; condition null), or a function call, which has a name and may be usable as either.
 *
 * @param condition the condition, or the condition a condition function stands for
 * @param operand the operand, or the operand a function stands for ({@code size})
 * @param function the function name as written, for calls only
 * @param grouped whether the node is exactly a parenthesised group (for the redundant-parentheses rule)
 * @param after the index of the token after the node, where a misplaced node is reported as a syntax error
 */
record ConditionNode(Condition condition, Operand operand, String function, boolean grouped, int after) {
    static ConditionNode of(Condition condition, int after) {
        return new ConditionNode(condition, null, null, false, after);
    }

    static ConditionNode term(Operand operand, int after) {
        return new ConditionNode(null, operand, null, false, after);
    }

    static ConditionNode call(String function, Condition condition, Operand operand, int after) {
        return new ConditionNode(condition, operand, function, false, after);
    }

    ConditionNode grouped(int newAfter) {
        return new ConditionNode(condition, operand, function, true, newAfter);
    }
}
