package io.basalt.partition.encoding;

import static java.util.Objects.requireNonNull;

import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.AttributeValues;
import io.basalt.model.Bytes;
import io.basalt.model.DynamoNumber;
import io.basalt.model.Item;
import io.basalt.model.ItemSize;
import java.io.IOException;
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

    /**
     * Reads an item written by {@link #encode(ByteWriter, Item)} from the middle of a larger encoding (an encoded
     * operation), leaving {@code in} after it.
     *
     * @throws IllegalStateException when the bytes are corrupt or from a newer format version
     */
    public static Item decode(ByteReader in) {
        checkVersion(in);
        return new Item(readAttributes(in));
    }

    /** @throws IllegalStateException when the bytes are corrupt or from a newer format version */
    public static Item decode(byte[] bytes, int offset, int length) {
        ByteReader in = open(bytes, offset, length);
        Item item = new Item(readAttributes(in));
        checkEnd(in);
        return item;
    }

    /**
     * The size DynamoDB counts for the stored item ({@link ItemSize#of} of what {@link #decode} returns), read off
     * the stored bytes without decoding them. @throws IllegalStateException when the bytes are corrupt
     */
    public static long size(byte[] bytes) {
        ByteReader in = open(bytes, 0, bytes.length);
        long size = 0;
        int count = in.readLength();
        for (int i = 0; i < count; i++) {
            int nameLength = in.readLength();
            in.skip(nameLength);
            size += nameLength + valueSize(in);
        }
        checkEnd(in);
        return size;
    }

    /**
     * Streams the stored item to {@code visitor} without decoding it into an {@link Item}.
     *
     * @throws IllegalStateException when the bytes are corrupt (the visitor may have seen part of the item)
     */
    public static void accept(byte[] bytes, ItemVisitor visitor) throws IOException {
        ByteReader in = open(bytes, 0, bytes.length);
        new Walk(in, visitor).attributes();
        checkEnd(in);
    }

    private static ByteReader open(byte[] bytes, int offset, int length) {
        ByteReader in = new ByteReader(bytes, offset, length);
        checkVersion(in);
        return in;
    }

    private static void checkVersion(ByteReader in) {
        int version = in.readUnsignedByte();
        if (version != VERSION) {
            throw new IllegalStateException(version > VERSION
                    ? "item encoded in format version " + version + ", newer than this build reads (" + VERSION + ")"
                    : "item encoded in unknown format version " + version);
        }
    }

    private static void checkEnd(ByteReader in) {
        if (in.remaining() != 0) {
            throw new IllegalStateException(in.remaining() + " unexpected bytes after the item");
        }
    }

    private static long valueSize(ByteReader in) {
        int tag = in.readUnsignedByte();
        switch (tag) {
            case TAG_S:
            case TAG_B: {
                int length = in.readLength();
                in.skip(length);
                return length;
            }
            case TAG_N:
                return KeyEncoding.skipNumber(in);
            case TAG_FALSE:
            case TAG_TRUE:
            case TAG_NULL:
                return 1;
            case TAG_L: {
                int count = in.readLength();
                long size = 3;
                for (int i = 0; i < count; i++) {
                    size += 1 + valueSize(in);
                }
                return size;
            }
            case TAG_M: {
                int count = in.readLength();
                long size = 3;
                for (int i = 0; i < count; i++) {
                    int nameLength = in.readLength();
                    in.skip(nameLength);
                    size += 1 + nameLength + valueSize(in);
                }
                return size;
            }
            case TAG_SS:
            case TAG_BS: {
                int count = in.readLength();
                long size = 0;
                for (int i = 0; i < count; i++) {
                    int length = in.readLength();
                    in.skip(length);
                    size += length;
                }
                return size;
            }
            case TAG_NS: {
                int count = in.readLength();
                long size = 0;
                for (int i = 0; i < count; i++) {
                    size += KeyEncoding.skipNumber(in);
                }
                return size;
            }
            default:
                throw new IllegalStateException("unknown value tag " + tag + " at " + (in.position() - 1));
        }
    }

    /**
     * The buffer each thread's walks write number texts into (the visitor sees it only during its call): a Query
     * page of 20 items with numbers would otherwise allocate 6 KB of them.
     */
    private static final ThreadLocal<byte[]> NUMBER_TEXT =
            ThreadLocal.withInitial(() -> new byte[KeyEncoding.MAX_NUMBER_TEXT]);

    /** One pass of {@link #accept}: the reader, the visitor and the thread's buffer for number texts. */
    private static final class Walk {
        private final ByteReader in;
        private final ItemVisitor visitor;
        private byte[] numberText;

        Walk(ByteReader in, ItemVisitor visitor) {
            this.in = in;
            this.visitor = visitor;
        }

        void attributes() throws IOException {
            int count = in.readLength();
            for (int i = 0; i < count; i++) {
                int length = in.readLength();
                int start = in.position();
                in.skip(length);
                visitor.name(in.array(), start, length);
                value();
            }
        }

        private void value() throws IOException {
            int tag = in.readUnsignedByte();
            AttributeType type = typeOf(tag, in);
            visitor.startValue(type);
            switch (tag) {
                case TAG_S:
                    string();
                    break;
                case TAG_N:
                    number();
                    break;
                case TAG_B:
                    binary();
                    break;
                case TAG_FALSE:
                case TAG_TRUE:
                    visitor.bool(tag == TAG_TRUE);
                    break;
                case TAG_NULL:
                    break;
                case TAG_L: {
                    int count = in.readLength();
                    for (int i = 0; i < count; i++) {
                        value();
                    }
                    break;
                }
                case TAG_M:
                    attributes();
                    break;
                default: {
                    int count = in.readLength();
                    for (int i = 0; i < count; i++) {
                        if (tag == TAG_SS) {
                            string();
                        } else if (tag == TAG_NS) {
                            number();
                        } else {
                            binary();
                        }
                    }
                }
            }
            visitor.endValue(type);
        }

        private void string() throws IOException {
            int length = in.readLength();
            int start = in.position();
            in.skip(length);
            visitor.string(in.array(), start, length);
        }

        private void binary() throws IOException {
            int length = in.readLength();
            int start = in.position();
            in.skip(length);
            visitor.binary(in.array(), start, length);
        }

        private void number() throws IOException {
            if (numberText == null) {
                numberText = NUMBER_TEXT.get();
            }
            visitor.number(numberText, 0, KeyEncoding.readNumberText(in, numberText));
        }
    }

    private static AttributeType typeOf(int tag, ByteReader in) {
        switch (tag) {
            case TAG_S:
                return AttributeType.S;
            case TAG_N:
                return AttributeType.N;
            case TAG_B:
                return AttributeType.B;
            case TAG_FALSE:
            case TAG_TRUE:
                return AttributeType.BOOL;
            case TAG_NULL:
                return AttributeType.NULL;
            case TAG_L:
                return AttributeType.L;
            case TAG_M:
                return AttributeType.M;
            case TAG_SS:
                return AttributeType.SS;
            case TAG_NS:
                return AttributeType.NS;
            case TAG_BS:
                return AttributeType.BS;
            default:
                throw new IllegalStateException("unknown value tag " + tag + " at " + (in.position() - 1));
        }
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

    /**
     * Appends one value in the stored form (tag and payload, no version byte): how other encodings embed attribute
     * values (an encoded operation's literals).
     */
    public static void writeValue(ByteWriter out, AttributeValue value) {
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

    /** Reads a value written by {@link #writeValue}. @throws IllegalStateException when the bytes are corrupt */
    public static AttributeValue readValue(ByteReader in) {
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

    /** Appends a string as the stored form writes names: varint UTF-8 length, bytes. */
    public static void writeString(ByteWriter out, String text) {
        out.writeVarInt(ItemSize.utf8Length(text));
        Utf8.write(out, text, false);
    }

    /** Reads a string written by {@link #writeString}. */
    public static String readString(ByteReader in) {
        return Utf8.read(in, in.readLength());
    }

    private static void writeBinary(ByteWriter out, Bytes bytes) {
        out.writeVarInt(bytes.length()).writeBytes(bytes.unsafeArray());
    }

    private static Bytes readBinary(ByteReader in) {
        return Bytes.wrap(in.readBytes(in.readLength()));
    }
}
