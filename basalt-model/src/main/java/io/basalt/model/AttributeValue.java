package io.basalt.model;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * One DynamoDB attribute value. The hierarchy is closed: a switch over {@link #type()} or a pattern switch over
 * the records is exhaustive.
 *
 * <p>Values are immutable and structurally comparable ({@code equals} is DynamoDB equality except for sets, whose
 * element order is kept as the client sent it; use {@link AttributeValues#equalsIgnoringSetOrder} to compare
 * the way DynamoDB does). Constructors check only references; the DynamoDB rules (no empty sets, no duplicates,
 * nesting depth) are applied once where values enter, by the request validator.
 */
public sealed interface AttributeValue {
    AttributeType type();

    record StringValue(String value) implements AttributeValue {
        public StringValue {
            requireNonNull(value, "value is null");
        }

        @Override
        public AttributeType type() {
            return AttributeType.S;
        }
    }

    record NumberValue(DynamoNumber value) implements AttributeValue {
        public NumberValue {
            requireNonNull(value, "value is null");
        }

        @Override
        public AttributeType type() {
            return AttributeType.N;
        }
    }

    record BinaryValue(Bytes value) implements AttributeValue {
        public BinaryValue {
            requireNonNull(value, "value is null");
        }

        @Override
        public AttributeType type() {
            return AttributeType.B;
        }
    }

    record BooleanValue(boolean value) implements AttributeValue {
        public static final BooleanValue TRUE = new BooleanValue(true);
        public static final BooleanValue FALSE = new BooleanValue(false);

        public static BooleanValue of(boolean value) {
            return value ? TRUE : FALSE;
        }

        @Override
        public AttributeType type() {
            return AttributeType.BOOL;
        }
    }

    /** The NULL type. The wire form is {@code {"NULL": true}}; DynamoDB rejects {@code false}. */
    record NullValue() implements AttributeValue {
        public static final NullValue INSTANCE = new NullValue();

        @Override
        public AttributeType type() {
            return AttributeType.NULL;
        }
    }

    record ListValue(List<AttributeValue> values) implements AttributeValue {
        public ListValue {
            values = List.copyOf(values);
        }

        @Override
        public AttributeType type() {
            return AttributeType.L;
        }
    }

    /** A map; iteration order is the order the client sent, which is also the order Basalt returns. */
    record MapValue(Map<String, AttributeValue> values) implements AttributeValue {
        public MapValue {
            values = AttributeValues.immutableOrderedMap(values);
        }

        @Override
        public AttributeType type() {
            return AttributeType.M;
        }
    }

    record StringSetValue(List<String> values) implements AttributeValue {
        public StringSetValue {
            values = List.copyOf(values);
        }

        @Override
        public AttributeType type() {
            return AttributeType.SS;
        }
    }

    record NumberSetValue(List<DynamoNumber> values) implements AttributeValue {
        public NumberSetValue {
            values = List.copyOf(values);
        }

        @Override
        public AttributeType type() {
            return AttributeType.NS;
        }
    }

    record BinarySetValue(List<Bytes> values) implements AttributeValue {
        public BinarySetValue {
            values = List.copyOf(values);
        }

        @Override
        public AttributeType type() {
            return AttributeType.BS;
        }
    }

    static StringValue string(String value) {
        return new StringValue(value);
    }

    static NumberValue number(String value) {
        return new NumberValue(DynamoNumber.parse(value));
    }

    static NumberValue number(long value) {
        return new NumberValue(DynamoNumber.of(value));
    }

    static BinaryValue binary(byte[] value) {
        return new BinaryValue(Bytes.copyOf(value));
    }
}
