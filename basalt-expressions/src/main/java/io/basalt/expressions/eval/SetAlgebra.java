package io.basalt.expressions.eval;

import io.basalt.model.AttributeValue;
import io.basalt.model.BasaltException;
import io.basalt.model.Bytes;
import io.basalt.model.DynamoNumber;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * ADD and DELETE of UpdateExpression. ADD adds a number (a missing attribute counts as 0) or unions a set of the
 * same type (a missing attribute becomes the set); DELETE subtracts a set of the same type. Anything else is
 * "An operand in the update expression has an incorrect data type" (Developer Guide "Update expressions",
 * Alternator test_update_expression_add_numbers / add_lists).
 */
final class SetAlgebra {
    private SetAlgebra() {
    }

    static AttributeValue add(AttributeValue existing, AttributeValue operand) {
        if (existing == null) {
            return operand;
        }
        if (existing instanceof AttributeValue.NumberValue x && operand instanceof AttributeValue.NumberValue y) {
            return new AttributeValue.NumberValue(x.value().add(y.value()));
        }
        if (existing instanceof AttributeValue.StringSetValue x && operand instanceof AttributeValue.StringSetValue y) {
            return new AttributeValue.StringSetValue(union(x.values(), y.values()));
        }
        if (existing instanceof AttributeValue.NumberSetValue x && operand instanceof AttributeValue.NumberSetValue y) {
            return new AttributeValue.NumberSetValue(union(x.values(), y.values()));
        }
        if (existing instanceof AttributeValue.BinarySetValue x && operand instanceof AttributeValue.BinarySetValue y) {
            return new AttributeValue.BinarySetValue(union(x.values(), y.values()));
        }
        throw BasaltException.validation(Messages.INCORRECT_DATA_TYPE);
    }

    /** The set left after DELETE, or null when no element is left. */
    static AttributeValue delete(AttributeValue existing, AttributeValue operand) {
        if (existing instanceof AttributeValue.StringSetValue x && operand instanceof AttributeValue.StringSetValue y) {
            List<String> left = difference(x.values(), y.values());
            return left.isEmpty() ? null : new AttributeValue.StringSetValue(left);
        }
        if (existing instanceof AttributeValue.NumberSetValue x && operand instanceof AttributeValue.NumberSetValue y) {
            List<DynamoNumber> left = difference(x.values(), y.values());
            return left.isEmpty() ? null : new AttributeValue.NumberSetValue(left);
        }
        if (existing instanceof AttributeValue.BinarySetValue x && operand instanceof AttributeValue.BinarySetValue y) {
            List<Bytes> left = difference(x.values(), y.values());
            return left.isEmpty() ? null : new AttributeValue.BinarySetValue(left);
        }
        throw BasaltException.validation(Messages.INCORRECT_DATA_TYPE);
    }

    private static <T> List<T> union(List<T> existing, List<T> added) {
        LinkedHashSet<T> union = new LinkedHashSet<>(existing);
        union.addAll(added);
        return new ArrayList<>(union);
    }

    private static <T> List<T> difference(List<T> existing, List<T> removed) {
        List<T> left = new ArrayList<>(existing);
        left.removeAll(new LinkedHashSet<>(removed));
        return left;
    }
}
