package io.basalt.server.json;

import static java.util.Objects.requireNonNull;

import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed JSON object of a request, with typed accessors that fail the way DynamoDB's service framework does
 * when a member has the wrong JSON type (a SerializationException). Absent members and JSON nulls read as null.
 *
 * <p>Values are: {@link JsonObject}, {@code List<Object>}, {@link String}, {@link JsonNumber}, {@link Boolean},
 * or null.
 */
public final class JsonObject {
    private final Map<String, Object> members;

    JsonObject(Map<String, Object> members) {
        this.members = requireNonNull(members, "members is null");
    }

    public boolean has(String name) {
        return members.get(name) != null;
    }

    public Set<String> names() {
        return members.keySet();
    }

    public Map<String, Object> members() {
        return members;
    }

    public int size() {
        return members.size();
    }

    public Object get(String name) {
        return members.get(name);
    }

    public String getString(String name) {
        Object value = members.get(name);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw typeMismatch(value, "String");
    }

    public Boolean getBoolean(String name) {
        Object value = members.get(name);
        if (value == null || value instanceof Boolean) {
            return (Boolean) value;
        }
        throw typeMismatch(value, "Boolean");
    }

    /** An integer member; DynamoDB's framework rejects fractions and out-of-range values. */
    public Long getLong(String name) {
        Object value = members.get(name);
        if (value == null) {
            return null;
        }
        if (value instanceof JsonNumber number) {
            return number.longValue();
        }
        throw typeMismatch(value, "Long");
    }

    public JsonObject getObject(String name) {
        Object value = members.get(name);
        if (value == null || value instanceof JsonObject) {
            return (JsonObject) value;
        }
        throw startOf(value, "structure or map");
    }

    @SuppressWarnings("unchecked")
    public List<Object> getList(String name) {
        Object value = members.get(name);
        if (value == null || value instanceof List) {
            return (List<Object>) value;
        }
        throw startOf(value, "list");
    }

    /** A list member whose elements must all be objects. */
    public List<JsonObject> getObjectList(String name) {
        List<Object> list = getList(name);
        if (list == null) {
            return null;
        }
        for (Object element : list) {
            if (element != null && !(element instanceof JsonObject)) {
                throw startOf(element, "structure or map");
            }
        }
        @SuppressWarnings("unchecked")
        List<JsonObject> objects = (List<JsonObject>) (List<?>) list;
        return objects;
    }

    /** The JSON type name DynamoDB's framework uses in its messages. */
    static String jsonTypeName(Object value) {
        if (value instanceof String) {
            return "STRING_VALUE";
        }
        if (value instanceof JsonNumber number) {
            return number.isIntegral() ? "NUMBER_VALUE" : "DECIMAL_VALUE";
        }
        if (value instanceof Boolean bool) {
            return bool ? "TRUE_VALUE" : "FALSE_VALUE";
        }
        if (value instanceof JsonObject) {
            return "START_OBJECT";
        }
        if (value instanceof List) {
            return "START_ARRAY";
        }
        return "VALUE_NULL";
    }

    static BasaltException typeMismatch(Object value, String javaType) {
        if (value instanceof JsonObject) {
            return serialization("Start of structure or map found where not expected.");
        }
        if (value instanceof List) {
            return serialization("Start of list found where not expected");
        }
        return serialization(jsonTypeName(value) + " cannot be converted to " + javaType);
    }

    static BasaltException startOf(Object value, String expected) {
        if (value instanceof JsonObject) {
            return serialization("Start of structure or map found where not expected.");
        }
        if (value instanceof List) {
            return serialization("Start of list found where not expected");
        }
        return serialization("Unexpected field type");
    }

    public static BasaltException serialization(String message) {
        return new BasaltException(ErrorCode.SERIALIZATION, message);
    }
}
