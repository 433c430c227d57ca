package io.basalt.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The rules of the Developer Guide page "Item sizes and formats", plus the measured number rule (NUMBERS.md). */
class TestItemSize {
    @ParameterizedTest
    @CsvSource({
        "0, 1", "7, 2", "27, 2", "-27, 3", "461, 3", "100, 2", "120, 3", "1.5, 3", "12.3, 3", "1.23, 3", "123, 3",
        "0.001, 2", "0.0015, 2", "0.015, 3", "1E125, 2", "1E-130, 2", "-1E-130, 3", "1234, 3", "12345, 4",
        "12345678901234567890123456789012345678, 20", "1.2345678901234567890123456789012345678, 21",
        "-1.2345678901234567890123456789012345678, 22"
    })
    void numbersCostOneBytePerDigitPairPlusOne(String number, long size) {
        assertThat(ItemSize.of(DynamoNumber.parse(number))).isEqualTo(size);
        assertThat(ItemSize.of(AttributeValue.number(number))).isEqualTo(size);
    }

    @Test
    void stringsAndNamesCountUtf8Bytes() {
        assertThat(ItemSize.utf8Length("")).isZero();
        assertThat(ItemSize.utf8Length("abc")).isEqualTo(3);
        assertThat(ItemSize.utf8Length("é")).isEqualTo(2);
        assertThat(ItemSize.utf8Length("€")).isEqualTo(3);
        assertThat(ItemSize.utf8Length("😀")).isEqualTo(4);
        assertThat(ItemSize.utf8Length("\ud800")).isEqualTo(3);
        assertThat(ItemSize.of(AttributeValue.string("héllo"))).isEqualTo(6);
        assertThat(ItemSize.of(Map.of("naïve", AttributeValue.string("x")))).isEqualTo(7);
    }

    @Test
    void binaryCountsRawBytes() {
        assertThat(ItemSize.of(AttributeValue.binary(new byte[] {1, 2, 3}))).isEqualTo(3);
    }

    @Test
    void booleansAndNullsCostOneByte() {
        assertThat(ItemSize.of(AttributeValue.BooleanValue.TRUE)).isEqualTo(1);
        assertThat(ItemSize.of(AttributeValue.NullValue.INSTANCE)).isEqualTo(1);
    }

    @Test
    void listsAndMapsCostThreeBytesPlusOnePerElement() {
        assertThat(ItemSize.of(new AttributeValue.ListValue(List.of()))).isEqualTo(3);
        assertThat(ItemSize.of(new AttributeValue.MapValue(Map.of()))).isEqualTo(3);
        AttributeValue list = new AttributeValue.ListValue(
                List.of(AttributeValue.string("ab"), AttributeValue.number(7), AttributeValue.NullValue.INSTANCE));
        assertThat(ItemSize.of(list)).isEqualTo(3 + (1 + 2) + (1 + 2) + (1 + 1));
        AttributeValue map = new AttributeValue.MapValue(Map.of("k", AttributeValue.string("vv")));
        assertThat(ItemSize.of(map)).isEqualTo(3 + 1 + 1 + 2);
        AttributeValue nested = new AttributeValue.ListValue(List.of(map));
        assertThat(ItemSize.of(nested)).isEqualTo(3 + 1 + 7);
    }

    @Test
    void setsAreTheSumOfTheirElements() {
        assertThat(ItemSize.of(new AttributeValue.StringSetValue(List.of("a", "bc")))).isEqualTo(3);
        assertThat(ItemSize.of(new AttributeValue.NumberSetValue(
                List.of(DynamoNumber.of(1), DynamoNumber.of(-27))))).isEqualTo(2 + 3);
        assertThat(ItemSize.of(new AttributeValue.BinarySetValue(
                List.of(Bytes.copyOf(new byte[2]), Bytes.copyOf(new byte[5]))))).isEqualTo(7);
    }

    @Test
    void itemIsTheSumOfNamesAndValues() {
        Map<String, AttributeValue> attributes = new LinkedHashMap<>();
        attributes.put("id", AttributeValue.string("abc"));
        attributes.put("n", AttributeValue.number(27));
        attributes.put("ok", AttributeValue.BooleanValue.TRUE);
        attributes.put("list", new AttributeValue.ListValue(List.of()));
        assertThat(ItemSize.of(new Item(attributes))).isEqualTo((2 + 3) + (1 + 2) + (2 + 1) + (4 + 3));
        assertThat(ItemSize.of(Item.EMPTY)).isZero();
    }

    @Test
    void keyValueSize() {
        assertThat(ItemSize.keyValueSize(AttributeValue.string("é"))).isEqualTo(2);
        assertThat(ItemSize.keyValueSize(AttributeValue.binary(new byte[4]))).isEqualTo(4);
        assertThat(ItemSize.keyValueSize(AttributeValue.number(-27))).isEqualTo(3);
        assertThatThrownBy(() -> ItemSize.keyValueSize(AttributeValue.BooleanValue.TRUE))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
