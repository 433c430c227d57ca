package io.basalt.expressions.parser;

import static java.util.Objects.requireNonNull;

import io.basalt.model.BasaltException;
import java.util.List;

/**
 * A parsed expression whose syntax is valid, with what binding needs to report its errors in DynamoDB's order.
 *
 * <p>DynamoDB resolves {@code #name} and {@code :value} placeholders before it checks operand counts, document
 * paths required and operand types (dynalite db/conditionParser.pegjs and db/updateParser.pegjs resolve them while
 * parsing, with "attrNameVal" / "attrName", "attrVal" ahead of "operand", "distinct" and "function" in their error
 * orders). Those later problems are therefore not thrown by the parser but kept here, for the binder to throw once
 * the placeholders are known to be defined: see {@code ExpressionBinder}.
 *
 * @param tree the tree; when {@code problem} is set, it has stand-in nodes where the problem is and must not be
 *     used but through {@link #orThrow()}
 * @param placeholders every {@code #name} and {@code :value} in text order, repeats included
 * @param problem the first problem found after syntax, or null
 * @param <T> Condition, UpdateExpression or ProjectionExpression
 */
public record ParsedExpression<T>(T tree, List<String> placeholders, DeferredProblem problem) {
    public ParsedExpression {
        requireNonNull(tree, "tree is null");
        placeholders = List.copyOf(placeholders);
    }

    /** The tree, or the deferred problem thrown (placeholders unchecked): for callers that do not bind. */
    public T orThrow() {
        if (problem != null) {
            throw BasaltException.validation(problem.message());
        }
        return tree;
    }
}
