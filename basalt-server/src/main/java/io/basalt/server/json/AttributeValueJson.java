package io.basalt.server.json;

import com.fasterxml.jackson.core.JsonGenerator;
import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.AttributeValues;
import io.basalt.model.BasaltException;
import io.basalt.model.Bytes;
import io.basalt.model.DynamoNumber;
import io.basalt.model.Item;
import io.basalt.model.Limits;
import io.basalt.model.ValueLayer;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * DynamoDB's JSON form of attribute values ({@code {"S": "x"}}, {@code {"N": "1"}}, ...), read with the checks
 * DynamoDB applies to every value it receives: exactly one type, valid numbers, no empty or duplicate sets,
 * {@code NULL} only true, bounded nesting, attribute names of 1 to 65,535 bytes. Some refusals are worded by the
 * {@link ValueLayer} the operation runs.
 */
public final class AttributeValueJson {
    /** DynamoDB's refusal of a value nested past 32 levels (wire-reference.md §2.1). */
    public static final String NESTING_MESSAGE = "Nesting Levels have exceeded supported limits: Attributes in the "
            + "item have nested levels beyond supported limit";

    private static final String BASE64_ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    /** Sic: DynamoDB's framework spells it "dectected". */
    private static final String INVALID_LAST_CHARACTER = "Invalid last non-pad Base64 character dectected";

    private AttributeValueJson() {
    }

    /** Reads an item (a map of attribute names to values) with the current layer's messages. */
    public static Item readItem(JsonObject json) {
        return readItem(json, ValueLayer.CURRENT);
    }

    /** Reads an item (a map of attribute names to values). */
    public static Item readItem(JsonObject json, ValueLayer layer) {
        Map<String, AttributeValue> attributes = new LinkedHashMap<>(AttributeValues.capacityFor(json.size()));
        for (Map.Entry<String, Object> member : json.members().entrySet()) {
            checkAttributeName(member.getKey());
            try {
                attributes.put(member.getKey(), read(member.getValue(), 0, layer));
            } catch (BasaltException e) {
                // The top-level names come before any value: DynamoDB reports an empty name ahead of a value nested
                // too deeply, wherever each sits in the item (TransactWriteItems captures of October 2026). Looking
                // at the remaining names only on this error path keeps a valid item to one pass.
                for (String name : json.names()) {
                    checkAttributeName(name);
                }
                throw e;
            }
        }
        return new Item(attributes);
    }

    /** Reads one attribute value with the current layer's messages. */
    public static AttributeValue read(Object json) {
        return read(json, 0, ValueLayer.CURRENT);
    }

    /** Reads one attribute value. */
    public static AttributeValue read(Object json, ValueLayer layer) {
        return read(json, 0, layer);
    }

    /**
     * Refuses an attribute name DynamoDB refuses: an empty one (TransactWriteItems captures of 2026, where the text
     * is bare) and one of more than 65,535 UTF-8 bytes (ExtendDB issue #365, measured against DynamoDB in
     * September 2026; the message says "less than 65536"). The byte count is only computed for names long enough
     * to possibly exceed it, so ordinary names cost a length check.
     */
    public static void checkAttributeName(String name) {
        if (name.isEmpty()) {
            throw BasaltException.validation("Empty attribute name");
        }
        checkNameSize(name);
    }

    /**
     * The size limit applies to map keys at any depth too (ExtendDB issue #365, measured). An empty map key is
     * accepted: no capture shows DynamoDB refusing one, so Basalt keeps storing it.
     */
    public static void checkNameSize(String name) {
        if (name.length() > Limits.MAX_ATTRIBUTE_NAME_BYTES / 3
                && name.getBytes(StandardCharsets.UTF_8).length > Limits.MAX_ATTRIBUTE_NAME_BYTES) {
            throw BasaltException.validation("Attribute name is too large, must be less than "
                    + (Limits.MAX_ATTRIBUTE_NAME_BYTES + 1) + " bytes");
        }
    }

    private static AttributeValue read(Object json, int depth, ValueLayer layer) {
        if (!(json instanceof JsonObject value)) {
            throw json == null ? BasaltException.validation(
                    "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes")
                    : JsonObject.notAStructureValue(json, "AttributeValue");
        }
        AttributeValue result = null;
        int set = 0;
        for (Map.Entry<String, Object> member : value.members().entrySet()) {
            AttributeType type = AttributeType.fromDescriptor(member.getKey());
            if (member.getValue() != null && type != null) {
                // DynamoDB checks each type's payload, in the order sent, before it counts the types: in
                // {"S": "a", "N": "b"} the bad number is what it reports.
                set++;
                result = readTyped(type, member.getValue(), depth, layer);
            }
        }
        if (set == 0) {
            throw BasaltException.validation(
                    "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes");
        }
        if (set > 1) {
            throw BasaltException.validation(
                    "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the "
                            + "supported datatypes");
        }
        return result;
    }

