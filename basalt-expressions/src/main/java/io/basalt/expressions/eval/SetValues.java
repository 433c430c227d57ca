package io.basalt.expressions.eval;

import io.basalt.expressions.ast.Operand;
import io.basalt.model.AttributeValue;
import io.basalt.model.BasaltException;
import io.basalt.model.Item;
import java.util.ArrayList;
import java.util.List;

/** Computes the right-hand side of a SET action against the item as it was before the update. */
final class SetValues {
    private SetValues() {
    }

    static AttributeValue evaluate(Operand operand, Item item) {
        if (operand instanceof Operand.Literal literal) {
            return literal.value();
        } else if (operand instanceof Operand.Path path) {
            AttributeValue value = Values.resolve(item, path.path());
            if (value == null) {
                throw BasaltException.validation(Messages.MISSING_ATTRIBUTE);
            }
            return value;
        } else if (operand instanceof Operand.IfNotExists ifNotExists) {
            AttributeValue value = Values.resolve(item, ifNotExists.path());
            return value != null ? value : evaluate(ifNotExists.fallback(), item);
        } else if (operand instanceof Operand.ListAppend append) {
            AttributeValue first = evaluate(append.first(), item);
            AttributeValue second = evaluate(append.second(), item);
            if (!(first instanceof AttributeValue.ListValue a) || !(second instanceof AttributeValue.ListValue b)) {
                throw BasaltException.validation(Messages.INCORRECT_DATA_TYPE);
            }
            List<AttributeValue> joined = new ArrayList<>(a.values().size() + b.values().size());
            joined.addAll(a.values());
            joined.addAll(b.values());
            return new AttributeValue.ListValue(joined);
        } else if (operand instanceof Operand.Arithmetic arithmetic) {
            AttributeValue left = evaluate(arithmetic.left(), item);
            AttributeValue right = evaluate(arithmetic.right(), item);
            if (!(left instanceof AttributeValue.NumberValue x) || !(right instanceof AttributeValue.NumberValue y)) {
                throw BasaltException.validation(Messages.INCORRECT_DATA_TYPE);
            }
            // DynamoNumber raises DynamoDB's own overflow / underflow / precision errors.
            return new AttributeValue.NumberValue(arithmetic.operator() == Operand.ArithmeticOperator.PLUS
                    ? x.value().add(y.value()) : x.value().subtract(y.value()));
        }
        throw new IllegalArgumentException("operand not allowed in SET: " + operand);
    }
}
