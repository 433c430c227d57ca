package io.basalt.model;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Item size as DynamoDB computes it for the 400 KB limit and for capacity units (Developer Guide, "Item sizes and
 * formats"): names and values by their UTF-8 length; numbers by one byte per two significant digits plus one
 * (see {@link #of(DynamoNumber)}); booleans and nulls one byte; lists and maps three bytes plus one per element
 * (and a map element's name); sets the sum of their elements. Unpaired surrogates count three bytes, as the
 * item codec stores them.
 */
public final class ItemSize {
    private ItemSize() {
    }

    public static long of(Item item) {
        return of(item.attributes());
    }

    public static long of(Map<String, AttributeValue> attributes) {
        long size = 0;
        for (Map.Entry<String, AttributeValue> entry : attributes.entrySet()) {
            size += utf8Length(entry.getKey()) + of(entry.getValue());
        }
        return size;
    }

    public static long of(AttributeValue value) {
        switch (value.type()) {
            case S:
                return utf8Length(((AttributeValue.StringValue) value).value());
            case N:
                return of(((AttributeValue.NumberValue) value).value());
            case B:
                return ((AttributeValue.BinaryValue) value).value().length();
            case BOOL:
            case NULL:
                return 1;
            case L: {
                long size = 3;
                for (AttributeValue element : ((AttributeValue.ListValue) value).values()) {
                    size += 1 + of(element);
                }
                return size;
            }
            case M: {
                long size = 3;
                for (Map.Entry<String, AttributeValue> entry : ((AttributeValue.MapValue) value).values().entrySet()) {
                    size += 1 + utf8Length(entry.getKey()) + of(entry.getValue());
                }
                return size;
            }
            case SS: {
                long size = 0;
                for (String element : ((AttributeValue.StringSetValue) value).values()) {
                    size += utf8Length(element);
                }
                return size;
            }
            case NS: {
                long size = 0;
                for (DynamoNumber element : ((AttributeValue.NumberSetValue) value).values()) {
                    size += of(element);
                }
                return size;
            }
            case BS: {
                long size = 0;
                for (Bytes element : ((AttributeValue.BinarySetValue) value).values()) {
                    size += element.length();
                }
                return size;
            }
        }
        throw new AssertionError(value.type());
    }

    /**
     * A number's size. DynamoDB stores numbers in base 100 (two decimal digits per byte, pairs aligned on the
     * decimal point, leading and trailing zero pairs dropped) after a one-byte exponent, and a negative number
     * carries one more terminator byte. Sources: Developer Guide "Item sizes and formats" (one byte per two
     * significant digits plus one); dynalite db/index.js valSize (checked against DynamoDB: {@code +1} for
     * negatives, the digit-pair alignment); dynoxide PR #195 (measured: "plus one more if it is negative").
     */
    public static long of(DynamoNumber number) {
        return numberSize(number.signum(), number.exponent(), number.precision());
    }

    /**
     * {@link #of(DynamoNumber)} from a number's parts: its sign, the power of ten of its most significant digit and
     * how many significant digits it has.
     */
    public static long numberSize(int signum, int exponent, int digits) {
        if (signum == 0) {
            return 1;
        }
        int lowest = exponent - digits + 1;
        int pairs = Math.floorDiv(exponent, 2) - Math.floorDiv(lowest, 2) + 1;
        return 1 + pairs + (signum < 0 ? 1 : 0);
    }

    /** The UTF-8 length of {@code text} without encoding it. */
    public static int utf8Length(String text) {
        int length = text.length();
        int bytes = length;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isHighSurrogate(c) && i + 1 < length
                        && Character.isLowSurrogate(text.charAt(i + 1))) {
                    bytes += 2;
                    i++;
                } else {
                    bytes += 2;
                }
            }
        }
        return bytes;
    }

    /** The encoded size of a key value as DynamoDB limits it (2048 bytes partition, 1024 sort). */
    public static int keyValueSize(AttributeValue keyValue) {
        switch (keyValue.type()) {
            case S:
                return utf8Length(((AttributeValue.StringValue) keyValue).value());
            case B:
                return ((AttributeValue.BinaryValue) keyValue).value().length();
            case N:
                return (int) of(((AttributeValue.NumberValue) keyValue).value());
            default:
                throw new IllegalArgumentException("not a key type: " + keyValue.type());
        }
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
