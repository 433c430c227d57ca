package io.basalt.partition.encoding;

import static io.basalt.partition.encoding.RandomValues.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.AttributeValue;
import io.basalt.model.Bytes;
import io.basalt.model.DynamoNumber;
import io.basalt.model.Item;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TestItemCodec {
    private static final long SEED = System.nanoTime();

    /** Pins format version 1: if this fails, stored items would no longer decode. */
    @Test
    void goldenBytes() {
        Map<String, AttributeValue> attributes = new LinkedHashMap<>();
        attributes.put("pk", AttributeValue.string("é"));
        attributes.put("n", AttributeValue.number("-1.5"));
        attributes.put("b", AttributeValue.binary(new byte[] {0, (byte) 0xFF}));
        attributes.put("t", AttributeValue.BooleanValue.TRUE);
        attributes.put("f", AttributeValue.BooleanValue.FALSE);
        attributes.put("z", AttributeValue.NullValue.INSTANCE);
        attributes.put("l", new AttributeValue.ListValue(List.of(AttributeValue.number(0), AttributeValue.string(""))));
        attributes.put("m", new AttributeValue.MapValue(Map.of("k", AttributeValue.number(10))));
        attributes.put("ss", new AttributeValue.StringSetValue(List.of("b", "a")));
        attributes.put("ns", new AttributeValue.NumberSetValue(List.of(DynamoNumber.of(1))));
        attributes.put("bs", new AttributeValue.BinarySetValue(List.of(Bytes.EMPTY)));
        byte[] encoded = ItemCodec.encode(new Item(attributes));
        assertThat(hex(encoded)).isEqualTo("01" + "0b"
                + "02706b" + "01" + "02c3a9"
                + "016e" + "02" + "7f7defff"
                + "0162" + "03" + "0200ff"
                + "0174" + "05"
                + "0166" + "04"
                + "017a" + "06"
                + "016c" + "07" + "02" + "0280" + "0100"
                + "016d" + "08" + "01" + "016b" + "0281830b00"
                + "027373" + "09" + "02" + "0162" + "0161"
                + "026e73" + "0a" + "01" + "81820b00"
                + "026273" + "0b" + "01" + "00");
        assertThat(ItemCodec.decode(encoded)).isEqualTo(new Item(attributes));
    }

    @Test
    void randomItemsRoundTrip() {
        Random random = new Random(SEED);
        RandomValues values = new RandomValues(random);
        for (int i = 0; i < 3000; i++) {
            Item item = new Item(values.attributes(4));
            byte[] encoded = ItemCodec.encode(item);
            Item decoded = ItemCodec.decode(encoded);
            String context = "seed=" + SEED + " item=" + item;
            assertThat(decoded).as(context).isEqualTo(item);
            assertThat(decoded.attributes().keySet()).as(context).containsExactlyElementsOf(item.attributes().keySet());
            byte[] framed = new byte[encoded.length + 7];
            System.arraycopy(encoded, 0, framed, 3, encoded.length);
            assertThat(ItemCodec.decode(framed, 3, encoded.length)).as(context).isEqualTo(item);
        }
    }

    @Test
    void deepNestingRoundTrips() {
        AttributeValue value = AttributeValue.string("leaf");
        for (int depth = 0; depth < 100; depth++) {
            value = depth % 2 == 0 ? new AttributeValue.ListValue(List.of(value))
                    : new AttributeValue.MapValue(Map.of("d" + depth, value));
        }
        Item item = new Item(Map.of("deep", value));
        assertThat(ItemCodec.decode(ItemCodec.encode(item))).isEqualTo(item);
    }

    @Test
    void unicodeSurvivesExactly() {
        String text = "a\u0000é€😀\ud800x\udc00";
        Item item = new Item(Map.of(text, AttributeValue.string(text)));
        Item decoded = ItemCodec.decode(ItemCodec.encode(item));
        assertThat(decoded.get(text)).isEqualTo(AttributeValue.string(text));
        assertThat(ItemCodec.encode(Item.EMPTY)).containsExactly(1, 0);
        assertThat(ItemCodec.decode(new byte[] {1, 0})).isEqualTo(Item.EMPTY);
    }

    @Test
    void rejectsNewerVersionsAndCorruption() {
        assertThatThrownBy(() -> ItemCodec.decode(new byte[] {2, 0}))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("newer");
        assertThatThrownBy(() -> ItemCodec.decode(new byte[] {0, 0})).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ItemCodec.decode(new byte[0])).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ItemCodec.decode(new byte[] {1, 0, 0})).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ItemCodec.decode(new byte[] {1, 1, 1, 0x61, 99}))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("tag");
        assertThatThrownBy(() -> ItemCodec.decode(new byte[] {1, 1, 1, 0x61, 1, 5, 0x61}))
                .isInstanceOf(IllegalStateException.class);
        byte[] valid = ItemCodec.encode(new Item(Map.of("a", AttributeValue.string("bcd"))));
        for (int length = 0; length < valid.length; length++) {
            byte[] truncated = Arrays.copyOf(valid, length);
            assertThatThrownBy(() -> ItemCodec.decode(truncated)).isInstanceOf(IllegalStateException.class);
        }
    }
}
