package io.basalt.partition.encoding;

import io.basalt.model.AttributeValue;
import io.basalt.model.Bytes;
import io.basalt.model.DynamoNumber;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Seeded generators of attribute values for the property tests (also the operation codec's, in another package). */
public final class RandomValues {
    private static final String[] EDGE_NUMBERS = {
        "0", "1", "-1", "1E-130", "-1E-130", "9.9999999999999999999999999999999999999E+125",
        "-9.9999999999999999999999999999999999999E+125", "1E+125", "-1E+125", "0.1", "-0.1", "10", "100", "99",
        "1.0000000000000000000000000000000000001", "1.0000000000000000000000000000000000002",
        "12345678901234567890123456789012345678", "12345678901234567890123456789012345679", "2", "1.5", "-1.5",
        "19", "1.9", "0.19", "9", "11", "101", "1.01"
    };

    private final Random random;

    public RandomValues(Random random) {
        this.random = random;
    }

    /** Strings mixing ASCII, NUL, two- and three-byte characters and surrogate pairs; lone surrogates if asked. */
    public String string(boolean loneSurrogates) {
        int length = random.nextInt(4) == 0 ? 0 : random.nextInt(12);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            switch (random.nextInt(loneSurrogates ? 8 : 7)) {
                case 0:
                    text.append('\u0000');
                    break;
                case 1:
                    text.append((char) (0x80 + random.nextInt(0x780)));
                    break;
                case 2:
                    text.append((char) (0x800 + random.nextInt(0xD000)));
                    break;
                case 3:
                    text.append((char) (0xE000 + random.nextInt(0x2000)));
                    break;
                case 4:
                    text.appendCodePoint(0x10000 + random.nextInt(0x100000));
                    break;
                case 7:
                    text.append((char) (0xD800 + random.nextInt(0x800)));
                    break;
                default:
                    text.append((char) ('a' + random.nextInt(3) - (random.nextInt(10) == 0 ? 96 : 0)));
            }
        }
        return text.toString();
    }

    byte[] bytes() {
        byte[] bytes = new byte[random.nextInt(4) == 0 ? 0 : random.nextInt(10)];
        for (int i = 0; i < bytes.length; i++) {
            int kind = random.nextInt(4);
            bytes[i] = (byte) (kind == 0 ? 0 : kind == 1 ? 0xFF : kind == 2 ? 1 : random.nextInt(256));
        }
        return bytes;
    }

    DynamoNumber number() {
        if (random.nextInt(5) == 0) {
            return DynamoNumber.parse(EDGE_NUMBERS[random.nextInt(EDGE_NUMBERS.length)]);
        }
        int digits = 1 + random.nextInt(random.nextBoolean() ? 38 : 4);
        StringBuilder text = new StringBuilder().append((char) ('1' + random.nextInt(9)));
        for (int i = 1; i < digits; i++) {
            text.append((char) ('0' + random.nextInt(10)));
        }
        BigInteger unscaled = new BigInteger(text.toString());
        int exponent = random.nextBoolean() ? -130 + random.nextInt(256) : -3 + random.nextInt(7);
        BigDecimal value = new BigDecimal(random.nextBoolean() ? unscaled : unscaled.negate(), digits - 1 - exponent);
        return DynamoNumber.of(value);
    }

    AttributeValue key(io.basalt.model.AttributeType type) {
        switch (type) {
            case S:
                return AttributeValue.string(string(random.nextInt(10) == 0));
            case B:
                return new AttributeValue.BinaryValue(Bytes.wrap(bytes()));
            case N:
                return new AttributeValue.NumberValue(number());
            default:
                throw new IllegalArgumentException(type.toString());
        }
    }

    /** Any of the ten types; containers nest while {@code depth} allows. */
    public AttributeValue value(int depth) {
        int kind = random.nextInt(depth > 0 ? 11 : 9);
        switch (kind) {
            case 0:
                return AttributeValue.string(string(true));
            case 1:
                return new AttributeValue.NumberValue(number());
            case 2:
                return new AttributeValue.BinaryValue(Bytes.wrap(bytes()));
            case 3:
                return AttributeValue.BooleanValue.of(random.nextBoolean());
            case 4:
                return AttributeValue.NullValue.INSTANCE;
            case 5: {
                List<String> values = new ArrayList<>();
                for (int i = random.nextInt(4); i >= 0; i--) {
                    values.add(string(true));
                }
                return new AttributeValue.StringSetValue(values);
            }
            case 6: {
                List<DynamoNumber> values = new ArrayList<>();
                for (int i = random.nextInt(4); i >= 0; i--) {
                    values.add(number());
                }
                return new AttributeValue.NumberSetValue(values);
            }
            case 7: {
                List<Bytes> values = new ArrayList<>();
                for (int i = random.nextInt(4); i >= 0; i--) {
                    values.add(Bytes.wrap(bytes()));
                }
                return new AttributeValue.BinarySetValue(values);
            }
            case 8:
                return AttributeValue.string("");
            case 9: {
                List<AttributeValue> values = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    values.add(value(depth - 1));
                }
                return new AttributeValue.ListValue(values);
            }
            default:
                return new AttributeValue.MapValue(attributes(depth - 1));
        }
    }

    Map<String, AttributeValue> attributes(int depth) {
        Map<String, AttributeValue> attributes = new LinkedHashMap<>();
        for (int i = random.nextInt(6); i > 0; i--) {
            attributes.put(string(true), value(depth));
        }
        return attributes;
    }

    public static String hex(byte[] bytes) {
        StringBuilder text = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            text.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return text.toString();
    }
}
