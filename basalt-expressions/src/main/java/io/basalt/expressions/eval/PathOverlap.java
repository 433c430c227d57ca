package io.basalt.expressions.eval;

import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.PathElement;
import java.util.List;

/**
 * DynamoDB's symbolic check that no two document paths of one update or projection overlap (one is a prefix of,
 * or equal to, the other) or conflict (at the first position they differ in kind, one names a map key and the
 * other a list index). Following dynalite (db/updateParser.pegjs, whose messages are live-verified in
 * test/updateItem.js), each path is compared with every earlier one, "path one" is the earlier path, and an
 * overlap anywhere is reported in preference to a conflict.
 */
final class PathOverlap {
    private PathOverlap() {
    }

    /** The message for the first overlap, else for the first conflict, else null. */
    static String check(List<DocumentPath> paths) {
        String conflict = null;
        for (int later = 1; later < paths.size(); later++) {
            for (int earlier = 0; earlier < later; earlier++) {
                DocumentPath one = paths.get(earlier);
                DocumentPath two = paths.get(later);
                Relation relation = relate(one, two);
                if (relation == Relation.OVERLAP) {
                    return message("overlap", one, two);
                }
                if (relation == Relation.CONFLICT && conflict == null) {
                    conflict = message("conflict", one, two);
                }
            }
        }
        return conflict;
    }

    private static String message(String kind, DocumentPath one, DocumentPath two) {
        return "Two document paths " + kind + " with each other; must remove or rewrite one of these paths; "
                + "path one: " + Messages.render(one) + ", path two: " + Messages.render(two);
    }

    enum Relation { DISJOINT, OVERLAP, CONFLICT }

    static Relation relate(DocumentPath one, DocumentPath two) {
        List<PathElement> a = one.elements();
        List<PathElement> b = two.elements();
        for (int i = 0; i < a.size() && i < b.size(); i++) {
            PathElement x = a.get(i);
            PathElement y = b.get(i);
            if (x.getClass() != y.getClass()) {
                return Relation.CONFLICT;
            }
            if (!x.equals(y)) {
                return Relation.DISJOINT;
            }
        }
        return Relation.OVERLAP;
    }
}
