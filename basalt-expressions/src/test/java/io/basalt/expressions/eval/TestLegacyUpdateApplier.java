package io.basalt.expressions.eval;

import static io.basalt.expressions.eval.Trees.item;
import static io.basalt.expressions.eval.Trees.l;
import static io.basalt.expressions.eval.Trees.n;
import static io.basalt.expressions.eval.Trees.ns;
import static io.basalt.expressions.eval.Trees.s;
import static io.basalt.expressions.eval.Trees.ss;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.LegacyUpdate;
import io.basalt.expressions.ast.LegacyUpdate.Kind;
import io.basalt.model.AttributeValue;
import io.basalt.model.BasaltException;
import io.basalt.model.Bytes;
import io.basalt.model.ErrorCode;
import io.basalt.model.Item;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The legacy AttributeUpdates semantics and the messages the applier produces (the request layer's own checks —
 * a missing value, DELETE or ADD of an unsupported type, a key attribute — are pinned by the compat suite's
 * TestLegacyParameters).
 */
class TestLegacyUpdateApplier {
    private static final String TYPE_MISMATCH = "Type mismatch for attribute to update";
    private static final String OVERFLOW =
            "Number overflow. Attempting to store a number with magnitude larger than supported range";

    private static final Item ITEM = item("p", s("k"), "n", n("3"), "ss", ss("a", "b", "c"), "l", l(n("1")),
            "s", s("x"));

    @Test
    void putSetsOrReplacesAndKeepsTheItemsOrder() {
        UpdateResult result = apply(ITEM, action("s", Kind.PUT, s("y")), action("new", Kind.PUT, n("1")));
        assertThat(result.item()).isEqualTo(item("p", s("k"), "n", n("3"), "ss", ss("a", "b", "c"), "l", l(n("1")),
                "s", s("y"), "new", n("1")));
        assertThat(result.updatedPaths()).containsExactly(DocumentPath.of("s"), DocumentPath.of("new"));
    }

    @Test
    void deleteWithoutValueRemovesTheAttributeAndIsSilentWhenAbsent() {
        UpdateResult result = apply(ITEM, action("s", Kind.DELETE, null), action("absent", Kind.DELETE, null));
        assertThat(result.item().attributes()).doesNotContainKeys("s", "absent");
        assertThat(result.updatedPaths()).containsExactly(DocumentPath.of("s"), DocumentPath.of("absent"));
    }

    @Test
    void deleteWithASetRemovesElementsAndTheAttributeWhenNoneRemain() {
        assertThat(apply(ITEM, action("ss", Kind.DELETE, ss("a", "z"))).item().get("ss")).isEqualTo(ss("b", "c"));
        assertThat(apply(ITEM, action("ss", Kind.DELETE, ss("a", "b", "c"))).item().attributes())
                .doesNotContainKey("ss");
        assertThat(apply(ITEM, action("absent", Kind.DELETE, ss("a"))).item()).isEqualTo(ITEM);
    }

    @Test
    void addSumsNumbersUnitesSetsAppendsListsAndCreatesAbsentAttributes() {
        Item item = apply(ITEM, action("n", Kind.ADD, n("-5")), action("ss", Kind.ADD, ss("c", "d")),
                action("l", Kind.ADD, l(n("2"))), action("fresh", Kind.ADD, ns("7"))).item();
        assertThat(item.get("n")).isEqualTo(n("-2"));
        assertThat(item.get("ss")).isEqualTo(ss("a", "b", "c", "d"));
        assertThat(item.get("l")).isEqualTo(l(n("1"), n("2")));
        assertThat(item.get("fresh")).isEqualTo(ns("7"));
        Item binaries = apply(item("b", new AttributeValue.BinarySetValue(List.of(Bytes.wrap(new byte[] {1})))),
                action("b", Kind.ADD, new AttributeValue.BinarySetValue(List.of(Bytes.wrap(new byte[] {2}))))).item();
        assertThat(((AttributeValue.BinarySetValue) binaries.get("b")).values()).hasSize(2);
    }

    @Test
    void aValueOfAnotherTypeIsATypeMismatch() {
        assertValidation(() -> apply(ITEM, action("n", Kind.ADD, ss("x"))), TYPE_MISMATCH);
        assertValidation(() -> apply(ITEM, action("s", Kind.ADD, n("1"))), TYPE_MISMATCH);
        assertValidation(() -> apply(ITEM, action("n", Kind.DELETE, ss("x"))), TYPE_MISMATCH);
        assertValidation(() -> apply(ITEM, action("ss", Kind.DELETE, ns("1"))), TYPE_MISMATCH);
        assertValidation(() -> apply(ITEM, action("s", Kind.DELETE, s("x"))), TYPE_MISMATCH);
    }

    @Test
    void anAdditionBeyondTheNumberRangeOverflows() {
        Item big = item("n", n("9.9999999999999999999999999999999999999E+125"));
        assertValidation(() -> apply(big, action("n", Kind.ADD, n("9.9999999999999999999999999999999999999E+125"))),
                OVERFLOW);
    }

    @Test
    void theApplierDoesNotChangeItsInput() {
        apply(ITEM, action("s", Kind.DELETE, null));
        assertThat(ITEM.get("s")).isEqualTo(s("x"));
    }

    @Test
    void anActionOtherThanDeleteNeedsAValue() {
        assertThatThrownBy(() -> action("a", Kind.PUT, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> action("a", Kind.ADD, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> action(null, Kind.PUT, s("x"))).hasMessage("attribute is null");
    }

    private static LegacyUpdate.Action action(String attribute, Kind kind, AttributeValue value) {
        return new LegacyUpdate.Action(attribute, kind, value);
    }

    private static UpdateResult apply(Item item, LegacyUpdate.Action... actions) {
        return LegacyUpdateApplier.apply(new LegacyUpdate(Arrays.asList(actions)), item);
    }

    private static void assertValidation(Runnable call, String message) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(BasaltException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }
}
