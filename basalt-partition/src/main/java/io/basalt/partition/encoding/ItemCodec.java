package io.basalt.partition.encoding;

import static java.util.Objects.requireNonNull;

import io.basalt.model.AttributeValue;
import io.basalt.model.AttributeValues;
import io.basalt.model.Bytes;
import io.basalt.model.DynamoNumber;
import io.basalt.model.Item;
import io.basalt.model.ItemSize;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stored form of an item: a format version byte, then a varint attribute count and each attribute as its
 * name (varint UTF-8 length, bytes) and its value, in the item's attribute order.
 *
 * <p>A value is one tag byte and a payload. THE TAGS ARE PERSISTENT: never reorder, renumber or reuse one; a new
 * type gets a new number and a retired one stays reserved.
 * <pre>
 *   1  S     varint length, UTF-8 bytes ({@link Utf8}: unpaired surrogates survive)
 *   2  N     the {@link KeyEncoding} number form (self-delimiting, at most 22 bytes, exact digits and exponent)
 *   3  B     varint length, raw bytes
 *   4  BOOL false                    (no payload)
 *   5  BOOL true                     (no payload)
 *   6  NULL                          (no payload)
 *   7  L     varint count, values
 *   8  M     varint count, (name, value) pairs in map order
 *   9  SS    varint count, (varint length, UTF-8 bytes) each
 *  10  NS    varint count, numbers as for N
 *  11  BS    varint count, (varint length, bytes) each
 * </pre>
 * Nothing is validated against DynamoDB's rules here (the request layer does that): empty strings, empty sets and
 * any nesting depth are encoded faithfully.
 */
public final class ItemCodec {
    /** The format this build writes, and the newest it reads. */
    public static final int VERSION = 1;

    static final int TAG_S = 1;
    static final int TAG_N = 2;
    static final int TAG_B = 3;
    static final int TAG_FALSE = 4;
    static final int TAG_TRUE = 5;
    static final int TAG_NULL = 6;
    static final int TAG_L = 7;
    static final int TAG_M = 8;
    static final int TAG_SS = 9;
    static final int TAG_NS = 10;
    static final int TAG_BS = 11;

    private ItemCodec() {
    }

    public static byte[] encode(Item item) {
        requireNonNull(item, "item is null");
        return encode(item, ItemSize.of(item));
    }

    /**
     * Encodes {@code item}, whose {@link ItemSize} the caller already knows: the buffer starts large enough for
     * the usual encoding, so it rarely has to grow.
     */
    public static byte[] encode(Item item, long itemSize) {
        requireNonNull(item, "item is null");
        // The encoding adds a tag and a length (a byte or two each) per attribute to what ItemSize counts.
        ByteWriter out = new ByteWriter((int) Math.min(Integer.MAX_VALUE - 8, itemSize + 4L * item.size() + 16));
        encode(out, item);
        return out.toByteArray();
    }

    /** Appends the encoding of {@code item} to {@code out}. */
    public static void encode(ByteWriter out, Item item) {
        out.writeByte(VERSION);
        writeAttributes(out, item.attributes());
    }

    public static Item decode(byte[] bytes) {
        return decode(bytes, 0, bytes.length);
    }

    /** @throws IllegalStateException when the bytes are corrupt or from a newer format version */
    public static Item decode(byte[] bytes, int offset, int length) {
        ByteReader in = new ByteReader(bytes, offset, length);
        int version = in.readUnsignedByte();
        if (version != VERSION) {
            throw new IllegalStateException(version > VERSION
                    ? "item encoded in format version " + version + ", newer than this build reads (" + VERSION + ")"
                    : "item encoded in unknown format version " + version);
        }
        Item item = new Item(readAttributes(in));
        if (in.remaining() != 0) {
            throw new IllegalStateException(in.remaining() + " unexpected bytes after the item");
        }
        return item;
    }

    private static void writeAttributes(ByteWriter out, Map<String, AttributeValue> attributes) {
        out.writeVarInt(attributes.size());
        for (Map.Entry<String, AttributeValue> entry : attributes.entrySet()) {
            writeString(out, entry.getKey());
            writeValue(out, entry.getValue());
        }
    }

