package io.basalt.model;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * The parser behind {@link DynamoNumber#parse}. It scans the text once and never builds a decimal with more than
 * 38 digits, so a megabyte of digits costs a linear scan, not a quadratic BigInteger conversion.
 *
 * <p>The accepted syntax is Java's {@code BigDecimal(String)} limited to ASCII digits: an optional sign, digits with
 * at most one point and at least one digit, an optional {@code e}/{@code E} exponent with optional sign and at
 * least one digit. Real DynamoDB accepts {@code +3}, {@code .123}, {@code 0001.23}, {@code 1e+5} and rejects
 * {@code NaN}, {@code Infinity}, {@code " 1"} and {@code "1 "} (ScyllaDB Alternator, test_number.py,
 * test_invalid_numbers; dynoxide issue #108 for {@code +}).
 *
 * <p>The exponent is read in full (up to a long) and the magnitude range-checked, so {@code 1e99999999999} is an
 * overflow and {@code 1e-99999999999} an underflow; only an exponent past a long cannot be converted. Zero is
 * range-checked by the exponent it is written with: {@code 0e126} overflows, {@code 0e125} is zero. The older
 * value layer reads the exponent as BigDecimal does instead: past an int it cannot be converted, and a magnitude
 * past an int wraps (live captures of 2026, docs/design/error-texts.md).
 */
final class NumberText {
    private NumberText() {
    }

    static DynamoNumber parse(String text, ValueLayer layer) {
        int length = text.length();
        if (length == 0) {
            // The current layer keeps the ": " with nothing after it for an empty number; the older layer
            // (BatchWriteItem, Scan, transactions) has no colon (docs/design/error-texts.md).
            throw BasaltException.validation(layer == ValueLayer.CURRENT ? DynamoNumber.NOT_A_NUMBER + ": "
                    : DynamoNumber.NOT_A_NUMBER);
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
            exponent = parseExponent(text, i + 1, layer);
        }
        int integerDigits = pointDigits < 0 ? digits : pointDigits;
        if (firstNonZero < 0) {
            // Zero as BigDecimal holds it: one digit at the written scale, so 0e126 is "too large".
            DynamoNumber.checkMagnitude(exponent - (digits - integerDigits));
            return DynamoNumber.ZERO;
        }
        // Power of ten of the most significant digit. The exponent is at most a long divided by ten, so adding a
        // digit count cannot overflow.
        long magnitude = exponent + integerDigits - 1 - firstNonZero;
        if (layer == ValueLayer.OLDER && magnitude + 1 != (int) (magnitude + 1)) {
            // BigDecimal's int arithmetic wraps: 1e2147483647 comes out as an underflow in the older layer.
            magnitude = (long) (int) (magnitude + 1) - 1;
        }
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

    private static long parseExponent(String text, int start, ValueLayer layer) {
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
            // Past a long, DynamoDB cannot convert the number at all; the older layer stops at an int, as BigDecimal
            // does. Saturating at a tenth of a long keeps the magnitude arithmetic above exact.
            long limit = layer == ValueLayer.OLDER ? (long) Integer.MAX_VALUE + 1 : Long.MAX_VALUE;
            if (value > (limit - (c - '0')) / 10) {
                throw notANumber(text);
            }
            value = value * 10 + (c - '0');
        }
        value = negative ? -value : value;
        if (layer == ValueLayer.OLDER && value > Integer.MAX_VALUE) {
            throw notANumber(text);
        }
        return Math.max(-Long.MAX_VALUE / 10, Math.min(Long.MAX_VALUE / 10, value));
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