    private static AttributeValue readTyped(AttributeType type, Object payload, int depth, ValueLayer layer) {
        switch (type) {
            case S:
                return new AttributeValue.StringValue(string(payload));
            case N:
                return new AttributeValue.NumberValue(DynamoNumber.parse(string(payload), layer));
            case B:
                return new AttributeValue.BinaryValue(binary(payload));
            case BOOL:
                return AttributeValue.BooleanValue.of(bool(payload));
            case NULL:
                if (!bool(payload)) {
                    throw BasaltException.validation(
                            "One or more parameter values were invalid: Null attribute value types must have the "
                                    + "value of true");
                }
                return AttributeValue.NullValue.INSTANCE;
            case L:
                return readList(payload, depth + 1, layer);
            case M:
                return readMap(payload, depth + 1, layer);
            case SS:
                return readStringSet(payload, layer);
            case NS:
                return readNumberSet(payload, layer);
            case BS:
                return readBinarySet(payload, layer);
            default:
                throw new AssertionError(type);
        }
    }

    private static AttributeValue readList(Object payload, int depth, ValueLayer layer) {
        checkDepth(depth);
        List<Object> elements = list(payload);
        List<AttributeValue> values = new ArrayList<>(elements.size());
        for (Object element : elements) {
            values.add(read(element, depth, layer));
        }
        return new AttributeValue.ListValue(values);
    }

    private static AttributeValue readMap(Object payload, int depth, ValueLayer layer) {
        checkDepth(depth);
        if (!(payload instanceof JsonObject object)) {
            throw JsonObject.notAnAttributeMap(payload);
        }
        Map<String, AttributeValue> values = new LinkedHashMap<>(AttributeValues.capacityFor(object.size()));
        for (Map.Entry<String, Object> member : object.members().entrySet()) {
            checkNameSize(member.getKey());
            values.put(member.getKey(), read(member.getValue(), depth, layer));
        }
        return new AttributeValue.MapValue(values);
    }

    /**
     * DynamoDB allows 32 levels counting the item itself and the top-level attribute: a top-level map or list is
     * depth 1 here (level 2), so containers may nest to depth 31.
     */
    private static void checkDepth(int depth) {
        if (depth > Limits.MAX_NESTING_DEPTH - 1) {
            throw BasaltException.validation(NESTING_MESSAGE);
        }
    }

    private static AttributeValue readStringSet(Object payload, ValueLayer layer) {
        List<Object> elements = list(payload);
        if (elements.isEmpty()) {
            throw emptySet("string");
        }
        List<String> values = new ArrayList<>(elements.size());
        for (Object element : elements) {
            values.add(string(element));
        }
        int duplicate = firstDuplicate(values);
        if (duplicate >= 0) {
            String collection = layer == ValueLayer.CURRENT
                    ? describeDuplicates(values, duplicate, ", ", String::compareTo, v -> v)
                    : "[" + String.join(", ", values) + "]";
            throw BasaltException.validation("One or more parameter values were invalid: Input collection "
                    + collection + " contains duplicates.");
        }
        return new AttributeValue.StringSetValue(values);
    }

    private static AttributeValue readNumberSet(Object payload, ValueLayer layer) {
        List<Object> elements = list(payload);
        if (elements.isEmpty()) {
            throw emptySet("number");
        }
        List<DynamoNumber> values = new ArrayList<>(elements.size());
        for (Object element : elements) {
            values.add(DynamoNumber.parse(string(element), layer));
        }
        if (firstDuplicate(values) >= 0) {
            // The older layer's text has neither the prefix nor the full stop.
            throw BasaltException.validation(layer == ValueLayer.CURRENT
                    ? "One or more parameter values were invalid: Input collection contains duplicates."
                    : "Input collection contains duplicates");
        }
        return new AttributeValue.NumberSetValue(values);
    }

    private static AttributeValue readBinarySet(Object payload, ValueLayer layer) {
        List<Object> elements = list(payload);
        if (elements.isEmpty()) {
            throw emptySet("binary");
        }
        List<Bytes> values = new ArrayList<>(elements.size());
        for (Object element : elements) {
            values.add(binary(element));
        }
        int duplicate = firstDuplicate(values);
        if (duplicate >= 0) {
            String collection = layer == ValueLayer.CURRENT
                    ? describeDuplicates(values, duplicate, ",", Bytes::compareTo, Bytes::toBase64)
                    : asSent(values);
            throw BasaltException.validation("One or more parameter values were invalid: Input collection "
                    + collection + "of type BS contains duplicates.");
        }
        return new AttributeValue.BinarySetValue(values);
    }

    /** The older layer prints a binary set's members as sent, in base64, unquoted. */
    private static String asSent(List<Bytes> values) {
        List<String> printed = new ArrayList<>(values.size());
        for (Bytes value : values) {
            printed.add(value.toBase64());
        }
        return "[" + String.join(", ", printed) + "]";
    }

    /** DynamoDB's texts, including the double space of the first two and the different third. */
    private static BasaltException emptySet(String kind) {
        if (kind.equals("binary")) {
            return BasaltException.validation(
                    "One or more parameter values were invalid: Binary sets should not be empty");
        }
        return BasaltException.validation("One or more parameter values were invalid: An " + kind
                + " set  may not be empty");
    }