    private static Map<String, AttributeValue> readAttributes(ByteReader in) {
        int count = in.readLength();
        Map<String, AttributeValue> attributes = new LinkedHashMap<>(AttributeValues.capacityFor(count));
        for (int i = 0; i < count; i++) {
            String name = readString(in);
            if (attributes.put(name, readValue(in)) != null) {
                throw new IllegalStateException("duplicate attribute name " + name);
            }
        }
        return attributes;
    }

    private static void writeValue(ByteWriter out, AttributeValue value) {
        switch (value.type()) {
            case S:
                out.writeByte(TAG_S);
                writeString(out, ((AttributeValue.StringValue) value).value());
                return;
            case N:
                out.writeByte(TAG_N);
                KeyEncoding.writeNumber(out, ((AttributeValue.NumberValue) value).value());
                return;
            case B:
                out.writeByte(TAG_B);
                writeBinary(out, ((AttributeValue.BinaryValue) value).value());
                return;
            case BOOL:
                out.writeByte(((AttributeValue.BooleanValue) value).value() ? TAG_TRUE : TAG_FALSE);
                return;
            case NULL:
                out.writeByte(TAG_NULL);
                return;
            case L: {
                List<AttributeValue> values = ((AttributeValue.ListValue) value).values();
                out.writeByte(TAG_L).writeVarInt(values.size());
                for (AttributeValue element : values) {
                    writeValue(out, element);
                }
                return;
            }
            case M:
                out.writeByte(TAG_M);
                writeAttributes(out, ((AttributeValue.MapValue) value).values());
                return;
            case SS: {
                List<String> values = ((AttributeValue.StringSetValue) value).values();
                out.writeByte(TAG_SS).writeVarInt(values.size());
                for (String element : values) {
                    writeString(out, element);
                }
                return;
            }
            case NS: {
                List<DynamoNumber> values = ((AttributeValue.NumberSetValue) value).values();
                out.writeByte(TAG_NS).writeVarInt(values.size());
                for (DynamoNumber element : values) {
                    KeyEncoding.writeNumber(out, element);
                }
                return;
            }
            case BS: {
                List<Bytes> values = ((AttributeValue.BinarySetValue) value).values();
                out.writeByte(TAG_BS).writeVarInt(values.size());
                for (Bytes element : values) {
                    writeBinary(out, element);
                }
                return;
            }
        }
        throw new AssertionError(value.type());
    }

    private static AttributeValue readValue(ByteReader in) {
        int tag = in.readUnsignedByte();
        switch (tag) {
            case TAG_S:
                return new AttributeValue.StringValue(readString(in));
            case TAG_N:
                return new AttributeValue.NumberValue(KeyEncoding.readNumber(in));
            case TAG_B:
                return new AttributeValue.BinaryValue(readBinary(in));
            case TAG_FALSE:
                return AttributeValue.BooleanValue.FALSE;
            case TAG_TRUE:
                return AttributeValue.BooleanValue.TRUE;
            case TAG_NULL:
                return AttributeValue.NullValue.INSTANCE;
            case TAG_L: {
                int count = in.readLength();
                List<AttributeValue> values = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    values.add(readValue(in));
                }
                return new AttributeValue.ListValue(values);
            }
            case TAG_M:
                return new AttributeValue.MapValue(readAttributes(in));
            case TAG_SS: {
                int count = in.readLength();
                List<String> values = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    values.add(readString(in));
                }
                return new AttributeValue.StringSetValue(values);
            }
            case TAG_NS: {
                int count = in.readLength();
                List<DynamoNumber> values = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    values.add(KeyEncoding.readNumber(in));
                }
                return new AttributeValue.NumberSetValue(values);
            }
            case TAG_BS: {
                int count = in.readLength();
                List<Bytes> values = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    values.add(readBinary(in));
                }
                return new AttributeValue.BinarySetValue(values);
            }
            default:
                throw new IllegalStateException("unknown value tag " + tag + " at " + (in.position() - 1));
        }
    }

    private static void writeString(ByteWriter out, String text) {
        out.writeVarInt(ItemSize.utf8Length(text));
        Utf8.write(out, text, false);
    }

    private static String readString(ByteReader in) {
        return Utf8.read(in, in.readLength());
    }

    private static void writeBinary(ByteWriter out, Bytes bytes) {
        out.writeVarInt(bytes.length()).writeBytes(bytes.unsafeArray());
    }

    private static Bytes readBinary(ByteReader in) {
        return Bytes.wrap(in.readBytes(in.readLength()));
    }
}
