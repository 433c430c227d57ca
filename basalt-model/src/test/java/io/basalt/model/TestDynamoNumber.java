package io.basalt.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TestDynamoNumber {
    private static final String NOT_A_NUMBER = "The parameter cannot be converted to a numeric value";
    private static final String OVERFLOW =
            "Number overflow. Attempting to store a number with magnitude larger than supported range";
    private static final String UNDERFLOW =
            "Number underflow. Attempting to store a number with magnitude smaller than supported range";
    private static final String TOO_PRECISE = "Attempting to store more than 38 significant digits in a Number";
    private static final String MAX = "9.9999999999999999999999999999999999999E+125";

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "3|3", "-7.1234|-7.1234", "-17e5|-1700000", "-17.4E37|-174000000000000000000000000000000000000",
        "+3|3", ".123|0.123", "0001.23|1.23", "1e+5|100000", "0e125|0", "+5|5", "+1.5|1.5", "+0|0",
        "+1e2|100", "1.5E+3|1500", "-0|0", "-0.0e-5|0", "1.|1", "5.e-1|0.5", "1.50|1.5", "100|100",
        "0.000|0", "10e-1|1", "0.01E+2|1", "1e-130|0.0000000000000000000000000000000000000000000000000000000000000"
            + "000000000000000000000000000000000000000000000000000000000000000000001",
        "1E-0|1", "1e000|1", "0e-130|0", "0.0e-129|0"
    })
    void acceptsAndCanonicalises(String text, String canonical) {
        assertThat(DynamoNumber.parse(text).toString()).isEqualTo(canonical);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-0", "1", "100", "-7.1234", "1e-130", "0.000120", MAX, "123456789012345678"})
    void precisionCountsTheSignificantDigits(String text) {
        DynamoNumber number = DynamoNumber.parse(text);
        assertThat(number.precision()).isEqualTo(number.significantDigits().length());
    }

    /**
     * The current layer reads the exponent in full, up to a long, and range-checks zero by its written exponent
     * (live captures of October 2026, docs/design/error-texts.md).
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "1e99999999999|O", "-1e99999999999|O", "1e-99999999999|U", "1e2147483648|O", "1e2147483647|O",
        "1e-2147483648|U", "1e9223372036854775807|O", "1e-9223372036854775807|U", "0e126|O", "0e-131|U",
        "0.0e-130|U", "0e99999999999|O", "0e-99999999999|U"})
    void hugeExponentsOverflowOrUnderflow(String text, String kind) {
        assertThatThrownBy(() -> DynamoNumber.parse(text)).hasMessage(kind.equals("O") ? OVERFLOW : UNDERFLOW);
    }

    /** The older layer reads numbers as Java's BigDecimal: an int exponent, and int arithmetic that wraps. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "1e2147483647|" + UNDERFLOW, "1e126|" + OVERFLOW, "1e-2147483648|" + UNDERFLOW,
        "1e99999999999|" + NOT_A_NUMBER + ": 1e99999999999", "abc|" + NOT_A_NUMBER + ": abc", "0e126|" + OVERFLOW})
    void olderLayerReadsLikeBigDecimal(String text, String message) {
        assertThatThrownBy(() -> DynamoNumber.parse(text, ValueLayer.OLDER)).hasMessage(message);
    }

    @Test
    void emptyNumberMessageDependsOnTheLayer() {
        assertThatThrownBy(() -> DynamoNumber.parse("")).hasMessage(NOT_A_NUMBER + ": ");
        assertThatThrownBy(() -> DynamoNumber.parse("", ValueLayer.OLDER)).hasMessage(NOT_A_NUMBER);
    }

    @Test
    void canonicalFormIsPlainNotation() {
        assertThat(DynamoNumber.parse("1E+100").toString()).isEqualTo("1" + "0".repeat(100));
        assertThat(DynamoNumber.parse("1E-100").toString()).isEqualTo("0." + "0".repeat(99) + "1");
        assertThat(DynamoNumber.parse(MAX).toString()).isEqualTo("9".repeat(38) + "0".repeat(88));
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "Infinity", "-Infinity", "-NaN", "dog", "-dog", " 1", "1 ", "0x10", "1e", "1e+",
        ".", "-", "+", "e5", "1.2.3", "1,5", "--1", "+-1", "1e5.0", "1e9223372036854775808", "1_000",
        "\u0661", "1d", "1f"})
    void rejectsNonNumbersWithTheTextInTheMessage(String text) {
        assertThatThrownBy(() -> DynamoNumber.parse(text))
                .isInstanceOf(BasaltException.class)
                .hasMessage(NOT_A_NUMBER + ": " + text)
                .extracting(e -> ((BasaltException) e).code()).isEqualTo(ErrorCode.VALIDATION);
    }

    @Test
    void rejectsTheEmptyStringWithoutSuffix() {
        assertThatThrownBy(() -> DynamoNumber.parse("")).hasMessage(NOT_A_NUMBER + ": ");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "1e126|" + OVERFLOW, "-1e126|" + OVERFLOW, "11e125|" + OVERFLOW, "1e1000|" + OVERFLOW,
        "1e-131|" + UNDERFLOW, "-1e-131|" + UNDERFLOW, "0.9e-130|" + UNDERFLOW,
        "123456789012345678901234567890123456789|" + TOO_PRECISE,
        "-1.23456789012345678901234567890123456789|" + TOO_PRECISE,
        "3.14159265358979323846264338327950288419|" + TOO_PRECISE,
        // Overflow is checked before precision, as dynalite's checkNum does.
        "1234567890123456789012345678901234567890e100|" + OVERFLOW
    })
    void rejectsOutOfRange(String text, String message) {
        assertThatThrownBy(() -> DynamoNumber.parse(text)).hasMessage(message);
    }

    @Test
    void leadingAndTrailingZerosAreNotSignificant() {
        assertThat(DynamoNumber.parse("1" + "0".repeat(45)).significantDigits()).isEqualTo("1");
        assertThat(DynamoNumber.parse("0".repeat(50) + "1").toString()).isEqualTo("1");
        assertThat(DynamoNumber.parse("1." + "0".repeat(60)).toString()).isEqualTo("1");
        assertThat(DynamoNumber.parse("110111111111111110000000000000000000000").significantDigits())
                .isEqualTo("11011111111111111");
        String digits38 = "31415926535897932384626433832795028841";
        assertThat(DynamoNumber.parse(digits38 + "e30").significantDigits()).isEqualTo(digits38);
        assertThat(DynamoNumber.parse("9.99999999e125").exponent()).isEqualTo(125);
        assertThat(DynamoNumber.parse(MAX).significantDigits()).hasSize(38);
    }

    @Test
    void parsesLongInputsInLinearTime() {
        String zeros = "0".repeat(2_000_000);
        assertThat(DynamoNumber.parse(zeros + "1." + zeros).toString()).isEqualTo("1");
        assertThatThrownBy(() -> DynamoNumber.parse("1" + zeros)).hasMessage(OVERFLOW);
    }

    @Test
    void exponentAndDigits() {
        DynamoNumber n = DynamoNumber.parse("-0.0150");
        assertThat(n.exponent()).isEqualTo(-2);
        assertThat(n.significantDigits()).isEqualTo("15");
        assertThat(n.signum()).isEqualTo(-1);
        assertThat(DynamoNumber.ZERO.exponent()).isZero();
        assertThat(DynamoNumber.ZERO.significantDigits()).isEqualTo("0");
    }

    @Test
    void equalityIsNumeric() {
        assertThat(DynamoNumber.parse("1.50")).isEqualTo(DynamoNumber.parse("15e-1"))
                .hasSameHashCodeAs(DynamoNumber.parse("15e-1"));
        assertThat(DynamoNumber.parse("100")).isEqualTo(DynamoNumber.of(100));
        assertThat(DynamoNumber.of(new BigDecimal("1.000"))).isEqualTo(DynamoNumber.parse("1"));
        assertThat(DynamoNumber.parse("-1")).isLessThan(DynamoNumber.ZERO);
        assertThat(DynamoNumber.parse("1e-130")).isGreaterThan(DynamoNumber.ZERO);
        assertThat(DynamoNumber.parse("-" + MAX)).isLessThan(DynamoNumber.parse("-1e125"));
    }

    @Test
    void arithmeticIsExactAndBounded() {
        DynamoNumber one = DynamoNumber.of(1);
        DynamoNumber big = DynamoNumber.parse("10000000000000000000000");
        assertThat(one.add(big).toString()).isEqualTo("10000000000000000000001");
        assertThat(big.subtract(one).toString()).isEqualTo("9999999999999999999999");
        assertThat(DynamoNumber.parse("9e125").add(DynamoNumber.parse("9e124")))
                .isEqualTo(DynamoNumber.parse("9.9e125"));
        assertThatThrownBy(() -> DynamoNumber.parse("9e125").add(DynamoNumber.parse("9e125"))).hasMessage(OVERFLOW);
        assertThatThrownBy(() -> DynamoNumber.parse("9e125").subtract(DynamoNumber.parse("-9e125")))
                .hasMessage(OVERFLOW);
        // DynamoDB reports a result that needs more than 38 digits as an overflow (Alternator test_number.py).
        assertThatThrownBy(() -> DynamoNumber.parse("1e50").add(one)).hasMessage(OVERFLOW);
        assertThatThrownBy(() -> DynamoNumber.parse("1e50").subtract(one)).hasMessage(OVERFLOW);
        assertThatThrownBy(() -> DynamoNumber.parse("2e-130").subtract(DynamoNumber.parse("1.5e-130")))
                .hasMessage(UNDERFLOW);
        assertThat(DynamoNumber.parse("0.1").subtract(DynamoNumber.parse("0.1"))).isSameAs(DynamoNumber.ZERO);
    }

    @Test
    void randomizedAgainstBigDecimal() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int i = 0; i < 20_000; i++) {
            BigDecimal a = randomDecimal(random);
            BigDecimal b = randomDecimal(random);
            DynamoNumber x = DynamoNumber.parse(a.toString());
            DynamoNumber y = DynamoNumber.parse(b.toPlainString());
            String context = "seed=" + seed + " a=" + a + " b=" + b;
            assertThat(x.bigDecimalValue().compareTo(a)).as(context).isZero();
            assertThat(Integer.signum(x.compareTo(y))).as(context).isEqualTo(a.compareTo(b));
            assertThat(x.equals(y)).as(context).isEqualTo(a.compareTo(b) == 0);
            checkArithmetic(a.add(b), () -> x.add(y), context + " add");
            checkArithmetic(a.subtract(b), () -> x.subtract(y), context + " subtract");
        }
    }

    private static void checkArithmetic(BigDecimal exact, java.util.function.Supplier<DynamoNumber> op,
            String context) {
        if (exact.signum() == 0) {
            assertThat(op.get()).as(context).isEqualTo(DynamoNumber.ZERO);
            return;
        }
        BigDecimal stripped = exact.stripTrailingZeros();
        int exponent = stripped.precision() - stripped.scale() - 1;
        if (exponent > 125 || stripped.precision() > 38) {
            assertThatThrownBy(op::get).as(context).hasMessage(exponent < -130 ? UNDERFLOW : OVERFLOW);
        } else if (exponent < -130) {
            assertThatThrownBy(op::get).as(context).hasMessage(UNDERFLOW);
        } else {
            DynamoNumber result = op.get();
            assertThat(result.bigDecimalValue().compareTo(exact)).as(context).isZero();
            assertThat(result.toString()).as(context).isEqualTo(stripped.toPlainString());
        }
    }

    /** Valid DynamoDB numbers, biased towards sharing exponents so sums cancel and carry. */
    static BigDecimal randomDecimal(Random random) {
        int digits = 1 + random.nextInt(random.nextBoolean() ? 38 : 6);
        StringBuilder text = new StringBuilder();
        text.append((char) ('1' + random.nextInt(9)));
        for (int i = 1; i < digits; i++) {
            text.append((char) ('0' + random.nextInt(10)));
        }
        BigInteger unscaled = new BigInteger(text.toString());
        if (random.nextBoolean()) {
            unscaled = unscaled.negate();
        }
        int exponent = random.nextInt(4) == 0 ? -130 + random.nextInt(256) : -5 + random.nextInt(12);
        exponent = Math.min(exponent, 125);
        return new BigDecimal(unscaled, digits - 1 - exponent);
    }
}
