package io.basalt.expressions.ast;

import java.util.List;

/**
 * A document path such as {@code a.b[3].#c}: a top-level attribute name followed by map keys and list indexes.
 * The first element is never an index.
 */
public record DocumentPath(List<PathElement> elements) {
    public DocumentPath {
        elements = List.copyOf(elements);
        if (elements.isEmpty()) {
            throw new IllegalArgumentException("a document path has at least one element");
        }
        if (elements.get(0) instanceof PathElement.Index) {
            throw new IllegalArgumentException("a document path starts with a name: " + elements);
        }
    }

    public static DocumentPath of(String attribute) {
        return new DocumentPath(List.of(new PathElement.Name(attribute)));
    }

    public PathElement first() {
        return elements.get(0);
    }

    public int size() {
        return elements.size();
    }

    /** Whether every name is bound (no {@code #name} placeholder left). */
    public boolean isBound() {
        for (PathElement element : elements) {
            if (element instanceof PathElement.NamePlaceholder) {
                return false;
            }
        }
        return true;
    }

    /** The top-level attribute name of a bound path. */
    public String attributeName() {
        if (!(elements.get(0) instanceof PathElement.Name name)) {
            throw new IllegalStateException("path is not bound: " + this);
        }
        return name.name();
    }

    /** The path as written: {@code a.b[3].#c}. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (PathElement element : elements) {
            if (element instanceof PathElement.Index) {
                text.append(element);
            } else {
                if (text.length() > 0) {
                    text.append('.');
                }
                text.append(element);
            }
        }
        return text.toString();
    }
}
