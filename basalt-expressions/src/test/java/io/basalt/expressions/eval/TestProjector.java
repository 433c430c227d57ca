package io.basalt.expressions.eval;

import static io.basalt.expressions.eval.Trees.item;
import static io.basalt.expressions.eval.Trees.l;
import static io.basalt.expressions.eval.Trees.m;
import static io.basalt.expressions.eval.Trees.n;
import static io.basalt.expressions.eval.Trees.path;
import static io.basalt.expressions.eval.Trees.s;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.ProjectionExpression;
import io.basalt.model.Item;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cases of Alternator test_projection_expression_path, checked there against DynamoDB. */
class TestProjector {
    private static final Item ITEM = item("a", m("b", l(n("2"), n("4"), m("x", s("hi"), "y", s("yo"))), "c", n("5")),
            "b", s("hello"));

    @Test
    void nestedPathsKeepTheirStructure() {
        assertThat(project("a.b[0]")).isEqualTo(item("a", m("b", l(n("2")))));
        assertThat(project("a.b[2].y")).isEqualTo(item("a", m("b", l(m("y", s("yo"))))));
        assertThat(project("a.b[0]", "a.b[1]")).isEqualTo(item("a", m("b", l(n("2"), n("4")))));
        assertThat(project("a.b[2]", "a.b[0]")).isEqualTo(item("a", m("b", l(n("2"), itemB2()))));
        assertThat(project("a.b[0]", "a.c")).isEqualTo(item("a", m("b", l(n("2")), "c", n("5"))));
        assertThat(project("a.c", "b")).isEqualTo(item("a", m("c", n("5")), "b", s("hello")));
        assertThat(project("b")).isEqualTo(item("b", s("hello")));
    }

    @Test
    void missingOrMistypedPathsContributeNothing() {
        for (String missing : List.of("x", "a.b[3]", "a.x", "a.x.y", "a.b[3].x", "a.b.x", "a[0]", "a.b[0].x",
                "a.b[0][0]")) {
            assertThat(project(missing)).as(missing).isEqualTo(Item.EMPTY);
        }
        assertThat(project("a.x", "a.b[0]", "x", "a.b[3].x")).isEqualTo(item("a", m("b", l(n("2")))));
    }

    @Test
    void selectedValuesAreShared() {
        Item projected = Projector.project(new ProjectionExpression(List.of(path("a"))), ITEM);
        assertThat(projected.get("a")).isSameAs(ITEM.get("a"));
    }

    private static io.basalt.model.AttributeValue itemB2() {
        return m("x", s("hi"), "y", s("yo"));
    }

    private static Item project(String... paths) {
        List<DocumentPath> list = new ArrayList<>();
        for (String text : paths) {
            list.add(path(text));
        }
        return Projector.project(new ProjectionExpression(list), ITEM);
    }
}
