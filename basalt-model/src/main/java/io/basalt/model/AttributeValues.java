package io.basalt.model;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Helpers over attribute values that do not belong to a single value type. */
public final class AttributeValues {
    private AttributeValues() {
    }

    /** An unmodifiable copy that keeps {@code map}'s iteration order (Map.copyOf does not). */
    public static <V> Map<String, V> immutableOrderedMap(Map<String, V> map) {
        if (map.isEmpty()) {
            return Map.of();
        }
        LinkedHashMap<String, V> copy = new LinkedHashMap<>(capacityFor(map.size()));
        for (Map.Entry<String, V> entry : map.entrySet()) {
            copy.put(java.util.Objects.requireNonNull(entry.getKey(), "map key is null"),
                    java.util.Objects.requireNonNull(entry.getValue(), "map value is null"));
        }
        return Collections.unmodifiableMap(copy);
    }

    public static int capacityFor(int size) {
        return size < 3 ? size + 1 : (int) (size / 0.75f) + 1;
    }

    /**
     * Orders strings by their UTF-8 bytes, as DynamoDB orders string keys and comparisons. UTF-8 byte order is
     * code point order, which differs from {@link String#compareTo} (UTF-16 units) for supplementary characters
     * against U+E000..U+FFFF; comparing code points avoids encoding the strings.
     */
    public static int compareUtf8(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i);
            int y = b.codePointAt(j);
            if (x != y) {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /** DynamoDB equality: like {@code equals}, but sets compare as sets. */
    public static boolean equalsIgnoringSetOrder(AttributeValue a, AttributeValue b) {
        if (a.type() != b.type()) {
            return false;
        }
        switch (a.type()) {
            case SS:
                return sameElements(((AttributeValue.StringSetValue) a).values(),
                        ((AttributeValue.StringSetValue) b).values());
            case NS:
                return sameElements(((AttributeValue.NumberSetValue) a).values(),
                        ((AttributeValue.NumberSetValue) b).values());
            case BS:
                return sameElements(((AttributeValue.BinarySetValue) a).values(),
                        ((AttributeValue.BinarySetValue) b).values());
            case L: {
                List<AttributeValue> left = ((AttributeValue.ListValue) a).values();
                List<AttributeValue> right = ((AttributeValue.ListValue) b).values();
                if (left.size() != right.size()) {
                    return false;
                }
                for (int i = 0; i < left.size(); i++) {
                    if (!equalsIgnoringSetOrder(left.get(i), right.get(i))) {
                        return false;
                    }
                }
                return true;
            }
            case M: {
                Map<String, AttributeValue> left = ((AttributeValue.MapValue) a).values();
                Map<String, AttributeValue> right = ((AttributeValue.MapValue) b).values();
                if (left.size() != right.size()) {
                    return false;
                }
                for (Map.Entry<String, AttributeValue> entry : left.entrySet()) {
                    AttributeValue other = right.get(entry.getKey());
                    if (other == null || !equalsIgnoringSetOrder(entry.getValue(), other)) {
                        return false;
                    }
                }
                return true;
            }
            case S:
            case N:
            case B:
            case BOOL:
            case NULL:
                return a.equals(b);
        }
        throw new AssertionError(a.type());
    }

    private static <T> boolean sameElements(List<T> left, List<T> right) {
        if (left.size() != right.size()) {
            return false;
        }
        Set<T> set = new HashSet<>(left);
        return set.containsAll(right);
    }
}
