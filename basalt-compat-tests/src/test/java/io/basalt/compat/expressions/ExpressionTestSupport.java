package io.basalt.compat.expressions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.basalt.compat.CompatTestSupport;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/** Value builders and request helpers shared by the expression compatibility tests. */
abstract class ExpressionTestSupport extends CompatTestSupport {
    static final String CONDITION_FAILED = "The conditional request failed";
    static final String ENVELOPE = "1 validation error detected: ";

    static AttributeValue str(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue num(String value) {
        return AttributeValue.fromN(value);
    }

    static AttributeValue bin(int... bytes) {
        byte[] raw = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            raw[i] = (byte) bytes[i];
        }
        return AttributeValue.fromB(SdkBytes.fromByteArray(raw));
    }

    static AttributeValue bool(boolean value) {
        return AttributeValue.fromBool(value);
    }

    static AttributeValue nul() {
        return AttributeValue.fromNul(true);
    }

    static AttributeValue ss(String... values) {
        return AttributeValue.fromSs(Arrays.asList(values));
    }

    static AttributeValue ns(String... values) {
        return AttributeValue.fromNs(Arrays.asList(values));
    }

    static AttributeValue bs(String... utf8) {
        return AttributeValue.fromBs(Arrays.stream(utf8).map(SdkBytes::fromUtf8String).toList());
    }

    static AttributeValue list(AttributeValue... values) {
        return AttributeValue.fromL(List.of(values));
    }

    static AttributeValue map(Object... namesAndValues) {
        return AttributeValue.fromM(item(namesAndValues));
    }

    /** A names map: {@code "#a", "a", "#b", "b"}. */
    static Map<String, String> names(String... pairs) {
        Map<String, String> names = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            names.put(pairs[i], pairs[i + 1]);
        }
        return names;
    }

    /** A values map from {@code ":v", value} pairs; null when empty so that the parameter is omitted. */
    static Map<String, AttributeValue> values(Object... pairs) {
        if (pairs.length == 0) {
            return null;
        }
        Map<String, AttributeValue> values = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            values.put((String) pairs[i], (AttributeValue) pairs[i + 1]);
        }
        return values;
    }

    /** Names used by an expression: every {@code #word} in it maps to {@code word}; null when none. */
    static Map<String, String> namesIn(String expression) {
        Map<String, String> names = new LinkedHashMap<>();
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("#([A-Za-z0-9_]+)").matcher(expression);
        while (matcher.find()) {
            names.put("#" + matcher.group(1), matcher.group(1));
        }
        return names.isEmpty() ? null : names;
    }

    void put(String table, Map<String, AttributeValue> item) {
        client.putItem(b -> b.tableName(table).item(item));
    }

    Map<String, AttributeValue> get(String table, String pk) {
        var response = client.getItem(b -> b.tableName(table).key(item("pk", str(pk))).consistentRead(true));
        return response.hasItem() ? response.item() : null;
    }

    /**
     * Re-puts {@code stored} under {@code condition}; true when the condition held, false on
     * ConditionalCheckFailedException (with DynamoDB's exact message).
     */
    boolean conditionHolds(String table, Map<String, AttributeValue> stored, String condition,
            Map<String, AttributeValue> values) {
        ConditionalCheckFailedException failure = catchThrowableOfType(ConditionalCheckFailedException.class,
                () -> client.putItem(b -> b.tableName(table).item(stored).conditionExpression(condition)
                        .expressionAttributeNames(namesIn(condition)).expressionAttributeValues(values)));
        if (failure == null) {
            return true;
        }
        assertThat(failure.awsErrorDetails().errorMessage()).isEqualTo(CONDITION_FAILED);
        assertThat(failure.awsErrorDetails().errorCode()).isEqualTo("ConditionalCheckFailedException");
        return false;
    }

    /** Values for every {@code :name} in the text, all numbers. */
    static Map<String, AttributeValue> numbersFor(String expression) {
        Map<String, AttributeValue> values = new java.util.HashMap<>();
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile(":[A-Za-z0-9_]+").matcher(expression);
        while (matcher.find()) {
            values.put(matcher.group(), num("1"));
        }
        return values.isEmpty() ? null : values;
    }
}
