package io.basalt.model;

import static java.util.Objects.requireNonNull;

/** A key attribute of a table or index: its name and scalar type (S, N or B). */
public record KeyAttribute(String name, AttributeType type) {
    public KeyAttribute {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        if (!type.isScalarKeyType()) {
            throw new IllegalArgumentException("key attribute type must be S, N or B: " + type);
        }
    }
}
