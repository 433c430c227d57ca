package io.basalt.expressions.eval;

import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.PathElement;
import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.AttributeValues;
import io.basalt.model.Bytes;
import io.basalt.model.Item;
import java.util.List;

/** Value operations shared by the evaluators: path resolution, equality, ordering, size, containment. */
final class Values {
    private Values() {
    }

    /** The value at a path, walking the item's maps and lists; null when any step is missing or mistyped. */
    static AttributeValue resolve(Item item, DocumentPath path) {
        if (item == null) {
            return null;
        }
        List<PathElement> elements = path.elements();
        AttributeValue current = item.get(((PathElement.Name) elements.get(0)).name());
        for (int i = 1; i < elements.size() && current != null; i++) {
            current = child(current, elements.get(i));
        }
        return current;
    }

    /** One step down; null when the container has no such child or is not the right kind of container. */
    static AttributeValue child(AttributeValue container, PathElement element) {
        if (element instanceof PathElement.Name name) {
            return container instanceof AttributeValue.MapValue map ? map.values().get(name.name()) : null;
        }
        if (element instanceof PathElement.Index index && container instanceof AttributeValue.ListValue list) {
            return index.index() < list.values().size() ? list.values().get(index.index()) : null;
        }
        return null;
    }

    /** DynamoDB equality: different types are unequal, sets compare as sets, lists and maps structurally. */
    static boolean equal(AttributeValue a, AttributeValue b) {
        return AttributeValues.equalsIgnoringSetOrder(a, b);
    }

    /** The types {@code < <= > >=} and BETWEEN order ("Comparison operator and function reference"). */
    static boolean isOrderable(AttributeType type) {
        return type == AttributeType.S || type == AttributeType.N || type == AttributeType.B;
    }

    /** Compares two values of the same orderable type. */
    static int compare(AttributeValue a, AttributeValue b) {
        if (a instanceof AttributeValue.NumberValue x && b instanceof AttributeValue.NumberValue y) {
            return x.value().compareTo(y.value());
        }
        if (a instanceof AttributeValue.StringValue x && b instanceof AttributeValue.StringValue y) {
            return compareUtf8(x.value(), y.value());
        }
        if (a instanceof AttributeValue.BinaryValue x && b instanceof AttributeValue.BinaryValue y) {
            return x.value().compareTo(y.value());
        }
        throw new IllegalArgumentException("not comparable: " + a.type() + " and " + b.type());
    }

    /** Orders strings by their UTF-8 bytes, as DynamoDB does. */
    static int compareUtf8(String a, String b) {
        return AttributeValues.compareUtf8(a, b);
    }

    /**
     * size(): string length in UTF-16 code units (what DynamoDB counts: ExtendDB PR #67 verified
     * size("é𝄞") = 3 against DynamoDB), bytes of a binary, elements of a set or list, entries of a map;
     * -1 for N, BOOL and NULL, for which the comparison is simply false (Alternator test_update_condition_size).
     */
    static int size(AttributeValue value) {
        if (value instanceof AttributeValue.StringValue s) {
            return s.value().length();
        } else if (value instanceof AttributeValue.BinaryValue b) {
            return b.value().length();
        } else if (value instanceof AttributeValue.ListValue l) {
            return l.values().size();
        } else if (value instanceof AttributeValue.MapValue m) {
            return m.values().size();
        } else if (value instanceof AttributeValue.StringSetValue s) {
            return s.values().size();
        } else if (value instanceof AttributeValue.NumberSetValue s) {
            return s.values().size();
        } else if (value instanceof AttributeValue.BinarySetValue s) {
            return s.values().size();
        }
        return -1;
    }

    /**
     * contains(): substring of a string or binary, member of a set of the matching element type, or element of a
     * list (any value); false for everything else (Alternator test_update_condition_contains).
     */
    static boolean contains(AttributeValue haystack, AttributeValue needle) {
        if (haystack instanceof AttributeValue.StringValue s) {
            return needle instanceof AttributeValue.StringValue n && s.value().contains(n.value());
        } else if (haystack instanceof AttributeValue.BinaryValue b) {
            return needle instanceof AttributeValue.BinaryValue n && indexOf(b.value(), n.value()) >= 0;
        } else if (haystack instanceof AttributeValue.StringSetValue s) {
            return needle instanceof AttributeValue.StringValue n && s.values().contains(n.value());
        } else if (haystack instanceof AttributeValue.NumberSetValue s) {
            return needle instanceof AttributeValue.NumberValue n && s.values().contains(n.value());
        } else if (haystack instanceof AttributeValue.BinarySetValue s) {
            return needle instanceof AttributeValue.BinaryValue n && s.values().contains(n.value());
        } else if (haystack instanceof AttributeValue.ListValue l) {
            for (AttributeValue element : l.values()) {
                if (equal(element, needle)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** begins_with(): string or binary prefix of the same type; false otherwise. */
    static boolean beginsWith(AttributeValue value, AttributeValue prefix) {
        if (value instanceof AttributeValue.StringValue s && prefix instanceof AttributeValue.StringValue p) {
            return s.value().startsWith(p.value());
        }
        if (value instanceof AttributeValue.BinaryValue b && prefix instanceof AttributeValue.BinaryValue p) {
            return b.value().startsWith(p.value());
        }
        return false;
    }

    private static int indexOf(Bytes haystack, Bytes needle) {
        byte[] h = haystack.unsafeArray();
        byte[] n = needle.unsafeArray();
        outer:
        for (int i = 0; i + n.length <= h.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (h[i + j] != n[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
