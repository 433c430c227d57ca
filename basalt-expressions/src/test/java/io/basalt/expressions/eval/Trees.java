package io.basalt.expressions.eval;

import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.Operand;
import io.basalt.expressions.ast.PathElement;
import io.basalt.model.AttributeValue;
import io.basalt.model.DynamoNumber;
import io.basalt.model.Item;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Terse builders for bound trees and values in tests. */
final class Trees {
    private Trees() {
    }

    /** A path such as {@code a.b[2].c}. */
    static DocumentPath path(String text) {
        List<PathElement> elements = new ArrayList<>();
        for (String part : text.split("\\.")) {
            int bracket = part.indexOf('[');
            String name = bracket < 0 ? part : part.substring(0, bracket);
            if (!name.isEmpty()) {
                elements.add(new PathElement.Name(name));
            }
            while (bracket >= 0) {
                int close = part.indexOf(']', bracket);
                elements.add(new PathElement.Index(Integer.parseInt(part.substring(bracket + 1, close))));
                bracket = part.indexOf('[', close);
            }
        }
        return new DocumentPath(elements);
    }

    static Operand.Path p(String text) {
        return new Operand.Path(path(text));
    }

    static Operand.Literal v(AttributeValue value) {
        return new Operand.Literal(value, ":v");
    }

    static AttributeValue s(String value) {
        return AttributeValue.string(value);
    }

    static AttributeValue n(String value) {
        return AttributeValue.number(value);
    }

    static AttributeValue b(String utf8) {
        return AttributeValue.binary(utf8.getBytes(StandardCharsets.UTF_8));
    }

    static AttributeValue bool(boolean value) {
        return AttributeValue.BooleanValue.of(value);
    }

    static AttributeValue nul() {
        return AttributeValue.NullValue.INSTANCE;
    }

    static AttributeValue l(AttributeValue... values) {
        return new AttributeValue.ListValue(List.of(values));
    }

    static AttributeValue ss(String... values) {
        return new AttributeValue.StringSetValue(List.of(values));
    }

    static AttributeValue ns(String... values) {
        List<DynamoNumber> numbers = new ArrayList<>();
        for (String value : values) {
            numbers.add(DynamoNumber.parse(value));
        }
        return new AttributeValue.NumberSetValue(numbers);
    }

    static AttributeValue bs(String... utf8) {
        List<io.basalt.model.Bytes> bytes = new ArrayList<>();
        for (String value : utf8) {
            bytes.add(io.basalt.model.Bytes.copyOf(value.getBytes(StandardCharsets.UTF_8)));
        }
        return new AttributeValue.BinarySetValue(bytes);
    }

    /** A map from alternating keys and values. */
    static AttributeValue m(Object... keysAndValues) {
        return new AttributeValue.MapValue(entries(keysAndValues));
    }

    static Item item(Object... keysAndValues) {
        return new Item(entries(keysAndValues));
    }

    private static Map<String, AttributeValue> entries(Object... keysAndValues) {
        Map<String, AttributeValue> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], (AttributeValue) keysAndValues[i + 1]);
        }
        return map;
    }
}
