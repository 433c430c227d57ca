package io.basalt.server.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import io.basalt.model.AttributeValue;
import io.basalt.model.Bytes;
import io.basalt.model.DynamoNumber;
import io.basalt.model.Item;
import io.basalt.partition.encoding.ItemCodec;
import io.basalt.partition.encoding.StoredItem;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Items written from their stored bytes must be the documents written from the decoded items. */
class TestStoredItemJson {
    private static final long SEED = System.nanoTime();
    private static final String[] NUMBERS = {"0", "1", "-1", "10", "1E+2", "-0.05", "1.5", "123456.789", "1E-130",
        "-9.9999999999999999999999999999999999999E+125", "12345678901234567890123456789012345678"};
    private static final String[] STRINGS = {"", "plain", "quote \" backslash \\ slash /", "tab\tnewline\ncr\r",
        "nul\u0000bell\u0007", "héllo €", "emoji 😀", "hangul \ud55c\ud000 (ED 95 9C, ED 80 80)", "x".repeat(1000)};

    @Test
    void everyTypeAndEscapeAsTheDecodedItem() throws IOException {
        Map<String, AttributeValue> attributes = new LinkedHashMap<>();
        for (int i = 0; i < STRINGS.length; i++) {
            attributes.put("s" + i + STRINGS[i], AttributeValue.string(STRINGS[i]));
        }
        for (int i = 0; i < NUMBERS.length; i++) {
            attributes.put("n" + i, new AttributeValue.NumberValue(DynamoNumber.parse(NUMBERS[i])));
        }
        attributes.put("b", AttributeValue.binary(new byte[] {0, 1, (byte) 0xFF, 0x7F}));
        attributes.put("b-empty", new AttributeValue.BinaryValue(Bytes.EMPTY));
        attributes.put("t", AttributeValue.BooleanValue.TRUE);
        attributes.put("f", AttributeValue.BooleanValue.FALSE);
        attributes.put("z", AttributeValue.NullValue.INSTANCE);
        attributes.put("l", new AttributeValue.ListValue(List.of(AttributeValue.number(3), AttributeValue.string("a"),
                new AttributeValue.ListValue(List.of()), new AttributeValue.MapValue(Map.of()))));
        attributes.put("m", new AttributeValue.MapValue(Map.of("k\"", AttributeValue.string("v"),
                "nested", new AttributeValue.MapValue(Map.of("deep", AttributeValue.NullValue.INSTANCE)))));
        attributes.put("ss", new AttributeValue.StringSetValue(List.of("b", "a\n", "😀")));
        attributes.put("ns", new AttributeValue.NumberSetValue(
                List.of(DynamoNumber.of(10), DynamoNumber.parse("-2.5"))));
        attributes.put("bs", new AttributeValue.BinarySetValue(List.of(Bytes.wrap(new byte[] {1}), Bytes.EMPTY)));
        assertSameDocument(new Item(attributes));
    }

    @Test
    void randomItemsAsTheDecodedItems() throws IOException {
        Random random = new Random(SEED);
        for (int i = 0; i < 500; i++) {
            Map<String, AttributeValue> attributes = new LinkedHashMap<>();
            int count = 1 + random.nextInt(6);
            for (int a = 0; a < count; a++) {
                attributes.put("a" + a + sample(random), value(random, 3, TestStoredItemJson::sample));
            }
            assertSameDocument(new Item(attributes));
        }
    }

    /** Without surrogates in any string the bytes are the same too, not only the parsed document. */
    @Test
    void asciiItemsAreByteForByteTheSame() throws IOException {
        Item item = new Item(Map.of("pk", AttributeValue.string("user#1 \"quoted\"\t"), "n", AttributeValue.number(42),
                "l", new AttributeValue.ListValue(List.of(AttributeValue.string("é"), AttributeValue.number(-7)))));
        assertThat(writeStored(item)).isEqualTo(writeDecoded(item));
    }

    /** Characters U+D000..U+D7FF start with the byte ED, as surrogates do; they are ordinary text. */
    @Test
    void charactersStartingWithTheSurrogateLeadByteAreWrittenAsIs() throws IOException {
        Item item = new Item(Map.of("\ud55c", AttributeValue.string("a\ud000b\ud7ff\"")));
        assertThat(writeStored(item)).isEqualTo(writeDecoded(item)).contains("\ud55c", "a\ud000b\ud7ff\\\"");
    }

