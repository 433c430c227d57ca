package io.basalt.expressions.eval;

import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.PathElement;
import io.basalt.model.AttributeValue;
import io.basalt.model.Item;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An item being updated. Only the maps and lists on the paths of the update are unfrozen into mutable nodes; all
 * other values stay the item's own immutable values and are shared with the result.
 *
 * <p>List indexes always refer to the list as it was before the update, as in DynamoDB ("REMOVE a[1] SET a[3]"
 * sets the original a[3]; Alternator test_update_expression_nested_remove_list_item_original_number): removals
 * only mark elements, and SETs past the end are collected and appended in index order when the list is frozen
 * (Developer Guide, "Update expressions": "If you add multiple elements in a single SET operation, the elements
 * are sorted in order by element number").
 */
final class MutableDocument {
    private final MutableMap top;

    MutableDocument(Item item) {
        top = new MutableMap(item.attributes());
    }

    /** The container that holds the path's last element, or null when the path does not lead to one. */
    Object parentOf(DocumentPath path) {
        List<PathElement> elements = path.elements();
        Object current = top;
        for (int i = 0; i < elements.size() - 1; i++) {
            current = unfrozenChild(current, elements.get(i));
            if (current == null) {
                return null;
            }
        }
        PathElement last = elements.get(elements.size() - 1);
        boolean fits = last instanceof PathElement.Name ? current instanceof MutableMap
                : current instanceof MutableList;
        return fits ? current : null;
    }

    private static Object unfrozenChild(Object container, PathElement element) {
        if (container instanceof MutableMap map && element instanceof PathElement.Name name) {
            Object child = unfreeze(map.entries.get(name.name()));
            if (child != null) {
                map.entries.put(name.name(), child);
            }
            return child;
        }
        if (container instanceof MutableList list && element instanceof PathElement.Index index
                && index.index() < list.elements.size() && !list.removed.get(index.index())) {
            Object child = unfreeze(list.elements.get(index.index()));
            list.elements.set(index.index(), child);
            return child;
        }
        return null;
    }

    private static Object unfreeze(Object value) {
        if (value instanceof AttributeValue.MapValue map) {
            return new MutableMap(map.values());
        }
        if (value instanceof AttributeValue.ListValue list) {
            return new MutableList(list.values());
        }
        return value;
    }

    /** The current value at the last element of a path under parent, or null. */
    static AttributeValue get(Object parent, PathElement last) {
        if (parent instanceof MutableMap map) {
            return freeze(map.entries.get(((PathElement.Name) last).name()));
        }
        MutableList list = (MutableList) parent;
        int index = ((PathElement.Index) last).index();
        if (index < list.elements.size()) {
            return list.removed.get(index) ? null : freeze(list.elements.get(index));
        }
        return freeze(list.appends.get(index));
    }

    /** Sets the last element; an index past the end of a list appends. */
    static void put(Object parent, PathElement last, AttributeValue value) {
        if (parent instanceof MutableMap map) {
            map.entries.put(((PathElement.Name) last).name(), value);
            return;
        }
        MutableList list = (MutableList) parent;
        int index = ((PathElement.Index) last).index();
        if (index < list.elements.size()) {
            list.elements.set(index, value);
        } else {
            list.appends.put(index, value);
        }
    }

    /** Removes the last element; a missing one is a no-op. */
    static void remove(Object parent, PathElement last) {
        if (parent instanceof MutableMap map) {
            map.entries.remove(((PathElement.Name) last).name());
            return;
        }
        MutableList list = (MutableList) parent;
        int index = ((PathElement.Index) last).index();
        if (index < list.elements.size()) {
            list.removed.set(index);
        } else {
            list.appends.remove(index);
        }
    }

    Item toItem() {
        Map<String, AttributeValue> attributes = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : top.entries.entrySet()) {
            attributes.put(entry.getKey(), freeze(entry.getValue()));
        }
        return new Item(attributes);
    }

    private static AttributeValue freeze(Object node) {
        if (node instanceof MutableMap map) {
            Map<String, AttributeValue> values = new LinkedHashMap<>();
            for (Map.Entry<String, Object> entry : map.entries.entrySet()) {
                values.put(entry.getKey(), freeze(entry.getValue()));
            }
            return new AttributeValue.MapValue(values);
        }
        if (node instanceof MutableList list) {
            List<AttributeValue> values = new ArrayList<>(list.elements.size() + list.appends.size());
            for (int i = 0; i < list.elements.size(); i++) {
                if (!list.removed.get(i)) {
                    values.add(freeze(list.elements.get(i)));
                }
            }
            for (Object appended : list.appends.values()) {
                values.add(freeze(appended));
            }
            return new AttributeValue.ListValue(values);
        }
        return (AttributeValue) node;
    }

    private static final class MutableMap {
        private final LinkedHashMap<String, Object> entries;

        MutableMap(Map<String, AttributeValue> values) {
            entries = new LinkedHashMap<>(values);
        }
    }

    private static final class MutableList {
        private final List<Object> elements;
        private final BitSet removed = new BitSet();
        private final TreeMap<Integer, Object> appends = new TreeMap<>();

        MutableList(List<AttributeValue> values) {
            elements = new ArrayList<>(values);
        }
    }
}
