package io.basalt.expressions.ast;

import java.util.List;

/** A ProjectionExpression (or legacy AttributesToGet): the document paths to return. */
public record ProjectionExpression(List<DocumentPath> paths) {
    public ProjectionExpression {
        paths = List.copyOf(paths);
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("a projection has at least one path");
        }
    }
}
