package io.basalt.server.operations;

import io.basalt.model.AttributeType;
import io.basalt.model.BasaltException;
import io.basalt.model.KeyAttribute;
import io.basalt.server.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code AttributeDefinitions} and {@code KeySchema} members that CreateTable and UpdateTable share, parsed with
 * their constraint violations collected into a {@link ValidationErrors}.
 */
final class SchemaRequests {
    static final List<String> KEY_TYPES = List.of("HASH", "RANGE");
    private static final List<String> ATTRIBUTE_TYPES = List.of("B", "N", "S");

    private SchemaRequests() {
    }

    /**
     * The attribute definitions, name to type descriptor, in request order; null when the member is absent.
     *
     * @param required whether an absent member is a violation (CreateTable) or simply absent (UpdateTable)
     */
    static Map<String, String> attributeDefinitions(JsonObject request, boolean required, ValidationErrors errors) {
        List<JsonObject> list = request.getStructureList("AttributeDefinitions", "AttributeDefinition");
        if (list == null) {
            if (required) {
                errors.requireNonNull(null, "attributeDefinitions");
                return new LinkedHashMap<>();
            }
            return null;
        }
        Map<String, String> definitions = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            String path = "attributeDefinitions." + (i + 1) + ".member";
            JsonObject element = list.get(i);
            String name = element == null ? null : element.getString("AttributeName");
            String type = element == null ? null : element.getString("AttributeType");
            checkAttributeName(name, path + ".attributeName", errors);
            errors.requireNonNull(type, path + ".attributeType");
            errors.checkEnum(type, path + ".attributeType", ATTRIBUTE_TYPES);
            if (name != null && type != null) {
                if (definitions.containsKey(name)) {
                    throw BasaltException.validation("Attribute Name is duplicated: " + name);
                }
                definitions.put(name, type);
            }
        }
        return definitions;
    }

    /**
     * A key schema list at {@code path}; null when absent (the caller reports a missing required one).
     *
     * @param checkKeyTypes whether KeyType is checked against its enum (DynamoDB checks it for the table's key
     *     schema, not for index key schemas, whose wrong types surface as the semantic messages)
     * @param maxLength the most elements allowed, or 0 for no limit (multi-attribute global index keys)
     */
    static List<KeyElement> keySchema(List<JsonObject> list, String path, boolean checkKeyTypes, int maxLength,
            ValidationErrors errors) {
        if (list == null) {
            return null;
        }
        List<KeyElement> elements = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String elementPath = path + "." + (i + 1) + ".member";
            JsonObject element = list.get(i);
            String name = element == null ? null : element.getString("AttributeName");
            String keyType = element == null ? null : element.getString("KeyType");
            checkAttributeName(name, elementPath + ".attributeName", errors);
            errors.requireNonNull(keyType, elementPath + ".keyType");
            if (checkKeyTypes) {
                errors.checkEnum(keyType, elementPath + ".keyType", KEY_TYPES);
            }
            elements.add(new KeyElement(name, keyType));
        }
        if (elements.isEmpty()) {
            errors.add(elements, path, "Member must have length greater than or equal to 1");
        } else if (maxLength > 0 && elements.size() > maxLength) {
            errors.add(elements, path, "Member must have length less than or equal to " + maxLength);
        }
        return elements;
    }

    private static void checkAttributeName(String name, String path, ValidationErrors errors) {
        if (name == null) {
            errors.requireNonNull(null, path);
        } else if (name.isEmpty()) {
            errors.add(name, path, "Member must have length greater than or equal to 1");
        } else if (name.length() > 255) {
            errors.add(name, path, "Member must have length less than or equal to 255");
        }
    }

    /** {@code One or more parameter values were invalid: Some index key attributes are not defined ...}. */
    static void checkDefined(List<KeyElement> keys, Map<String, String> definitions) {
        for (KeyElement key : keys) {
            if (!definitions.containsKey(key.name())) {
                throw BasaltException.validation("One or more parameter values were invalid: Some index key "
                        + "attributes are not defined in AttributeDefinitions. Keys: " + names(keys)
                        + ", AttributeDefinitions: " + new ArrayList<>(definitions.keySet()));
            }
        }
    }

    static List<String> names(List<KeyElement> elements) {
        List<String> names = new ArrayList<>(elements.size());
        for (KeyElement element : elements) {
            names.add(element.name());
        }
        return names;
    }

    static KeyAttribute keyAttribute(String name, Map<String, String> definitions) {
        return new KeyAttribute(name, AttributeType.fromDescriptor(definitions.get(name)));
    }
}
