package io.basalt.expressions.parser;

import static java.util.Objects.requireNonNull;

import io.basalt.expressions.ast.Operand;
import java.util.List;

/**
 * A problem found after syntax and reported only after the placeholders it comes after have been checked.
 *
 * <p>In a condition DynamoDB reports the problems of the first condition (comparison, BETWEEN, IN or function) that
 * has any, so a problem's place matters: {@code a = a AND #a = b AND :views > a} reports the non-distinct
 * operands, not the undefined {@code :views} (dynalite test/scan.js, checked against DynamoDB); its
 * db/conditionParser.pegjs decides at each condition's end, in the order attrNameVal, operand, distinct, function.
 *
 * @param message the whole message, {@code Invalid <ParameterName>: <detail>}
 * @param leaf in a condition, the index of the leaf condition (comparison, BETWEEN, IN, function; counted left to
 *     right, which is the order they end in) that has the problem; -1 for an update, where it comes after every
 *     placeholder
 * @param placeholders how many of the expression's placeholders come before the problem is decided: those must be
 *     defined for the problem to be reported (in an update, Integer.MAX_VALUE: all of them)
 * @param operands operands of the failing function whose own checks (the type of a nested {@code size()}) come
 *     first, as they are complete before the function is checked: {@code attribute_not_exists(size(:a))} with a
 *     number {@code :a} is "operand type: N", with a string "requires a document path" (dynalite test/scan.js)
 */
public record DeferredProblem(String message, int leaf, int placeholders, List<Operand> operands) {
    public DeferredProblem {
        requireNonNull(message, "message is null");
        operands = List.copyOf(operands);
    }
}
