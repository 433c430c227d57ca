package io.basalt.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TestAttributeValues {
    private static final AttributeValue SS_AB = new AttributeValue.StringSetValue(List.of("a", "b"));
    private static final AttributeValue SS_BA = new AttributeValue.StringSetValue(List.of("b", "a"));

    @Test
    void setsCompareAsSets() {
        assertThat(SS_AB).isNotEqualTo(SS_BA);
        assertThat(AttributeValues.equalsIgnoringSetOrder(SS_AB, SS_BA)).isTrue();
        assertThat(AttributeValues.equalsIgnoringSetOrder(SS_AB,
                new AttributeValue.StringSetValue(List.of("a", "c")))).isFalse();
        assertThat(AttributeValues.equalsIgnoringSetOrder(SS_AB,
                new AttributeValue.StringSetValue(List.of("a")))).isFalse();
        assertThat(AttributeValues.equalsIgnoringSetOrder(
                new AttributeValue.NumberSetValue(List.of(DynamoNumber.parse("1.0"), DynamoNumber.of(2))),
                new AttributeValue.NumberSetValue(List.of(DynamoNumber.of(2), DynamoNumber.of(1))))).isTrue();
        assertThat(AttributeValues.equalsIgnoringSetOrder(
                new AttributeValue.BinarySetValue(List.of(Bytes.wrap(new byte[] {1}), Bytes.wrap(new byte[] {2}))),
                new AttributeValue.BinarySetValue(List.of(Bytes.wrap(new byte[] {2}), Bytes.wrap(new byte[] {1})))))
                .isTrue();
    }

    @Test
    void listsAreOrderedButNestedSetsAreNot() {
        AttributeValue one = new AttributeValue.ListValue(List.of(SS_AB, AttributeValue.number(1)));
        AttributeValue two = new AttributeValue.ListValue(List.of(SS_BA, AttributeValue.number(1)));
        AttributeValue swapped = new AttributeValue.ListValue(List.of(AttributeValue.number(1), SS_BA));
        assertThat(AttributeValues.equalsIgnoringSetOrder(one, two)).isTrue();
        assertThat(AttributeValues.equalsIgnoringSetOrder(one, swapped)).isFalse();
        assertThat(AttributeValues.equalsIgnoringSetOrder(one,
                new AttributeValue.ListValue(List.of(SS_AB)))).isFalse();
    }

    @Test
    void mapsIgnoreEntryOrder() {
        Map<String, AttributeValue> left = new LinkedHashMap<>();
        left.put("x", SS_AB);
        left.put("y", AttributeValue.string("s"));
        Map<String, AttributeValue> right = new LinkedHashMap<>();
        right.put("y", AttributeValue.string("s"));
        right.put("x", SS_BA);
        assertThat(AttributeValues.equalsIgnoringSetOrder(new AttributeValue.MapValue(left),
                new AttributeValue.MapValue(right))).isTrue();
        right.put("x", AttributeValue.string("s"));
        assertThat(AttributeValues.equalsIgnoringSetOrder(new AttributeValue.MapValue(left),
                new AttributeValue.MapValue(right))).isFalse();
        assertThat(AttributeValues.equalsIgnoringSetOrder(new AttributeValue.MapValue(left),
                new AttributeValue.MapValue(Map.of("x", SS_AB, "z", AttributeValue.string("s"))))).isFalse();
    }

    @Test
    void scalarsAndTypes() {
        assertThat(AttributeValues.equalsIgnoringSetOrder(AttributeValue.number("1.50"), AttributeValue.number("1.5")))
                .isTrue();
        assertThat(AttributeValues.equalsIgnoringSetOrder(AttributeValue.string("1"), AttributeValue.number(1)))
                .isFalse();
        assertThat(AttributeValues.equalsIgnoringSetOrder(AttributeValue.NullValue.INSTANCE,
                new AttributeValue.NullValue())).isTrue();
        assertThat(AttributeValues.equalsIgnoringSetOrder(AttributeValue.BooleanValue.TRUE,
                AttributeValue.BooleanValue.FALSE)).isFalse();
    }

    @Test
    void immutableOrderedMapKeepsOrder() {
        Map<String, Integer> source = new LinkedHashMap<>();
        for (int i = 20; i > 0; i--) {
            source.put("k" + i, i);
        }
        assertThat(AttributeValues.immutableOrderedMap(source).keySet()).containsExactlyElementsOf(source.keySet());
    }
}
