package io.basalt.partition.encoding;

import static java.util.Objects.requireNonNull;

import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.AttributeValues;
import io.basalt.model.Bytes;
import io.basalt.model.DynamoNumber;
import io.basalt.model.ItemSize;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * The order-preserving, self-delimiting encoding of key values (S, N, B), so a storage key is the concatenation of
 * its parts and unsigned byte order is DynamoDB's key order (DESIGN, "Order-preserving encodings").
 *
 * <p>S and B: the UTF-8 (see {@link Utf8}) or raw bytes with each 0x00 written as 0x00 0xFF, then the terminator
 * 0x00 0x00. A 0x00 0xFF pair sorts above the terminator and below any other byte, so a value sorts after each of
 * its prefixes and no encoding is a proper prefix of another.
 *
 * <p>N: zero is the single byte 0x80. A positive number is 0x81, its exponent plus 130 as one byte (DynamoDB
 * exponents run from -130 to 125, so 0 to 255), then its significant digits two per byte as pair value + 1
 * (1 to 100; an odd final digit is padded with 0), then the terminator 0x00. A negative number is 0x7F followed by
 * the bitwise complement of the positive form of its magnitude, so larger magnitudes sort lower. At most 22 bytes.
 */
public final class KeyEncoding {
    static final int NUMBER_NEGATIVE = 0x7F;
    static final int NUMBER_ZERO = 0x80;
    static final int NUMBER_POSITIVE = 0x81;
    private static final int EXPONENT_BIAS = 130;

    private KeyEncoding() {
    }

    /** @throws IllegalArgumentException when the value is not an S, N or B */
    public static void write(ByteWriter out, AttributeValue keyValue) {
        requireNonNull(out, "out is null");
        requireNonNull(keyValue, "keyValue is null");
        if (keyValue instanceof AttributeValue.StringValue s) {
            Utf8.write(out, s.value(), true);
            out.writeByte(0).writeByte(0);
        } else if (keyValue instanceof AttributeValue.BinaryValue b) {
            writeEscaped(out, b.value().unsafeArray());
        } else if (keyValue instanceof AttributeValue.NumberValue n) {
            writeNumber(out, n.value());
        } else {
            throw new IllegalArgumentException("not a key type: " + keyValue.type());
        }
    }

    public static byte[] encode(AttributeValue keyValue) {
        ByteWriter out = new ByteWriter(32);
        write(out, keyValue);
        return out.toByteArray();
    }

    /** Reads one value of {@code type} written by {@link #write}. @throws IllegalStateException when corrupt */
    public static AttributeValue read(ByteReader in, AttributeType type) {
        requireNonNull(in, "in is null");
        requireNonNull(type, "type is null");
        switch (type) {
            case S: {
                byte[] bytes = readEscaped(in);
                return new AttributeValue.StringValue(Utf8.decode(bytes, 0, bytes.length));
            }
            case B:
                return new AttributeValue.BinaryValue(Bytes.wrap(readEscaped(in)));
            case N:
                return new AttributeValue.NumberValue(readNumber(in));
            default:
                throw new IllegalArgumentException("not a key type: " + type);
        }
    }

    /**
     * DynamoDB's order of two key values of the same type: S by unsigned UTF-8 bytes (code point order, not
     * {@code String.compareTo}'s UTF-16 order), B by unsigned bytes, N numerically.
     */
    public static int compare(AttributeValue a, AttributeValue b) {
        if (a.type() != b.type()) {
            throw new IllegalArgumentException("cannot compare " + a.type() + " with " + b.type());
        }
        if (a instanceof AttributeValue.StringValue x && b instanceof AttributeValue.StringValue y) {
            return AttributeValues.compareUtf8(x.value(), y.value());
        } else if (a instanceof AttributeValue.BinaryValue x && b instanceof AttributeValue.BinaryValue y) {
            return x.value().compareTo(y.value());
        } else if (a instanceof AttributeValue.NumberValue x && b instanceof AttributeValue.NumberValue y) {
            return x.value().compareTo(y.value());
        }
        throw new IllegalArgumentException("not a key type: " + a.type());
    }

