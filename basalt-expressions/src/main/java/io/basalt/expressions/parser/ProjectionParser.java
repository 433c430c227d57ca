package io.basalt.expressions.parser;

import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.ProjectionExpression;
import java.util.ArrayList;
import java.util.List;

/**
 * Projection expressions: comma-separated document paths (Developer Guide, "Projection expressions"). There are no
 * keywords, so every bare name, {@code set} included, is subject to the reserved-word check.
 */
final class ProjectionParser {
    private ProjectionParser() {
    }

    static ProjectionExpression parse(ParseState state) {
        List<DocumentPath> paths = new ArrayList<>();
        paths.add(state.path());
        while (state.cursor.atSymbol(",")) {
            state.cursor.next();
            paths.add(state.path());
        }
        state.cursor.expectEnd();
        return new ProjectionExpression(paths);
    }
}
