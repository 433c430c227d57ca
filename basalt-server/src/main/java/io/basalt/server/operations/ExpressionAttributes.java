package io.basalt.server.operations;

import io.basalt.model.AttributeValue;
import io.basalt.model.BasaltException;
import io.basalt.model.ValueLayer;
import io.basalt.server.json.AttributeValueJson;
import io.basalt.server.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request's ExpressionAttributeNames and ExpressionAttributeValues, read with DynamoDB's checks: non-empty maps,
 * keys of the form {@code #[0-9a-zA-Z_]+} and {@code :[0-9a-zA-Z_]+}, and valid attribute values.
 *
 * @param names null when the request has none; likewise {@code values}
 */
record ExpressionAttributes(Map<String, String> names, Map<String, AttributeValue> values) {
    static ExpressionAttributes read(JsonObject request, ValueLayer layer) {
        return new ExpressionAttributes(readNames(request), readValues(request, layer));
    }

    private static Map<String, String> readNames(JsonObject request) {
        JsonObject json = request.getStructure("ExpressionAttributeNames", "ExpressionAttributeNameMap");
        if (json == null) {
            return null;
        }
        if (json.size() == 0) {
            throw BasaltException.validation("ExpressionAttributeNames must not be empty");
        }
        Map<String, String> names = new LinkedHashMap<>();
        for (String key : json.names()) {
            if (!isPlaceholder(key, '#')) {
                throw BasaltException.validation("ExpressionAttributeNames contains invalid key: Syntax error; key: \""
                        + key + "\"");
            }
            String name = json.getString(key);
            if (name != null && name.isEmpty()) {
                // DynamoDB's text, as quoted by applications that match on it (e.g. a web app's error handler
                // checking "ExpressionAttributeNames contains invalid value: Empty attribute name for key #DE").
                throw BasaltException.validation("ExpressionAttributeNames contains invalid value: Empty attribute name"
                        + " for key " + key);
            }
            if (name != null) {
                // A substituted name is an attribute name: the 65,535-byte limit applies (ExtendDB issue #365,
                // measured: UpdateItem "SET #n = :v" with a 65,536-byte #n).
                AttributeValueJson.checkNameSize(name);
                names.put(key, name);
            }
        }
        return names;
    }

    /**
     * The values, checked by {@code layer}: the current layer reports a malformed value as it would anywhere else
     * (inside the envelope for PutItem, UpdateItem and DeleteItem); the older layer wraps it, {@code
     * ExpressionAttributeValues contains invalid value: <message> for key <key>} (live captures of October 2026 in
     * four regions, docs/design/error-texts.md).
     */
    private static Map<String, AttributeValue> readValues(JsonObject request, ValueLayer layer) {
        JsonObject json = request.getAttributeMap("ExpressionAttributeValues");
        if (json == null) {
            return null;
        }
        if (json.size() == 0) {
            throw BasaltException.validation("ExpressionAttributeValues must not be empty");
        }
        Map<String, AttributeValue> values = new LinkedHashMap<>();
        for (String key : json.names()) {
            if (!isPlaceholder(key, ':')) {
                throw BasaltException.validation("ExpressionAttributeValues contains invalid key: Syntax error; "
                        + "key: \"" + key + "\"");
            }
            if (layer == ValueLayer.CURRENT) {
                values.put(key, AttributeValueJson.read(json.get(key), layer));
                continue;
            }
            try {
                values.put(key, AttributeValueJson.read(json.get(key), layer));
            } catch (BasaltException e) {
                if (e.code() != io.basalt.model.ErrorCode.VALIDATION) {
                    throw e;
                }
                throw BasaltException.validation("ExpressionAttributeValues contains invalid value: "
                        + e.getMessage() + " for key " + key);
            }
        }
        return values;
    }

    /** {@code #name} or {@code :value}: the marker followed by one or more of {@code [0-9a-zA-Z_]}. */
    private static boolean isPlaceholder(String key, char marker) {
        if (key.length() < 2 || key.charAt(0) != marker) {
            return false;
        }
        for (int i = 1; i < key.length(); i++) {
            char c = key.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')) {
                return false;
            }
        }
        return true;
    }
}
