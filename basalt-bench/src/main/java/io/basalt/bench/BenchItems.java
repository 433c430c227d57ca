package io.basalt.bench;

import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.Item;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.KeyLayout;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The item the codec and storage benchmarks share: the ~1 KB PutItem of the load harness
 * ({@code tools/bench/putitem.lua}: a string key {@code pk}, a number {@code n} and a long string), widened with a
 * nested map and a list so that every container path of the codecs is on the measured path.
 */
final class BenchItems {
    /** The table of the load harness, hash key {@code pk} (S). */
    static final String TABLE = "Bench";
    static final KeySchema HASH_KEY_SCHEMA = KeySchema.of(new KeyAttribute("pk", AttributeType.S));
    /** Any table id: it only fills the 8 bytes after the key space byte. */
    static final long TABLE_ID = 42;
    /** Makes the request body of a key like {@code key42} about 1 KB, as in the harness. */
    private static final int PAYLOAD_LENGTH = 768;
    private static final String PAYLOAD = "x".repeat(PAYLOAD_LENGTH);

    private BenchItems() {
    }

    static Item item(String key) {
        Map<String, AttributeValue> profile = new LinkedHashMap<>();
        profile.put("name", AttributeValue.string("Ada Lovelace"));
        profile.put("visits", AttributeValue.number("1042"));
        profile.put("balance", AttributeValue.number("-17.25"));
        profile.put("active", AttributeValue.BooleanValue.TRUE);
        Map<String, AttributeValue> attributes = new LinkedHashMap<>();
        attributes.put("pk", AttributeValue.string(key));
        attributes.put("n", AttributeValue.number("1"));
        attributes.put("payload", AttributeValue.string(PAYLOAD));
        attributes.put("profile", new AttributeValue.MapValue(profile));
        attributes.put("tags", new AttributeValue.ListValue(List.of(AttributeValue.string("gift"),
                AttributeValue.string("express"), AttributeValue.number("3"))));
        return new Item(attributes);
    }

    /** The PutItem request body of {@link #item}, written out by hand as a client sends it. */
    static String putItemRequest(String key) {
        return "{\"TableName\":\"" + TABLE + "\",\"Item\":{\"pk\":{\"S\":\"" + key + "\"},\"n\":{\"N\":\"1\"},"
                + "\"payload\":{\"S\":\"" + PAYLOAD + "\"},"
                + "\"profile\":{\"M\":{\"name\":{\"S\":\"Ada Lovelace\"},\"visits\":{\"N\":\"1042\"},"
                + "\"balance\":{\"N\":\"-17.25\"},\"active\":{\"BOOL\":true}}},"
                + "\"tags\":{\"L\":[{\"S\":\"gift\"},{\"S\":\"express\"},{\"N\":\"3\"}]}}}";
    }

    /** The storage key of the item with hash key {@code key} in the harness table. */
    static byte[] storageKey(String key) {
        return KeyLayout.itemKey(TABLE_ID, KeyLayout.BASE_TABLE_INDEX, HASH_KEY_SCHEMA,
                new PrimaryKey(AttributeValue.string(key), Optional.empty()));
    }
}
