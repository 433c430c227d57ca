package io.basalt.model;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The attributes a secondary index holds besides its keys.
 *
 * @param nonKeyAttributes the attributes {@code INCLUDE} adds, in the order the client gave them; empty for the
 *     other types
 */
public record Projection(ProjectionType type, List<String> nonKeyAttributes) {
    public static final Projection ALL = new Projection(ProjectionType.ALL, List.of());
    public static final Projection KEYS_ONLY = new Projection(ProjectionType.KEYS_ONLY, List.of());

    public Projection {
        requireNonNull(type, "type is null");
        nonKeyAttributes = List.copyOf(nonKeyAttributes);
        if (type != ProjectionType.INCLUDE && !nonKeyAttributes.isEmpty()) {
            throw new IllegalArgumentException("only INCLUDE projections name non-key attributes");
        }
    }

    public static Projection include(List<String> nonKeyAttributes) {
        return new Projection(ProjectionType.INCLUDE, nonKeyAttributes);
    }
}
