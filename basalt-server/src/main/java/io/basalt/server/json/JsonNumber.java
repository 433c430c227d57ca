package io.basalt.server.json;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;

/** A JSON number as it appeared in the request text, converted only on demand. */
public record JsonNumber(String text) {
    public JsonNumber {
        requireNonNull(text, "text is null");
    }

    public boolean isIntegral() {
        return text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0;
    }

    /** The value as a long, failing as DynamoDB's framework does for fractions and overflow. */
    public long longValue() {
        try {
            return new BigDecimal(text).longValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            throw JsonObject.serialization((isIntegral() ? "NUMBER_VALUE" : "DECIMAL_VALUE")
                    + " cannot be converted to Long");
        }
    }
}
