package io.basalt.model;

import java.util.Map;

/**
 * An item: attribute names to values, in the order the client sent them (which is the order Basalt returns).
 */
public record Item(Map<String, AttributeValue> attributes) {
    public static final Item EMPTY = new Item(Map.of());

    public Item {
        attributes = AttributeValues.immutableOrderedMap(attributes);
    }

    public AttributeValue get(String name) {
        return attributes.get(name);
    }

    public boolean isEmpty() {
        return attributes.isEmpty();
    }

    public int size() {
        return attributes.size();
    }
}
