package io.basalt.server.operations;

import io.basalt.server.json.JsonNumber;
import io.basalt.server.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What identifies a TransactWriteItems request's content for its ClientRequestToken: a SHA-256 over a canonical
 * form of {@code TransactItems}, {@code ReturnConsumedCapacity} and {@code ReturnItemCollectionMetrics}, so that a
 * retry of the same request matches and any other request does not.
 *
 * <p>The canonical form sorts every object's members, because DynamoDB does not care about their order (a retry
 * whose JSON lists members in another order is the same request: localstack/localstack#6529, "verified against
 * AWS"). List order is kept: it is the order of the actions, of list elements, of set elements. The two response
 * parameters count as part of the request: "If you submit a request with the same client token but a change in
 * other parameters within the 10-minute idempotency window, DynamoDB returns an IdempotentParameterMismatch
 * exception" (API reference, TransactWriteItems, ClientRequestToken). An absent one is taken as its default,
 * {@code NONE}, since both ask for the same response.
 */
final class TransactionFingerprint {
    private TransactionFingerprint() {
    }

    static String of(List<Object> transactItems, String returnConsumedCapacity, String returnItemCollectionMetrics) {
        StringBuilder canonical = new StringBuilder();
        append(canonical, transactItems);
        append(canonical, returnConsumedCapacity == null ? "NONE" : returnConsumedCapacity);
        append(canonical, returnItemCollectionMetrics == null ? "NONE" : returnItemCollectionMetrics);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM provides SHA-256", e);
        }
    }

    /** One value in a form where each kind of value is tagged and every string is length-prefixed. */
    private static void append(StringBuilder out, Object value) {
        if (value == null) {
            out.append('z');
        } else if (value instanceof JsonObject object) {
            List<String> names = new ArrayList<>(object.names());
            names.sort(null);
            out.append('{');
            for (String name : names) {
                if (object.get(name) != null) {
                    appendString(out, name);
                    append(out, object.get(name));
                }
            }
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (Object element : list) {
                append(out, element);
            }
            out.append(']');
        } else if (value instanceof JsonNumber number) {
            out.append('n');
            appendString(out, number.text());
        } else if (value instanceof Boolean bool) {
            out.append(bool ? 't' : 'f');
        } else {
            out.append('s');
            appendString(out, value.toString());
        }
    }

    private static void appendString(StringBuilder out, String text) {
        out.append(text.length()).append(':').append(text);
    }
}
