package io.basalt.model;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;

/**
 * A DynamoDB number: up to 38 significant digits, magnitude between 1E-130 and
 * 9.9999999999999999999999999999999999999E+125, or zero.
 *
 * <p>Values are kept normalised (trailing zeros stripped), so equality is numeric equality and {@link #toString()}
 * is the canonical text DynamoDB returns: plain notation, never an exponent ({@code 1.50} becomes {@code 1.5},
 * {@code +1e2} becomes {@code 100}, {@code -0} becomes {@code 0}). The findings and their sources are in
 * basalt-model/NUMBERS.md.
 */
public final class DynamoNumber implements Comparable<DynamoNumber> {
    public static final int MAX_PRECISION = 38;
    /** The exponent (power of ten of the most significant digit) of the largest magnitude: 9.99..E+125. */
    public static final int MAX_EXPONENT = 125;
    /** The exponent of the smallest non-zero magnitude: 1E-130. */
    public static final int MIN_EXPONENT = -130;

    public static final DynamoNumber ZERO = new DynamoNumber(BigDecimal.ZERO);

    static final String NOT_A_NUMBER = "The parameter cannot be converted to a numeric value";
    static final String OVERFLOW =
            "Number overflow. Attempting to store a number with magnitude larger than supported range";
    static final String UNDERFLOW =
            "Number underflow. Attempting to store a number with magnitude smaller than supported range";
    static final String TOO_PRECISE = "Attempting to store more than 38 significant digits in a Number";

    private final BigDecimal value;
    private String text;

    private DynamoNumber(BigDecimal normalized) {
        this.value = normalized;
    }

    /**
     * Parses a number as a client sends it, applying DynamoDB's checks and messages (see NUMBERS.md): the syntax
     * of Java's BigDecimal restricted to ASCII ({@code +3}, {@code .5}, {@code 5.}, {@code 1e+5}, {@code 0001.2}
     * are numbers; {@code NaN}, {@code Infinity}, hex and any whitespace are not), then overflow, underflow and
     * the 38-digit rule on the value with leading and trailing zeros trimmed.
     *
     * @throws BasaltException a ValidationException when the text is not a number or out of range
     */
    public static DynamoNumber parse(String text) {
        return parse(text, ValueLayer.CURRENT);
    }

    /**
     * Parses a number as {@link #parse(String)} does, with the messages of the given value layer.
     *
     * @throws BasaltException a ValidationException when the text is not a number or out of range
     */
    public static DynamoNumber parse(String text, ValueLayer layer) {
        requireNonNull(text, "text is null");
        requireNonNull(layer, "layer is null");
        return NumberText.parse(text, layer);
    }

    /**
     * Wraps a decimal, applying DynamoDB's range and precision checks.
     *
     * @throws BasaltException a ValidationException when out of range or too precise
     */
    public static DynamoNumber of(BigDecimal decimal) {
        requireNonNull(decimal, "decimal is null");
        if (decimal.signum() == 0) {
            return ZERO;
        }
        BigDecimal normalized = decimal.stripTrailingZeros();
        checkMagnitude(exponentOf(normalized));
        if (normalized.precision() > MAX_PRECISION) {
            throw BasaltException.validation(TOO_PRECISE);
        }
        return new DynamoNumber(normalized);
    }

    public static DynamoNumber of(long value) {
        return value == 0 ? ZERO : new DynamoNumber(BigDecimal.valueOf(value).stripTrailingZeros());
    }

    /** Wraps a value already known to be normalised and in range (the parser's and decoders' fast path). */
    static DynamoNumber ofValid(BigDecimal normalized) {
        return normalized.signum() == 0 ? ZERO : new DynamoNumber(normalized);
    }

    static void checkMagnitude(long exponent) {
        if (exponent > MAX_EXPONENT) {
            throw BasaltException.validation(OVERFLOW);
        }
        if (exponent < MIN_EXPONENT) {
            throw BasaltException.validation(UNDERFLOW);
        }
    }

    /**
     * The result of UpdateExpression arithmetic. The sum is computed exactly (operands are bounded, so it has at
     * most ~257 digits); a result that needs more than 38 digits is refused with the overflow message, because
     * that is the message DynamoDB returns for {@code 1e50 + 1} (ScyllaDB Alternator, test_number.py,
     * test_update_expression_plus_imprecise, which notes the message is surprising).
     */
    private static DynamoNumber arithmeticResult(BigDecimal exact) {
        if (exact.signum() == 0) {
            return ZERO;
        }
        BigDecimal normalized = exact.stripTrailingZeros();
        checkMagnitude(exponentOf(normalized));
        if (normalized.precision() > MAX_PRECISION) {
            throw BasaltException.validation(OVERFLOW);
        }
        return new DynamoNumber(normalized);
    }

    /** The power of ten of the most significant digit (1.5 has 0, 150 has 2, 0.015 has -2). */
    static int exponentOf(BigDecimal nonZero) {
        return nonZero.precision() - nonZero.scale() - 1;
    }

    public BigDecimal bigDecimalValue() {
        return value;
    }

    public int signum() {
        return value.signum();
    }

    /** The power of ten of the most significant digit; 0 for zero. */
    public int exponent() {
        return value.signum() == 0 ? 0 : exponentOf(value);
    }

    /** How many significant digits the number has (1 for zero): the length of {@link #significantDigits()}. */
    public int precision() {
        return value.precision();
    }

    /** The significant digits, without sign, leading or trailing zeros ({@code "0"} for zero). */
    public String significantDigits() {
        return value.unscaledValue().abs().toString();
    }

    /** Exact addition. @throws BasaltException a ValidationException on overflow, underflow or lost precision */
    public DynamoNumber add(DynamoNumber other) {
        return arithmeticResult(value.add(other.value));
    }

    /** Exact subtraction. @throws BasaltException a ValidationException on overflow, underflow or lost precision */
    public DynamoNumber subtract(DynamoNumber other) {
        return arithmeticResult(value.subtract(other.value));
    }

    @Override
    public int compareTo(DynamoNumber other) {
        return value.compareTo(other.value);
    }

    @Override
    public boolean equals(Object other) {
        return this == other || (other instanceof DynamoNumber that && value.equals(that.value));
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    /** The canonical text: plain notation, no exponent, no trailing zeros. */
    @Override
    public String toString() {
        String t = text;
        if (t == null) {
            t = value.toPlainString();
            text = t;
        }
        return t;
    }
}
