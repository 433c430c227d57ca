package io.basalt.model;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * A DynamoDB number: up to 38 significant digits, magnitude between 1E-130 and
 * 9.9999999999999999999999999999999999999E+125, or zero.
 *
 * <p>Values are kept normalised (trailing zeros stripped), so equality is numeric equality and {@link #toString()}
 * is the canonical text DynamoDB returns ({@code 1.50} becomes {@code 1.5}, {@code 1E2} becomes {@code 100},
 * {@code -0} becomes {@code 0}).
 */
public final class DynamoNumber implements Comparable<DynamoNumber> {
    public static final int MAX_PRECISION = 38;
    /** The exponent (power of ten of the most significant digit) of the largest magnitude: 9.99..E+125. */
    public static final int MAX_EXPONENT = 125;
    /** The exponent of the smallest non-zero magnitude: 1E-130. */
    public static final int MIN_EXPONENT = -130;

    public static final DynamoNumber ZERO = new DynamoNumber(BigDecimal.ZERO);

    private static final MathContext ARITHMETIC = new MathContext(MAX_PRECISION + 2, RoundingMode.HALF_EVEN);
    private static final int MAX_TEXT_LENGTH = 1024;

    private final BigDecimal value;
    private String text;

    private DynamoNumber(BigDecimal normalized) {
        this.value = normalized;
    }

    /**
     * Parses a number as a client sends it, applying DynamoDB's checks and messages.
     *
     * @throws BasaltException a ValidationException when the text is not a number or out of range
     */
    public static DynamoNumber parse(String text) {
        requireNonNull(text, "text is null");
        BigDecimal parsed = parseDecimal(text);
        if (parsed == null) {
            throw BasaltException.validation("The parameter cannot be converted to a numeric value: " + text);
        }
        return of(parsed);
    }

    /**
     * Wraps a decimal, applying DynamoDB's range and precision checks.
     *
     * @throws BasaltException a ValidationException when out of range or too precise
     */
    public static DynamoNumber of(BigDecimal decimal) {
        if (decimal.signum() == 0) {
            return ZERO;
        }
        BigDecimal normalized = decimal.stripTrailingZeros();
        int exponent = exponentOf(normalized);
        if (exponent > MAX_EXPONENT) {
            throw BasaltException.validation(
                    "Number overflow. Attempting to store a number with magnitude larger than supported range");
        }
        if (exponent < MIN_EXPONENT) {
            throw BasaltException.validation(
                    "Number underflow. Attempting to store a number with magnitude smaller than supported range");
        }
        if (normalized.precision() > MAX_PRECISION) {
            throw BasaltException.validation("Attempting to store more than 38 significant digits in a Number");
        }
        return new DynamoNumber(normalized);
    }

    public static DynamoNumber of(long value) {
        return value == 0 ? ZERO : new DynamoNumber(BigDecimal.valueOf(value).stripTrailingZeros());
    }

    private static BigDecimal parseDecimal(String text) {
        int length = text.length();
        if (length == 0 || length > MAX_TEXT_LENGTH) {
            return null;
        }
        // BigDecimal accepts a few forms DynamoDB does not (none known so far) and rejects whitespace, as
        // DynamoDB does; the exponent itself must fit an int.
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
                return null;
            }
        }
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    /** The power of ten of the most significant digit (1.5 has 0, 150 has 2, 0.015 has -2). */
    private static int exponentOf(BigDecimal nonZero) {
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

    /** The significant digits, without sign, leading or trailing zeros ({@code "0"} for zero). */
    public String significantDigits() {
        return value.unscaledValue().abs().toString();
    }

    /** @throws BasaltException a ValidationException on overflow, underflow or lost precision */
    public DynamoNumber add(DynamoNumber other) {
        return of(value.add(other.value, ARITHMETIC));
    }

    /** @throws BasaltException a ValidationException on overflow, underflow or lost precision */
    public DynamoNumber subtract(DynamoNumber other) {
        return of(value.subtract(other.value, ARITHMETIC));
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
