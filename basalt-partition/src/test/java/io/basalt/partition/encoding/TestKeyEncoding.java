package io.basalt.partition.encoding;

import static io.basalt.partition.encoding.RandomValues.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.AttributeValues;
import io.basalt.model.DynamoNumber;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class TestKeyEncoding {
    private static final long SEED = System.nanoTime();

    /** Pins the format: a change here is a change to every stored key. */
    @ParameterizedTest
    @CsvSource({
        "S, '', 0000", "S, a, 610000", "S, é, c3a90000", "S, 😀, f09f98800000",
        "N, 0, 80", "N, 1, 81820b00", "N, -1, 7f7df4ff", "N, 10, 81830b00", "N, 123.45, 81840d233300",
        "N, 1E-130, 81000b00", "N, 9.9999999999999999999999999999999999999E+125, "
            + "81ff" + "64646464646464646464646464646464646464" + "00"
    })
    void goldenEncodings(AttributeType type, String text, String expectedHex) {
        AttributeValue value = type == AttributeType.S ? AttributeValue.string(text) : AttributeValue.number(text);
        assertThat(hex(KeyEncoding.encode(value))).isEqualTo(expectedHex);
    }

    @Test
    void goldenEscapes() {
        assertThat(hex(KeyEncoding.encode(AttributeValue.string("a\u0000b")))).isEqualTo("6100ff620000");
        assertThat(hex(KeyEncoding.encode(AttributeValue.binary(new byte[] {0, (byte) 0xff, 0}))))
                .isEqualTo("00ffff00ff0000");
        assertThat(hex(KeyEncoding.encode(AttributeValue.binary(new byte[0])))).isEqualTo("0000");
    }

    @ParameterizedTest
    @EnumSource(value = AttributeType.class, names = {"S", "N", "B"})
    void orderIsDynamoDbOrderAndEncodingsArePrefixFree(AttributeType type) {
        Random random = new Random(SEED + type.ordinal());
        RandomValues values = new RandomValues(random);
        List<AttributeValue> sample = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            sample.add(values.key(type));
        }
        List<byte[]> encoded = new ArrayList<>();
        for (AttributeValue value : sample) {
            encoded.add(KeyEncoding.encode(value));
        }
        for (int i = 0; i < sample.size(); i++) {
            for (int j = 0; j < sample.size(); j++) {
                AttributeValue a = sample.get(i);
                AttributeValue b = sample.get(j);
                String context = "seed=" + (SEED + type.ordinal()) + " a=" + a + " b=" + b;
                int expected = Integer.signum(oracle(a, b));
                assertThat(Integer.signum(KeyEncoding.compare(a, b))).as(context).isEqualTo(expected);
                byte[] x = encoded.get(i);
                byte[] y = encoded.get(j);
                assertThat(Integer.signum(Arrays.compareUnsigned(x, y))).as(context).isEqualTo(expected);
                if (expected != 0) {
                    assertThat(isProperPrefix(x, y)).as(context).isFalse();
                    byte[] xs = concat(x, new byte[] {(byte) 0xFF, (byte) 0xFF});
                    byte[] ys = concat(y, new byte[] {0});
                    assertThat(Integer.signum(Arrays.compareUnsigned(xs, ys))).as(context).isEqualTo(expected);
                }
            }
        }
    }

    /** Independent of the code under test: UTF-8 bytes, unsigned bytes, BigDecimal. */
    private static int oracle(AttributeValue a, AttributeValue b) {
        if (a instanceof AttributeValue.StringValue x && b instanceof AttributeValue.StringValue y) {
            if (hasLoneSurrogate(x.value()) || hasLoneSurrogate(y.value())) {
                // Java's UTF-8 encoder replaces lone surrogates, so compare code points (the order the encoding's
                // bytes must follow), computed without the encoder under test.
                return AttributeValues.compareUtf8(x.value(), y.value());
            }
            return Arrays.compareUnsigned(x.value().getBytes(StandardCharsets.UTF_8),
                    y.value().getBytes(StandardCharsets.UTF_8));
        } else if (a instanceof AttributeValue.BinaryValue x && b instanceof AttributeValue.BinaryValue y) {
            return Arrays.compareUnsigned(x.value().unsafeArray(), y.value().unsafeArray());
        }
        return ((AttributeValue.NumberValue) a).value().bigDecimalValue()
                .compareTo(((AttributeValue.NumberValue) b).value().bigDecimalValue());
    }

    @Test
    void roundTripsConsecutiveValues() {
        Random random = new Random(SEED);
        RandomValues values = new RandomValues(random);
        AttributeType[] types = {AttributeType.S, AttributeType.N, AttributeType.B};
        for (int i = 0; i < 3000; i++) {
            AttributeType first = types[random.nextInt(3)];
            AttributeType second = types[random.nextInt(3)];
            AttributeValue a = values.key(first);
            AttributeValue b = values.key(second);
            ByteWriter out = new ByteWriter();
            KeyEncoding.write(out, a);
            KeyEncoding.write(out, b);
            byte[] bytes = out.toByteArray();
            ByteReader in = new ByteReader(bytes);
            String context = "seed=" + SEED + " a=" + a + " b=" + b + " bytes=" + hex(bytes);
            assertThat(KeyEncoding.read(in, first)).as(context).isEqualTo(a);
            assertThat(KeyEncoding.read(in, second)).as(context).isEqualTo(b);
            assertThat(in.remaining()).as(context).isZero();
        }
    }

    @Test
    void numbersDecodeCanonically() {
        // Around 18 significant digits the decoder switches from a long to a BigInteger.
        for (String text : new String[] {"1.50", "-0.000120", "1E+125", "-1E-130", "100", "-99.1",
            "999999999999999999", "-999999999999999999", "1234567890.12345678", "1234567890123456789",
            "-1234567890123456789E-40", "9.9999999999999999999999999999999999999E+125", "-9223372036854775808"}) {
            AttributeValue value = AttributeValue.number(text);
            AttributeValue decoded = KeyEncoding.read(new ByteReader(KeyEncoding.encode(value)), AttributeType.N);
            assertThat(((AttributeValue.NumberValue) decoded).value().toString())
                    .isEqualTo(DynamoNumber.parse(text).toString());
        }
    }

    @Test
    void numbersDifferingInTheLastDigitOrder() {
        String base = "1234567890123456789012345678901234567";
        for (int exponent : new int[] {-130, -1, 0, 37, 87}) {
            AttributeValue low = AttributeValue.number(base + "1E" + (exponent - 37));
            AttributeValue high = AttributeValue.number(base + "2E" + (exponent - 37));
            assertThat(Arrays.compareUnsigned(KeyEncoding.encode(low), KeyEncoding.encode(high))).isNegative();
            AttributeValue negLow = AttributeValue.number("-" + base + "2E" + (exponent - 37));
            AttributeValue negHigh = AttributeValue.number("-" + base + "1E" + (exponent - 37));
            assertThat(Arrays.compareUnsigned(KeyEncoding.encode(negLow), KeyEncoding.encode(negHigh))).isNegative();
        }
    }

    @Test
    void rejectsNonKeyTypesAndCorruptBytes() {
        assertThatThrownBy(() -> KeyEncoding.encode(AttributeValue.BooleanValue.TRUE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyEncoding.read(new ByteReader(new byte[] {0}), AttributeType.L))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyEncoding.compare(AttributeValue.string("1"), AttributeValue.number(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyEncoding.read(new ByteReader(new byte[] {0x61, 0}), AttributeType.S))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> KeyEncoding.read(new ByteReader(new byte[] {0, 1}), AttributeType.B))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> KeyEncoding.read(new ByteReader(new byte[] {0x10}), AttributeType.N))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> KeyEncoding.read(new ByteReader(new byte[] {(byte) 0x81, 0x0b, 0x70, 0}),
                AttributeType.N)).isInstanceOf(IllegalStateException.class);
    }

    private static boolean hasLoneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isProperPrefix(byte[] prefix, byte[] of) {
        return prefix.length < of.length && Arrays.equals(prefix, 0, prefix.length, of, 0, prefix.length);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] result = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, result, a.length, b.length);
        return result;
    }
}
