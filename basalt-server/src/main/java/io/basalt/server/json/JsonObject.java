package io.basalt.server.json;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
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
    /** The package of DynamoDB's model classes, which its framework names in some messages. */
    static final String MODEL_PACKAGE = "com.amazonaws.dynamodb.v20120810.";
    static final String START_OF_STRUCTURE = "Start of structure or map found where not expected";
    static final String UNEXPECTED_FIELD_TYPE = "Unexpected field type";

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

    /** A Long member (e.g. capacity units); DynamoDB's framework rejects fractions and out-of-range values. */
    public Long getLong(String name) {
        return number(name, "Long");
    }

    /** An Integer member (e.g. ListTables' Limit): same checks, but the framework names the type Integer. */
    public Long getInteger(String name) {
        return number(name, "Integer");
    }

    private Long number(String name, String javaType) {
        Object value = members.get(name);
        if (value == null) {
            return null;
        }
        if (value instanceof JsonNumber number) {
            return number.longValue();
        }
        throw typeMismatch(value, javaType);
    }

    /**
     * A structure member such as {@code ProvisionedThroughput}; {@code shape} is DynamoDB's model class name, which
     * its framework prints when the member is a list.
     */
    public JsonObject getStructure(String name, String shape) {
        Object value = members.get(name);
        if (value == null || value instanceof JsonObject) {
            return (JsonObject) value;
        }
        if (value instanceof List) {
            throw serialization("Unrecognized collection type class " + MODEL_PACKAGE + shape);
        }
        throw serialization(UNEXPECTED_FIELD_TYPE);
    }

    /** A map of attribute values ({@code Item}, {@code Key}). */
    public JsonObject getAttributeMap(String name) {
        Object value = members.get(name);
        if (value == null || value instanceof JsonObject) {
            return (JsonObject) value;
        }
        throw notAnAttributeMap(value);
    }

    /** What the framework says when a map of attribute values is given something else. */
    public static BasaltException notAnAttributeMap(Object value) {
        if (value instanceof List) {
            return serialization("Unrecognized collection type java.util.Map<java.lang.String, " + MODEL_PACKAGE
                    + "AttributeValue>");
        }
        return serialization(UNEXPECTED_FIELD_TYPE);
    }

    @SuppressWarnings("unchecked")
    public List<Object> getList(String name) {
        Object value = members.get(name);
        if (value == null || value instanceof List) {
            return (List<Object>) value;
        }
        throw notAList(value);
    }

    /** What the framework says when a list member is given something else. */
    public static BasaltException notAList(Object value) {
        if (value instanceof JsonObject) {
            return serialization(START_OF_STRUCTURE);
        }
        return serialization(UNEXPECTED_FIELD_TYPE);
    }

    /**
     * A list member whose elements must all be structures of model class {@code shape}; as list elements they are
     * "values" to the framework, hence its different wording from {@link #getStructure}.
     */
    public List<JsonObject> getStructureList(String name, String shape) {
        List<Object> list = getList(name);
        if (list == null) {
            return null;
        }
        return structures(list, element -> notAStructureValue(element, shape));
    }

    /** A list member whose elements are maps of attribute values ({@code Keys} of BatchGetItem). */
    public List<JsonObject> getAttributeMapList(String name) {
        List<Object> list = getList(name);
        if (list == null) {
            return null;
        }
        return structures(list, JsonObject::notAnAttributeMap);
    }

    /**
     * The elements of a list of structures. A JSON null element reads as an empty structure, as null reads as
     * "absent" everywhere else, so that it meets the same validation as {@code {}} rather than failing later.
     */
    private static List<JsonObject> structures(List<Object> list,
            java.util.function.Function<Object, BasaltException> wrongType) {
        List<JsonObject> objects = new java.util.ArrayList<>(list.size());
        for (Object element : list) {
            if (element == null) {
                objects.add(new JsonObject(new java.util.LinkedHashMap<>()));
            } else if (element instanceof JsonObject object) {
                objects.add(object);
            } else {
                throw wrongType.apply(element);
            }
        }
        return objects;
    }

    /** The object as compact JSON, as DynamoDB echoes a map member in some validation messages. */
    public String toCompactJson() {
        StringWriter text = new StringWriter();
        try (JsonGenerator out = new JsonFactory().createGenerator(text)) {
            writeValue(out, this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    /** Writes a parsed JSON value back out unchanged. */
    public static void writeValue(JsonGenerator out, Object value) throws IOException {
        if (value == null) {
            out.writeNull();
        } else if (value instanceof JsonObject object) {
            out.writeStartObject();
            for (Map.Entry<String, Object> member : object.members.entrySet()) {
                out.writeFieldName(member.getKey());
                writeValue(out, member.getValue());
            }
            out.writeEndObject();
        } else if (value instanceof List<?> list) {
            out.writeStartArray();
            for (Object element : list) {
                writeValue(out, element);
            }
            out.writeEndArray();
        } else if (value instanceof JsonNumber number) {
            out.writeNumber(number.text());
        } else if (value instanceof Boolean bool) {
            out.writeBoolean(bool);
        } else {
            out.writeString(value.toString());
        }
    }

    /** What the framework says when a structure inside a list or map is given something else. */
    public static BasaltException notAStructureValue(Object value, String shape) {
        if (value instanceof List) {
            return serialization("Unrecognized collection type class " + MODEL_PACKAGE + shape);
        }
        return serialization("Unexpected value type in payload");
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

    /** A scalar member ({@code java.lang.<javaType>}) given the wrong JSON type. */
    public static BasaltException typeMismatch(Object value, String javaType) {
        if (value instanceof JsonObject) {
            return serialization(START_OF_STRUCTURE);
        }
        if (value instanceof List) {
            return serialization("Unrecognized collection type class java.lang." + javaType);
        }
        if (value instanceof String && javaType.equals("Boolean")) {
            // The framework's Boolean reader does not name the token it got.
            return serialization("Unexpected token received from parser");
        }
        return serialization(jsonTypeName(value) + " cannot be converted to " + javaType);
    }

    public static BasaltException serialization(String message) {
        return new BasaltException(ErrorCode.SERIALIZATION, message);
    }
}
