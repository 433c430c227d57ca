package io.basalt.expressions.eval;

import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.PathElement;
import io.basalt.expressions.ast.ProjectionExpression;
import io.basalt.model.AttributeValue;
import io.basalt.model.Item;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Projects an item onto document paths the way DynamoDB's ProjectionExpression does (Alternator
 * test_projection_expression_path): {@code a.b} returns {@code {a: {b: ...}}}; {@code l[1]} returns
 * {@code {l: [element]}}, several indexes of one list coming back compacted in index order; paths that do not
 * resolve (missing, or a key applied to a list, an index to a map) contribute nothing, and no empty container is
 * left behind for them. Selected values are shared, not copied.
 */
public final class Projector {
    private Projector() {
    }

    /** The attributes of item selected by the paths, nested structure preserved (DynamoDB's projection rules). */
    public static Item project(ProjectionExpression projection, Item item) {
        return project(projection.paths(), item);
    }

    /** Same, for a list of paths (used for ReturnValues UPDATED_OLD/UPDATED_NEW over updatedPaths). */
    public static Item project(List<DocumentPath> paths, Item item) {
        Node root = new Node();
        for (DocumentPath path : paths) {
            root.add(path.elements(), 0);
        }
        Map<String, AttributeValue> result = new LinkedHashMap<>();
        for (Map.Entry<String, Node> entry : root.names.entrySet()) {
            AttributeValue value = item.get(entry.getKey());
            AttributeValue projected = value == null ? null : entry.getValue().apply(value);
            if (projected != null) {
                result.put(entry.getKey(), projected);
            }
        }
        return new Item(result);
    }

    /** A trie of the requested paths; a terminal node selects its whole value. */
    private static final class Node {
        private final Map<String, Node> names = new LinkedHashMap<>();
        private final TreeMap<Integer, Node> indexes = new TreeMap<>();
        private boolean terminal;

        void add(List<PathElement> elements, int from) {
            if (from == elements.size()) {
                terminal = true;
                return;
            }
            PathElement element = elements.get(from);
            Node child;
            if (element instanceof PathElement.Index index) {
                child = indexes.computeIfAbsent(index.index(), i -> new Node());
            } else {
                child = names.computeIfAbsent(((PathElement.Name) element).name(), n -> new Node());
            }
            child.add(elements, from + 1);
        }

        /** The part of value this node selects, or null when it selects nothing. */
        AttributeValue apply(AttributeValue value) {
            if (terminal) {
                return value;
            }
            if (value instanceof AttributeValue.MapValue map && !names.isEmpty()) {
                Map<String, AttributeValue> selected = new LinkedHashMap<>();
                for (Map.Entry<String, Node> entry : names.entrySet()) {
                    AttributeValue child = map.values().get(entry.getKey());
                    AttributeValue projected = child == null ? null : entry.getValue().apply(child);
                    if (projected != null) {
                        selected.put(entry.getKey(), projected);
                    }
                }
                return selected.isEmpty() ? null : new AttributeValue.MapValue(selected);
            }
            if (value instanceof AttributeValue.ListValue list && !indexes.isEmpty()) {
                List<AttributeValue> selected = new ArrayList<>();
                for (Map.Entry<Integer, Node> entry : indexes.entrySet()) {
                    if (entry.getKey() >= list.values().size()) {
                        break;
                    }
                    AttributeValue projected = entry.getValue().apply(list.values().get(entry.getKey()));
                    if (projected != null) {
                        selected.add(projected);
                    }
                }
                return selected.isEmpty() ? null : new AttributeValue.ListValue(selected);
            }
            return null;
        }
    }
}