    /** Every control character, quote and backslash, binaries of every length modulo 3, nested containers. */
    @Test
    void randomAsciiItemsAreByteForByteTheSame() throws IOException {
        Random random = new Random(SEED);
        for (int i = 0; i < 300; i++) {
            Map<String, AttributeValue> attributes = new LinkedHashMap<>();
            int count = 1 + random.nextInt(6);
            for (int a = 0; a < count; a++) {
                attributes.put(asciiText(random), value(random, 3, TestStoredItemJson::asciiText));
            }
            Item item = new Item(attributes);
            assertThat(writeStored(item)).as("seed=%s", SEED).isEqualTo(writeDecoded(item));
        }
    }

    /** Items as array elements and object members next to the generator's own tokens: commas and nesting. */
    @Test
    void itemsAmongOtherTokensOfAResponse() throws IOException {
        Item first = new Item(Map.of("pk", AttributeValue.string("a"), "sk", AttributeValue.number(1)));
        Item second = new Item(Map.of("pk", AttributeValue.string("b"),
                "l", new AttributeValue.ListValue(List.of(AttributeValue.string("x"), AttributeValue.number(2)))));
        String stored = response(out -> {
            StoredItemJson.write(out, StoredItem.of(ItemCodec.encode(first)));
            StoredItemJson.write(out, StoredItem.of(ItemCodec.encode(second)));
        });
        String decoded = response(out -> {
            AttributeValueJson.writeItem(out, first.attributes());
            AttributeValueJson.writeItem(out, second.attributes());
        });
        assertThat(stored).isEqualTo(decoded).startsWith("{\"Items\":[{").endsWith("}],\"Count\":2}");
    }

    /** Every form of the finished JSON as a SerializableString is Jackson's own for the same text. */
    @Test
    void serializableFormsAsJacksonsForTheSameText() throws IOException {
        Item item = new Item(Map.of("pk", AttributeValue.string("a \"b\" é"), "n", AttributeValue.number(1)));
        StoredItemJson json = StoredItemJson.of(StoredItem.of(ItemCodec.encode(item)));
        SerializedString expected = new SerializedString(json.getValue());
        assertThat(json.getValue()).isEqualTo(writeDecoded(item));
        assertThat(json.charLength()).isEqualTo(expected.charLength());
        assertThat(json.asUnquotedUTF8()).isEqualTo(expected.asUnquotedUTF8());
        assertThat(json.asQuotedUTF8()).isEqualTo(expected.asQuotedUTF8());
        assertThat(json.asQuotedChars()).isEqualTo(expected.asQuotedChars());
        for (boolean quoted : new boolean[] {false, true}) {
            byte[] bytes = new byte[200];
            byte[] expectedBytes = new byte[200];
            int length = quoted ? json.appendQuotedUTF8(bytes, 3) : json.appendUnquotedUTF8(bytes, 3);
            int expectedLength = quoted ? expected.appendQuotedUTF8(expectedBytes, 3)
                    : expected.appendUnquotedUTF8(expectedBytes, 3);
            assertThat(length).isEqualTo(expectedLength).isPositive();
            assertThat(bytes).isEqualTo(expectedBytes);
            assertThat(quoted ? json.appendQuotedUTF8(new byte[5], 0) : json.appendUnquotedUTF8(new byte[5], 0))
                    .isEqualTo(-1);
            char[] chars = new char[200];
            char[] expectedChars = new char[200];
            assertThat(quoted ? json.appendQuoted(chars, 1) : json.appendUnquoted(chars, 1))
                    .isEqualTo(quoted ? expected.appendQuoted(expectedChars, 1)
                            : expected.appendUnquoted(expectedChars, 1));
            assertThat(chars).isEqualTo(expectedChars);
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            ByteArrayOutputStream expectedStream = new ByteArrayOutputStream();
            assertThat(quoted ? json.writeQuotedUTF8(stream) : json.writeUnquotedUTF8(stream))
                    .isEqualTo(quoted ? expected.writeQuotedUTF8(expectedStream)
                            : expected.writeUnquotedUTF8(expectedStream));
            assertThat(stream.toByteArray()).isEqualTo(expectedStream.toByteArray());
            ByteBuffer buffer = ByteBuffer.allocate(200);
            ByteBuffer expectedBuffer = ByteBuffer.allocate(200);
            assertThat(quoted ? json.putQuotedUTF8(buffer) : json.putUnquotedUTF8(buffer))
                    .isEqualTo(quoted ? expected.putQuotedUTF8(expectedBuffer)
                            : expected.putUnquotedUTF8(expectedBuffer));
            assertThat(buffer.array()).isEqualTo(expectedBuffer.array());
        }
        // A generator asked to write it as a string writes the JSON text as a string.
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        try (JsonGenerator out = new JsonFactory().createGenerator(written)) {
            out.writeString(json);
        }
        assertThat(read("{\"x\":{\"S\":" + written.toString(StandardCharsets.UTF_8) + "}}"))
                .isEqualTo(new Item(Map.of("x", AttributeValue.string(writeDecoded(item)))));
    }