    /** The index of the first element equal to an earlier one, or -1. */
    private static <T> int firstDuplicate(List<T> values) {
        Set<T> seen = new HashSet<>(AttributeValues.capacityFor(values.size()));
        for (int i = 0; i < values.size(); i++) {
            if (!seen.add(values.get(i))) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The collection as DynamoDB prints it in its duplicates message: the elements before the duplicate in sorted
     * order (DynamoDB collects them into a sorted set), then the duplicate, then the rest as sent, each quoted.
     */
    private static <T> String describeDuplicates(List<T> values, int duplicate, String separator,
            java.util.Comparator<T> order, java.util.function.Function<T, String> text) {
        java.util.TreeSet<T> before = new java.util.TreeSet<>(order);
        before.addAll(values.subList(0, duplicate));
        List<String> printed = new ArrayList<>(values.size());
        for (T value : before) {
            printed.add('"' + text.apply(value) + '"');
        }
        for (T value : values.subList(duplicate, values.size())) {
            printed.add('"' + text.apply(value) + '"');
        }
        return "[" + String.join(separator, printed) + "]";
    }

    private static String string(Object payload) {
        if (payload instanceof String text) {
            return text;
        }
        throw JsonObject.typeMismatch(payload, "String");
    }

    private static boolean bool(Object payload) {
        if (payload instanceof Boolean value) {
            return value;
        }
        throw JsonObject.typeMismatch(payload, "Boolean");
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object payload) {
        if (payload instanceof List) {
            return (List<Object>) payload;
        }
        throw JsonObject.notAList(payload);
    }

    private static Bytes binary(Object payload) {
        if (!(payload instanceof String text)) {
            if (payload instanceof JsonObject) {
                throw JsonObject.typeMismatch(payload, "String");
            }
            if (payload instanceof List) {
                throw JsonObject.serialization("Unrecognized collection type class java.nio.ByteBuffer");
            }
            throw JsonObject.serialization("only base-64-encoded strings are convertible to bytes");
        }
        if (text.length() % 4 != 0) {
            throw JsonObject.serialization("Base64 encoded length is expected a multiple of 4 bytes but found: "
                    + text.length());
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw JsonObject.serialization(INVALID_LAST_CHARACTER);
        }
        // Java's decoder ignores bits of the last character that no byte uses; DynamoDB's insists they are zero.
        int padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
        if (padding > 0) {
            int last = BASE64_ALPHABET.indexOf(text.charAt(text.length() - padding - 1));
            int unusedBits = padding == 2 ? 0x0f : 0x03;
            if ((last & unusedBits) != 0) {
                throw JsonObject.serialization(INVALID_LAST_CHARACTER);
            }
        }
        return Bytes.wrap(decoded);
    }

    // ---- writing ----

    /** Writes {@code item} as a JSON object member value. */
    public static void writeItem(JsonGenerator out, Map<String, AttributeValue> attributes) throws IOException {
        out.writeStartObject();
        for (Map.Entry<String, AttributeValue> attribute : attributes.entrySet()) {
            out.writeFieldName(attribute.getKey());
            write(out, attribute.getValue());
        }
        out.writeEndObject();
    }

    public static void write(JsonGenerator out, AttributeValue value) throws IOException {
        out.writeStartObject();
        out.writeFieldName(value.type().descriptor());
        switch (value.type()) {
            case S:
                out.writeString(((AttributeValue.StringValue) value).value());
                break;
            case N:
                out.writeString(((AttributeValue.NumberValue) value).value().toString());
                break;
            case B:
                writeBinary(out, ((AttributeValue.BinaryValue) value).value());
                break;
            case BOOL:
                out.writeBoolean(((AttributeValue.BooleanValue) value).value());
                break;
            case NULL:
                out.writeBoolean(true);
                break;
            case L:
                out.writeStartArray();
                for (AttributeValue element : ((AttributeValue.ListValue) value).values()) {
                    write(out, element);
                }
                out.writeEndArray();
                break;
            case M:
                writeItem(out, ((AttributeValue.MapValue) value).values());
                break;
            case SS:
                out.writeStartArray();
                for (String element : ((AttributeValue.StringSetValue) value).values()) {
                    out.writeString(element);
                }
                out.writeEndArray();
                break;
            case NS:
                out.writeStartArray();
                for (DynamoNumber element : ((AttributeValue.NumberSetValue) value).values()) {
                    out.writeString(element.toString());
                }
                out.writeEndArray();
                break;
            case BS:
                out.writeStartArray();
                for (Bytes element : ((AttributeValue.BinarySetValue) value).values()) {
                    writeBinary(out, element);
                }
                out.writeEndArray();
                break;
            default:
                throw new AssertionError(value.type());
        }
        out.writeEndObject();
    }

    private static void writeBinary(JsonGenerator out, Bytes bytes) throws IOException {
        out.writeString(bytes.toBase64());
    }
}
