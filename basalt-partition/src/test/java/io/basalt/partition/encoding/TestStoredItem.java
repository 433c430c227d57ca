package io.basalt.partition.encoding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.Bytes;
import io.basalt.model.DynamoNumber;
import io.basalt.model.Item;
import io.basalt.model.ItemSize;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The stored form read without decoding: its size and its event stream must agree with the decoded item. */
class TestStoredItem {
    private static final long SEED = System.nanoTime();

    @Test
    void sizeAndEventsMatchTheDecodedItem() throws IOException {
        RandomValues values = new RandomValues(new Random(SEED));
        for (int i = 0; i < 3000; i++) {
            Item item = new Item(values.attributes(4));
            byte[] encoded = ItemCodec.encode(item);
            String context = "seed=" + SEED + " item=" + item;
            assertThat(ItemCodec.size(encoded)).as(context).isEqualTo(ItemSize.of(item));
            StoredItem stored = StoredItem.of(encoded);
            assertThat(rebuild(stored)).as(context).isEqualTo(item);
            assertThat(stored.size()).as(context).isEqualTo(ItemSize.of(item));
            assertThat(stored.item()).as(context).isEqualTo(item);
        }
    }

    @Test
    void numberTextsAreCanonical() throws IOException {
        String[] numbers = {"0", "1", "-1", "10", "100", "-100", "0.5", "-0.05", "1.5", "12.25", "123456.789",
            "1E-130", "-1E-130", "1E+125", "9.9999999999999999999999999999999999999E+125",
            "12345678901234567890123456789012345678", "0.00012345678901234567890123456789012345678", "1.50", "+7e1"};
        for (String text : numbers) {
            DynamoNumber number = DynamoNumber.parse(text);
            Item item = new Item(Map.of("n", new AttributeValue.NumberValue(number)));
            assertThat(rebuild(StoredItem.of(ItemCodec.encode(item)))).as(text).isEqualTo(item);
            List<String> texts = new ArrayList<>();
            ItemCodec.accept(ItemCodec.encode(item), new Recorder() {
                @Override
                public void number(byte[] ascii, int offset, int length) {
                    texts.add(new String(ascii, offset, length, StandardCharsets.US_ASCII));
                }
            });
            assertThat(texts).as(text).containsExactly(number.toString());
        }
    }

    @Test
    void unpairedSurrogatesAreFound() {
        byte[] lone = ItemCodec.encode(new Item(Map.of("s", AttributeValue.string("a\ud800b"))));
        byte[] paired = ItemCodec.encode(new Item(Map.of("s", AttributeValue.string("a\ud83d\ude00b"))));
        assertThat(ItemVisitor.hasUnpairedSurrogate(lone, 0, lone.length)).isTrue();
        assertThat(ItemVisitor.hasUnpairedSurrogate(paired, 0, paired.length)).isFalse();
        byte[] utf8 = "\ud7ff\ue000".getBytes(StandardCharsets.UTF_8);  // ED 9F BF, EE 80 80: the neighbours
        assertThat(ItemVisitor.hasUnpairedSurrogate(utf8, 0, utf8.length)).isFalse();
    }

