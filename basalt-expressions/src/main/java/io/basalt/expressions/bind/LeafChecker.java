package io.basalt.expressions.bind;

import static java.util.Objects.requireNonNull;

import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.ast.Operand;
import java.util.function.Function;

/**
 * The checks of a bound condition that DynamoDB makes condition by condition, in the order the conditions end,
 * interleaved with placeholder resolution: see {@link ExpressionBinder#bind(io.basalt.expressions.parser.
 * ParsedExpression, String, LeafChecker)}. Each returns the detail of the first problem (without the
 * {@code Invalid <parameter>: } prefix), or null. The evaluator's ExpressionValidator supplies them.
 */
public interface LeafChecker {
    /** Checks nothing. */
    LeafChecker NONE = of(leaf -> null, operand -> null);

    /** The problem of one bound leaf condition (a comparison, BETWEEN, IN or function condition), or null. */
    String leaf(Condition leaf);

    /** The problem of one bound operand on its own (a {@code size()} of a value of a refused type), or null. */
    String operand(Operand operand);

    static LeafChecker of(Function<Condition, String> leaf, Function<Operand, String> operand) {
        requireNonNull(leaf, "leaf is null");
        requireNonNull(operand, "operand is null");
        return new LeafChecker() {
            @Override
            public String leaf(Condition condition) {
                return leaf.apply(condition);
            }

            @Override
            public String operand(Operand value) {
                return operand.apply(value);
            }
        };
    }
}