    /** An item larger than the generator's own buffer. */
    @Test
    void largeItemsAsTheDecodedItem() throws IOException {
        Item item = new Item(Map.of("pk", AttributeValue.string("big"), "payload",
                AttributeValue.string("\"quoted\" ".repeat(3000)), "blob", AttributeValue.binary(new byte[50_000])));
        assertThat(writeStored(item)).isEqualTo(writeDecoded(item));
    }

    /**
     * Unpaired surrogates (which a request can only carry as a JSON escape, and the codec keeps) are written as the
     * same escapes: the request parser refuses them, so the texts are compared.
     */
    @Test
    void unpairedSurrogatesAsTheDecodedItem() throws IOException {
        Item item = new Item(Map.of("lone \ud800 high", AttributeValue.string("lone \udc00 low"),
                "set", new AttributeValue.StringSetValue(List.of("\ud800", "x"))));
        assertThat(writeStored(item)).isEqualTo(writeDecoded(item)).contains("\\uD800", "\\uDC00");
    }

    private static String asciiText(Random random) {
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(12); i > 0; i--) {
            text.append((char) random.nextInt(128));
        }
        return text.toString();
    }

    /** One of the sample strings. */
    private static String sample(Random random) {
        return STRINGS[random.nextInt(STRINGS.length)];
    }

    /** A random value of every type, nested up to {@code depth}, its strings and names from {@code text}. */
    private static AttributeValue value(Random random, int depth, Function<Random, String> text) {
        switch (random.nextInt(depth > 0 ? 9 : 6)) {
            case 0:
                return AttributeValue.string(text.apply(random));
            case 1:
                return new AttributeValue.NumberValue(DynamoNumber.parse(NUMBERS[random.nextInt(NUMBERS.length)]));
            case 2:
                byte[] bytes = new byte[random.nextInt(7)];
                random.nextBytes(bytes);
                return AttributeValue.binary(bytes);
            case 3:
                return switch (random.nextInt(3)) {
                    case 0 -> AttributeValue.BooleanValue.TRUE;
                    case 1 -> AttributeValue.BooleanValue.FALSE;
                    default -> AttributeValue.NullValue.INSTANCE;
                };
            case 4:
                return new AttributeValue.StringSetValue(List.of("x" + text.apply(random), "y"));
            case 5:
                return random.nextBoolean()
                        ? new AttributeValue.NumberSetValue(List.of(DynamoNumber.of(1), DynamoNumber.parse("-2.5")))
                        : new AttributeValue.BinarySetValue(List.of(Bytes.wrap(new byte[] {1, 2}), Bytes.EMPTY));
            case 6: {
                List<AttributeValue> values = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    values.add(value(random, depth - 1, text));
                }
                return new AttributeValue.ListValue(values);
            }
            default: {
                Map<String, AttributeValue> values = new LinkedHashMap<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    values.put(text.apply(random) + i, value(random, depth - 1, text));
                }
                return new AttributeValue.MapValue(values);
            }
        }
    }

    /** A generator callback. */
    private interface Tokens {
        void write(JsonGenerator out) throws IOException;
    }

    /** {@code {"Items":[...],"Count":2}} with {@code items} writing the array's elements. */
    private static String response(Tokens items) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator out = new JsonFactory().createGenerator(bytes)) {
            out.writeStartObject();
            out.writeArrayFieldStart("Items");
            items.write(out);
            out.writeEndArray();
            out.writeNumberField("Count", 2);
            out.writeEndObject();
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static void assertSameDocument(Item item) throws IOException {
        String stored = writeStored(item);
        String context = "seed=" + SEED + " item=" + item;
        assertThat(read(stored)).as(context).isEqualTo(read(writeDecoded(item))).isEqualTo(item);
    }

    private static Item read(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        try {
            return AttributeValueJson.readItem(RequestJson.parse(new ByteArrayInputStream(bytes), bytes.length));
        } catch (io.basalt.model.BasaltException e) {
            throw new AssertionError(e.code() + " reading " + json, e);
        }
    }

    private static String writeStored(Item item) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator out = new JsonFactory().createGenerator(bytes)) {
            StoredItemJson.write(out, StoredItem.of(ItemCodec.encode(item)));
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String writeDecoded(Item item) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator out = new JsonFactory().createGenerator(bytes)) {
            AttributeValueJson.writeItem(out, item.attributes());
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