    private static void writeEscaped(ByteWriter out, byte[] bytes) {
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                out.writeBytes(bytes, start, i - start + 1).writeByte(0xFF);
                start = i + 1;
            }
        }
        out.writeBytes(bytes, start, bytes.length - start).writeByte(0).writeByte(0);
    }

    private static byte[] readEscaped(ByteReader in) {
        ByteWriter bytes = new ByteWriter(32);
        while (true) {
            int b = in.readUnsignedByte();
            if (b != 0) {
                bytes.writeByte(b);
                continue;
            }
            int next = in.readUnsignedByte();
            if (next == 0) {
                return bytes.toByteArray();
            }
            if (next != 0xFF) {
                throw new IllegalStateException("bad escape 0x00 0x" + Integer.toHexString(next));
            }
            bytes.writeByte(0);
        }
    }

    static void writeNumber(ByteWriter out, DynamoNumber number) {
        int signum = number.signum();
        if (signum == 0) {
            out.writeByte(NUMBER_ZERO);
            return;
        }
        int flip = signum < 0 ? 0xFF : 0;
        out.writeByte(signum < 0 ? NUMBER_NEGATIVE : NUMBER_POSITIVE);
        out.writeByte((number.exponent() + EXPONENT_BIAS) ^ flip);
        String digits = number.significantDigits();
        for (int i = 0; i < digits.length(); i += 2) {
            int high = digits.charAt(i) - '0';
            int low = i + 1 < digits.length() ? digits.charAt(i + 1) - '0' : 0;
            out.writeByte((high * 10 + low + 1) ^ flip);
        }
        out.writeByte(flip);
    }

    /**
     * Room for any number's canonical text: a sign, "0." and up to 130 zeros before the digits of the smallest
     * exponent, or up to 125 zeros after them for the largest (the exponent byte cannot express more).
     */
    static final int MAX_NUMBER_TEXT = 2 + 2 + EXPONENT_BIAS + DynamoNumber.MAX_PRECISION + 2 + 130;

    /**
     * Reads a number written by {@link #writeNumber} as its canonical text ({@link DynamoNumber#toString}: plain
     * notation, no trailing zeros) into {@code text}, at least {@link #MAX_NUMBER_TEXT} long; returns its length.
     */
    static int readNumberText(ByteReader in, byte[] text) {
        int lead = in.readUnsignedByte();
        if (lead == NUMBER_ZERO) {
            text[0] = '0';
            return 1;
        }
        int flip = numberFlip(lead);
        int exponent = (in.readUnsignedByte() ^ flip) - EXPONENT_BIAS;
        // The digits go where they would stand without a sign and "0.": shifted into place below.
        int n = 0;
        if (flip != 0) {
            text[n++] = '-';
        }
        int leadingZeros = exponent < 0 ? -exponent - 1 : 0;
        int digitsStart = n + (exponent < 0 ? 2 + leadingZeros : 0);
        int count = readDigits(in, flip, text, digitsStart) - digitsStart;
        if (exponent < 0) {
            text[n++] = '0';
            text[n++] = '.';
            for (int i = 0; i < leadingZeros; i++) {
                text[n++] = '0';
            }
            return n + count;
        }
        if (exponent >= count - 1) {
            int end = digitsStart + count;
            for (int i = 0; i < exponent - (count - 1); i++) {
                text[end++] = '0';
            }
            return end;
        }
        int point = digitsStart + exponent + 1;
        System.arraycopy(text, point, text, point + 1, count - exponent - 1);
        text[point] = '.';
        return digitsStart + count + 1;
    }

    /** Skips a number written by {@link #writeNumber}; returns its {@link ItemSize#of(DynamoNumber) size}. */
    static long skipNumber(ByteReader in) {
        int lead = in.readUnsignedByte();
        if (lead == NUMBER_ZERO) {
            return 1;
        }
        int flip = numberFlip(lead);
        int exponent = (in.readUnsignedByte() ^ flip) - EXPONENT_BIAS;
        int digits = 0;
        int last = 0;
        while (true) {
            int pair = in.readUnsignedByte() ^ flip;
            if (pair == 0) {
                break;
            }
            if (pair > 100 || digits >= DynamoNumber.MAX_PRECISION) {
                throw new IllegalStateException("bad number digits");
            }
            digits += 2;
            last = pair - 1;
        }
        if (digits == 0) {
            throw new IllegalStateException("number without digits");
        }
        return ItemSize.numberSize(flip != 0 ? -1 : 1, exponent, last % 10 == 0 ? digits - 1 : digits);
    }

    private static int numberFlip(int lead) {
        if (lead != NUMBER_POSITIVE && lead != NUMBER_NEGATIVE) {
            throw new IllegalStateException("bad number lead byte 0x" + Integer.toHexString(lead));
        }
        return lead == NUMBER_NEGATIVE ? 0xFF : 0;
    }

    /**
     * Reads the digit pairs of a number into {@code out} from {@code start} as ASCII digits, trailing zeros
     * dropped; returns the index after the last digit. @throws IllegalStateException when there is no digit
     */
    private static int readDigits(ByteReader in, int flip, byte[] out, int start) {
        int end = start;
        while (true) {
            int pair = in.readUnsignedByte() ^ flip;
            if (pair == 0) {
                break;
            }
            if (pair > 100 || end - start >= DynamoNumber.MAX_PRECISION) {
                throw new IllegalStateException("bad number digits");
            }
            out[end++] = (byte) ('0' + (pair - 1) / 10);
            out[end++] = (byte) ('0' + (pair - 1) % 10);
        }
        while (end > start && out[end - 1] == '0') {
            end--;
        }
        if (end == start) {
            throw new IllegalStateException("number without digits");
        }
        return end;
    }

    static DynamoNumber readNumber(ByteReader in) {
        int lead = in.readUnsignedByte();
        if (lead == NUMBER_ZERO) {
            return DynamoNumber.ZERO;
        }
        int flip = numberFlip(lead);
        int exponent = (in.readUnsignedByte() ^ flip) - EXPONENT_BIAS;
        byte[] digits = new byte[DynamoNumber.MAX_PRECISION + 2];
        int count = readDigits(in, flip, digits, 0);
        int scale = count - 1 - exponent;
        if (count <= 18) {
            // Fits a long: no digit string, no BigInteger (most numbers people store).
            long unscaled = 0;
            for (int i = 0; i < count; i++) {
                unscaled = unscaled * 10 + (digits[i] - '0');
            }
            return DynamoNumber.of(BigDecimal.valueOf(flip != 0 ? -unscaled : unscaled, scale));
        }
        BigInteger unscaled = new BigInteger(new String(digits, 0, count, StandardCharsets.US_ASCII));
        return DynamoNumber.of(new BigDecimal(flip != 0 ? unscaled.negate() : unscaled, scale));
    }
}
