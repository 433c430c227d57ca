package io.basalt.model;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * The parser behind {@link DynamoNumber#parse}. It scans the text once and never builds a decimal with more than
 * 38 digits, so a megabyte of digits costs a linear scan, not a quadratic BigInteger conversion.
 *
 * <p>The accepted syntax is Java's {@code BigDecimal(String)} limited to ASCII digits: an optional sign, digits with
 * at most one point and at least one digit, an optional {@code e}/{@code E} exponent with optional sign and at
 * least one digit, and an exponent that fits an int. Real DynamoDB accepts {@code +3}, {@code .123},
 * {@code 0001.23}, {@code 1e+5}, {@code 0e1000} and rejects {@code NaN}, {@code Infinity}, {@code " 1"} and
 * {@code "1 "} (ScyllaDB Alternator, test_number.py, test_invalid_numbers; dynoxide issue #108 for {@code +}).
 */
final class NumberText {
    private NumberText() {
    }

    static DynamoNumber parse(String text) {
        int length = text.length();
        if (length == 0) {
            // Current DynamoDB keeps the ": " with nothing after it for an empty number (live captures of 2026 in
            // docs/design/wire-reference.md §1.6); the bare message dynalite recorded is the older wording, which
            // only BatchWriteItem, Scan and transactions still use.
            throw BasaltException.validation(DynamoNumber.NOT_A_NUMBER + ": ");
        }
        int i = 0;
        boolean negative = false;
        char c = text.charAt(0);
        if (c == '+' || c == '-') {
            negative = c == '-';
            i++;
        }
        int digits = 0;
        int pointDigits = -1;
        int firstNonZero = -1;
        int lastNonZero = -1;
        int mantissaStart = i;
        for (; i < length; i++) {
            c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                if (c != '0') {
                    if (firstNonZero < 0) {
                        firstNonZero = digits;
                    }
                    lastNonZero = digits;
                }
                digits++;
            } else if (c == '.' && pointDigits < 0) {
                pointDigits = digits;
            } else {
                break;
            }
        }
        if (digits == 0) {
            throw notANumber(text);
        }
        long exponent = 0;
        if (i < length) {
            c = text.charAt(i);
            if (c != 'e' && c != 'E') {
                throw notANumber(text);
            }
            exponent = parseExponent(text, i + 1);
        }
        if (firstNonZero < 0) {
            return DynamoNumber.ZERO;
        }
        int integerDigits = pointDigits < 0 ? digits : pointDigits;
        // Power of ten of the most significant digit; long arithmetic cannot overflow with an int exponent.
        long magnitude = exponent + integerDigits - 1 - firstNonZero;
        DynamoNumber.checkMagnitude(magnitude);
        int significant = lastNonZero - firstNonZero + 1;
        if (significant > DynamoNumber.MAX_PRECISION) {
            throw BasaltException.validation(DynamoNumber.TOO_PRECISE);
        }
        String significantDigits = collectDigits(text, mantissaStart, firstNonZero, significant);
        int scale = (int) (significant - 1 - magnitude);
        BigInteger unscaled = significant <= 18
                ? BigInteger.valueOf(Long.parseLong(significantDigits))
                : new BigInteger(significantDigits);
        return DynamoNumber.ofValid(new BigDecimal(negative ? unscaled.negate() : unscaled, scale));
    }

    private static long parseExponent(String text, int start) {
        int length = text.length();
        int i = start;
        boolean negative = false;
        if (i < length && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
            negative = text.charAt(i) == '-';
            i++;
        }
        if (i == length) {
            throw notANumber(text);
        }
        long value = 0;
        for (; i < length; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw notANumber(text);
            }
            value = value * 10 + (c - '0');
            // BigDecimal refuses exponents outside the int range; so does this parser (an unsettled corner).
            if (value > (long) Integer.MAX_VALUE + 1) {
                throw notANumber(text);
            }
        }
        value = negative ? -value : value;
        if (value > Integer.MAX_VALUE) {
            throw notANumber(text);
        }
        return value;
    }

    /** The {@code count} digits starting at digit index {@code from} of the mantissa, skipping the point. */
    private static String collectDigits(String text, int mantissaStart, int from, int count) {
        StringBuilder out = new StringBuilder(count);
        int digitIndex = 0;
        for (int i = mantissaStart; out.length() < count; i++) {
            char c = text.charAt(i);
            if (c == '.') {
                continue;
            }
            if (digitIndex >= from) {
                out.append(c);
            }
            digitIndex++;
        }
        return out.toString();
    }

    private static BasaltException notANumber(String text) {
        return BasaltException.validation(DynamoNumber.NOT_A_NUMBER + ": " + text);
    }
}