    @Test
    void corruptBytesAreRefused() {
        assertThatThrownBy(() -> ItemCodec.size(new byte[] {1, 1, 1, 0x61, 99}))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("tag");
        assertThatThrownBy(() -> ItemCodec.size(new byte[] {2, 0})).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ItemCodec.accept(new byte[] {1, 0, 0}, new Recorder()))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ItemCodec.size(new byte[] {1, 1, 1, 0x61, 2, (byte) 0x81, (byte) 0x82, 0}))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("without digits");
    }

    /** Rebuilds the item from the events alone. */
    private static Item rebuild(StoredItem stored) throws IOException {
        Builder builder = new Builder();
        stored.accept(builder);
        return new Item(builder.root);
    }

    /** A visitor that ignores everything; tests override what they look at. */
    private static class Recorder implements ItemVisitor {
        @Override
        public void name(byte[] utf8, int offset, int length) {
        }

        @Override
        public void startValue(AttributeType type) {
        }

        @Override
        public void endValue(AttributeType type) {
        }

        @Override
        public void string(byte[] utf8, int offset, int length) {
        }

        @Override
        public void number(byte[] ascii, int offset, int length) {
        }

        @Override
        public void binary(byte[] bytes, int offset, int length) {
        }

        @Override
        public void bool(boolean value) {
        }
    }

    private static final class Builder implements ItemVisitor {
        final Map<String, AttributeValue> root = new LinkedHashMap<>();
        /** Open containers: a map's pending name and attributes, or a list's / set's elements. */
        private final Deque<Object[]> open = new ArrayDeque<>();
        private final Deque<String> names = new ArrayDeque<>();
        private AttributeValue scalar;

        @Override
        public void name(byte[] utf8, int offset, int length) {
            names.push(ItemVisitor.decode(utf8, offset, length));
        }

        @Override
        public void startValue(AttributeType type) {
            scalar = type == AttributeType.NULL ? AttributeValue.NullValue.INSTANCE : null;
            if (type == AttributeType.M) {
                open.push(new Object[] {type, new LinkedHashMap<String, AttributeValue>()});
            } else if (type == AttributeType.L || type == AttributeType.SS || type == AttributeType.NS
                    || type == AttributeType.BS) {
                open.push(new Object[] {type, new ArrayList<>()});
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        public void endValue(AttributeType type) {
            AttributeValue value;
            switch (type) {
                case M:
                    value = new AttributeValue.MapValue((Map<String, AttributeValue>) open.pop()[1]);
                    break;
                case L:
                    value = new AttributeValue.ListValue((List<AttributeValue>) open.pop()[1]);
                    break;
                case SS:
                    value = new AttributeValue.StringSetValue(strings((List<Object>) open.pop()[1]));
                    break;
                case NS:
                    value = new AttributeValue.NumberSetValue(((List<Object>) open.pop()[1]).stream()
                            .map(o -> ((AttributeValue.NumberValue) o).value()).toList());
                    break;
                case BS:
                    value = new AttributeValue.BinarySetValue(((List<Object>) open.pop()[1]).stream()
                            .map(o -> ((AttributeValue.BinaryValue) o).value()).toList());
                    break;
                default:
                    value = scalar;
            }
            add(value);
        }

        private static List<String> strings(List<Object> elements) {
            return elements.stream().map(o -> ((AttributeValue.StringValue) o).value()).toList();
        }

        @SuppressWarnings("unchecked")
        private void add(AttributeValue value) {
            Object[] parent = open.peek();
            if (parent == null) {
                root.put(names.pop(), value);
            } else if (parent[0] == AttributeType.M) {
                ((Map<String, AttributeValue>) parent[1]).put(names.pop(), value);
            } else {
                ((List<Object>) parent[1]).add(value);
            }
        }

        private void element(AttributeValue value) {
            Object[] parent = open.peek();
            if (parent != null && parent[0] != AttributeType.M && parent[0] != AttributeType.L) {
                add(value);  // a set element: no startValue/endValue around it
            } else {
                scalar = value;
            }
        }

        @Override
        public void string(byte[] utf8, int offset, int length) {
            element(AttributeValue.string(ItemVisitor.decode(utf8, offset, length)));
        }

        @Override
        public void number(byte[] ascii, int offset, int length) {
            element(new AttributeValue.NumberValue(
                    DynamoNumber.parse(new String(ascii, offset, length, StandardCharsets.US_ASCII))));
        }

        @Override
        public void binary(byte[] bytes, int offset, int length) {
            element(new AttributeValue.BinaryValue(Bytes.wrap(Arrays.copyOfRange(bytes, offset, offset + length))));
        }

        @Override
        public void bool(boolean value) {
            element(value ? AttributeValue.BooleanValue.TRUE : AttributeValue.BooleanValue.FALSE);
        }
    }
}
