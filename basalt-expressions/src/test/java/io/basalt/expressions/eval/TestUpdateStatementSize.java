package io.basalt.expressions.eval;

import static io.basalt.expressions.eval.TestExpressionValidator.set;
import static io.basalt.expressions.eval.TestExpressionValidator.update;
import static io.basalt.expressions.eval.Trees.item;
import static io.basalt.expressions.eval.Trees.l;
import static io.basalt.expressions.eval.Trees.m;
import static io.basalt.expressions.eval.Trees.n;
import static io.basalt.expressions.eval.Trees.p;
import static io.basalt.expressions.eval.Trees.path;
import static io.basalt.expressions.eval.Trees.s;
import static io.basalt.expressions.eval.Trees.ss;
import static io.basalt.expressions.eval.Trees.v;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.expressions.ast.Operand;
import io.basalt.expressions.ast.UpdateExpression;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The statement size of an UpdateItem, against the figures measured on DynamoDB (paritysuite/dynamodb-conformance
 * tests/tier3/limits/itemSizeBySurface.test.ts): 3 for the update, 19 plus target plus operand per SET or ADD, 1
 * plus target per REMOVE or DELETE, and the operand and target costs listed in {@link UpdateStatementSize}.
 */
class TestUpdateStatementSize {
    @Test
    void aSetCostsNineteenPlusWhatItWrites() {
        // SET b = :pad, pad 100 bytes: 3 + 19 + 1 + 100.
        assertThat(size(update(set("b", v(s("x".repeat(100)))), List.of(), List.of(), List.of()))).isEqualTo(123);
        // A second clause costs 19 plus its own target and value.
        assertThat(size(update(set("b", v(s("x".repeat(100))), "c", v(s("y"))), List.of(), List.of(), List.of())))
                .isEqualTo(123 + 19 + 1 + 1);
    }

    @Test
    void aRemoveOrDeleteCostsOnePlusItsTarget() {
        UpdateExpression remove = update(set("b", v(s("x"))), List.of(path("r")), List.of(), List.of());
        assertThat(size(remove)).isEqualTo(3 + 19 + 1 + 1 + 2);
        UpdateExpression delete = update(List.of(), List.of(), List.of(),
                List.of(new UpdateExpression.DeleteAction(path("tags"), v(ss("a", "b")))));
        assertThat(size(delete)).isEqualTo(3 + 1 + 4);
    }

    @Test
    void laterTargetElementsCostFourPlusTheirBytes() {
        // d.leaf: 1 + 4 + 4; d[10]: 1 + 4 + 2.
        assertThat(size(update(set("d.leaf", v(s("x"))), List.of(), List.of(), List.of())))
                .isEqualTo(3 + 19 + 9 + 1);
        assertThat(size(update(set("d[10]", v(s("x"))), List.of(), List.of(), List.of())))
                .isEqualTo(3 + 19 + 7 + 1);
    }

    @Test
    void aSetThroughAListIndexCostsOneByteMoreThanTheWholeList() {
        long whole = size(update(set("d", v(l(s("x".repeat(50))))), List.of(), List.of(), List.of()));
        long indexed = size(update(set("d[0]", v(s("x".repeat(50)))), List.of(), List.of(), List.of()));
        assertThat(indexed - whole).isEqualTo(1);
        long map = size(update(set("d", v(m("leaf", s("x".repeat(50))))), List.of(), List.of(), List.of()));
        long nested = size(update(set("d.leaf", v(s("x".repeat(50)))), List.of(), List.of(), List.of()));
        assertThat(nested).isEqualTo(map);
    }

    @Test
    void operandsAreChargedForTheRequestNotForWhatTheyRead() {
        // c = m.z: 1 + (14 + 1) + (14 + 1).
        assertThat(size(update(set("c", p("m.z")), List.of(), List.of(), List.of()))).isEqualTo(3 + 19 + 1 + 31);
        Operand plus = new Operand.Arithmetic(p("n"), Operand.ArithmeticOperator.PLUS, v(n("1")));
        assertThat(size(update(set("n", plus), List.of(), List.of(), List.of()))).isEqualTo(3 + 19 + 1 + 34 + 16 + 2);
        Operand minus = new Operand.Arithmetic(p("n"), Operand.ArithmeticOperator.MINUS, v(n("1")));
        assertThat(size(update(set("n", minus), List.of(), List.of(), List.of()))).isEqualTo(3 + 19 + 1 + 37 + 16 + 2);
        Operand ifNotExists = new Operand.IfNotExists(path("n"), v(n("1")));
        assertThat(size(update(set("n", ifNotExists), List.of(), List.of(), List.of())))
                .isEqualTo(3 + 19 + 1 + 39 + 16 + 2);
        Operand append = new Operand.ListAppend(p("l"), v(l(s("x"))));
        assertThat(size(update(set("l", append), List.of(), List.of(), List.of())))
                .isEqualTo(3 + 19 + 1 + 37 + 16 + 5);
    }

    @Test
    void anAddIsChargedOnlyForTheMembersItAdds() {
        UpdateExpression add = update(List.of(), List.of(), List.of(new UpdateExpression.AddAction(path("tags"),
                v(ss("aa", "bbb")))), List.of());
        assertThat(UpdateStatementSize.dependsOnItem(add)).isTrue();
        assertThat(UpdateStatementSize.ofRequest(add)).isEqualTo(3 + 19 + 4 + 5);
        assertThat(UpdateStatementSize.of(add, null)).isEqualTo(3 + 19 + 4 + 5);
        assertThat(UpdateStatementSize.of(add, item("tags", ss("aa")))).isEqualTo(3 + 19 + 4 + 3);
        assertThat(UpdateStatementSize.of(add, item("tags", ss("aa", "bbb")))).isEqualTo(3 + 19 + 4);
        UpdateExpression counter = update(List.of(), List.of(), List.of(new UpdateExpression.AddAction(path("c"),
                v(n("5")))), List.of());
        assertThat(UpdateStatementSize.of(counter, item("c", n("1")))).isEqualTo(3 + 19 + 1 + 2);
    }

    private static long size(UpdateExpression update) {
        assertThat(UpdateStatementSize.of(update, null)).isEqualTo(UpdateStatementSize.ofRequest(update));
        return UpdateStatementSize.ofRequest(update);
    }
}
