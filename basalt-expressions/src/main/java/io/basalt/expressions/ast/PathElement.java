package io.basalt.expressions.ast;

import static java.util.Objects.requireNonNull;

/**
 * One step of a document path: an attribute or map key name, a {@code #name} placeholder, or a list index.
 *
 * <p>Encoded with a persistent tag per subtype by basalt-partition's {@code ExpressionCodec}: a new subtype needs
 * a new tag there, and tags are never reordered or reused.
 */
public sealed interface PathElement {
    /** A name as written in the expression, or as bound from a placeholder. */
    record Name(String name) implements PathElement {
        public Name {
            requireNonNull(name, "name is null");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A {@code #name} placeholder, resolved from ExpressionAttributeNames when the expression is bound. */
    record NamePlaceholder(String placeholder) implements PathElement {
        public NamePlaceholder {
            requireNonNull(placeholder, "placeholder is null");
            if (!placeholder.startsWith("#")) {
                throw new IllegalArgumentException("name placeholders start with '#': " + placeholder);
            }
        }

        @Override
        public String toString() {
            return placeholder;
        }
    }

    /** A list index, {@code [3]}. */
    record Index(int index) implements PathElement {
        public Index {
            if (index < 0) {
                throw new IllegalArgumentException("negative list index: " + index);
            }
        }

        @Override
        public String toString() {
            return "[" + index + "]";
        }
    }
}
