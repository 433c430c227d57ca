package io.basalt.server.operations;

import io.basalt.model.AttributeValue;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** DynamoDB's order of scalar values of one type: numbers numerically, strings by UTF-8 bytes, binaries bytes. */
final class ScalarOrder {
    private ScalarOrder() {
    }

    static int compare(AttributeValue a, AttributeValue b) {
        if (a instanceof AttributeValue.NumberValue x && b instanceof AttributeValue.NumberValue y) {
            return x.value().compareTo(y.value());
        }
        if (a instanceof AttributeValue.StringValue x && b instanceof AttributeValue.StringValue y) {
            return Arrays.compareUnsigned(x.value().getBytes(StandardCharsets.UTF_8),
                    y.value().getBytes(StandardCharsets.UTF_8));
        }
        if (a instanceof AttributeValue.BinaryValue x && b instanceof AttributeValue.BinaryValue y) {
            return x.value().compareTo(y.value());
        }
        throw new IllegalArgumentException("not scalars of one type: " + a.type() + ", " + b.type());
    }
}
