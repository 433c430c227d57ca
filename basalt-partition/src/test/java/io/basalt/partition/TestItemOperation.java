package io.basalt.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.LegacyUpdate;
import io.basalt.expressions.ast.Operand;
import io.basalt.expressions.ast.UpdateExpression;
import io.basalt.model.AttributeValue;
import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.model.Item;
import io.basalt.model.ItemSize;
import io.basalt.model.Limits;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.encoding.ItemCodec;
import io.basalt.partition.encoding.StoredItem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TestItemOperation {
    private static final PrimaryKey KEY = new PrimaryKey(AttributeValue.string("k1"), Optional.empty());
    private static final Item KEY_ITEM = item("pk", AttributeValue.string("k1"));
    private static final Item CURRENT = item("pk", AttributeValue.string("k1"), "a", AttributeValue.number(1));
    private static final Item NEW = item("pk", AttributeValue.string("k1"), "b", AttributeValue.number(2));
    /** {@code attribute_exists(x) AND attribute_not_exists(x)}: false whatever the item. */
    private static final Condition NEVER = new Condition.And(new Condition.AttributeExists(DocumentPath.of("x")),
            new Condition.AttributeNotExists(DocumentPath.of("x")));
    /** {@code a = :one}. */
    private static final Condition A_IS_ONE = new Condition.Comparison(new Operand.Path(DocumentPath.of("a")),
            Condition.Comparator.EQ, literal(AttributeValue.number(1)));
    /** {@code SET touched = :t REMOVE a}. */
    private static final ItemUpdate TOUCH = ExpressionItemUpdate.sizedByItem(new UpdateExpression(
            List.of(new UpdateExpression.SetAction(DocumentPath.of("touched"),
                    literal(AttributeValue.BooleanValue.TRUE))),
            List.of(DocumentPath.of("a")), List.of(), List.of()));

    @Test
    void putReplacesTheItem() {
        WriteOutcome outcome = new PutItemOperation(KEY, NEW).evaluate(stored(CURRENT));
        assertThat(outcome.oldItem()).isEqualTo(CURRENT);
        assertThat(outcome.newItem()).isEqualTo(NEW);
        assertThat(outcome.updatedPaths()).isEmpty();
        assertThat(outcome.existedBefore()).isTrue();
        assertThat(outcome.existsAfter()).isTrue();

        WriteOutcome created = new PutItemOperation(KEY, NEW).evaluate(null);
        assertThat(created.oldItem()).isNull();
        assertThat(created.existedBefore()).isFalse();
    }

    @Test
    void deleteRemovesTheItemAndDeletingAnAbsentItemChangesNothing() {
        WriteOutcome outcome = new DeleteItemOperation(KEY).evaluate(stored(CURRENT));
        assertThat(outcome.oldItem()).isEqualTo(CURRENT);
        assertThat(outcome.newItem()).isNull();
        assertThat(outcome.existsAfter()).isFalse();

        WriteOutcome absent = new DeleteItemOperation(KEY).evaluate(null);
        assertThat(absent.existedBefore()).isFalse();
        assertThat(absent.existsAfter()).isFalse();
    }

    @Test
    void theConditionIsEvaluatedOnTheCurrentImage() {
        assertThat(new PutItemOperation(KEY, NEW, A_IS_ONE).evaluate(stored(CURRENT)).newItem()).isEqualTo(NEW);
        assertThatThrownBy(() -> new PutItemOperation(KEY, NEW, A_IS_ONE).evaluate(stored(NEW)))
                .isInstanceOf(ConditionalCheckFailedException.class);
        Condition absent = new Condition.AttributeNotExists(DocumentPath.of("pk"));
        assertThat(new DeleteItemOperation(KEY, absent).evaluate(null).existsAfter()).isFalse();
        assertThatThrownBy(() -> new DeleteItemOperation(KEY, absent).evaluate(stored(CURRENT)))
                .isInstanceOf(ConditionalCheckFailedException.class);
        assertThat(new UpdateItemOperation(KEY, KEY_ITEM, NoItemUpdate.INSTANCE, A_IS_ONE).evaluate(stored(CURRENT))
                .newItem()).isEqualTo(CURRENT);
        WriteOutcome checked = new ConditionCheckOperation(KEY, A_IS_ONE).evaluate(stored(CURRENT));
        assertThat(checked.newItem()).isEqualTo(checked.oldItem()).isEqualTo(CURRENT);
        assertThat(new PutItemOperation(KEY, NEW, A_IS_ONE).condition()).isEqualTo(A_IS_ONE);
        assertThat(new PutItemOperation(KEY, NEW).condition()).isNull();
    }

    @Test
    void falseConditionFailsEveryOperationWithTheCurrentItem() {
        List<ItemOperation> operations = List.of(new PutItemOperation(KEY, NEW, NEVER),
                new DeleteItemOperation(KEY, NEVER),
                new UpdateItemOperation(KEY, KEY_ITEM, NoItemUpdate.INSTANCE, NEVER),
                new ConditionCheckOperation(KEY, NEVER));
        for (ItemOperation operation : operations) {
            for (Item current : new Item[] {CURRENT, null}) {
                assertThatThrownBy(() -> operation.evaluate(stored(current)))
                        .isInstanceOfSatisfying(ConditionalCheckFailedException.class, e -> {
                            assertThat(e.code()).isEqualTo(ErrorCode.CONDITIONAL_CHECK_FAILED);
                            assertThat(e.getMessage()).isEqualTo("The conditional request failed");
                            assertThat(e.currentItem()).isEqualTo(current);
                            assertThat(e.returnItem()).isFalse();
                            assertThat(e.returningItem().returnItem()).isTrue();
                            assertThat(e.returningItem().currentItem()).isEqualTo(current);
                        });
            }
        }
    }

    @Test
    void aFailedConditionNeverRunsTheUpdate() {
        // The update would fail on this item (ADD of a number to a string); the condition fails first.
        ItemUpdate failing = ExpressionItemUpdate.sizedByItem(new UpdateExpression(List.of(), List.of(),
                List.of(new UpdateExpression.AddAction(DocumentPath.of("pk"), literal(AttributeValue.number(1)))),
                List.of()));
        assertThatThrownBy(() -> new UpdateItemOperation(KEY, KEY_ITEM, failing, NEVER).evaluate(stored(CURRENT)))
                .isInstanceOf(ConditionalCheckFailedException.class);
        assertThatThrownBy(() -> new UpdateItemOperation(KEY, KEY_ITEM, failing, null).evaluate(stored(CURRENT)))
                .isInstanceOfSatisfying(BasaltException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION));
    }

    @Test
    void updateOfAnAbsentItemStartsFromTheKeyItemAndIgnoresRemovals() {
        WriteOutcome outcome = new UpdateItemOperation(KEY, KEY_ITEM, TOUCH, null).evaluate(null);
        assertThat(outcome.oldItem()).isNull();
        assertThat(outcome.newItem()).isEqualTo(with(KEY_ITEM, "touched", AttributeValue.BooleanValue.TRUE));
        assertThat(outcome.updatedPaths()).containsExactly(DocumentPath.of("touched"), DocumentPath.of("a"));
    }

    @Test
    void updateOfAnExistingItemStartsFromIt() {
        WriteOutcome outcome = new UpdateItemOperation(KEY, KEY_ITEM, TOUCH, null).evaluate(stored(CURRENT));
        assertThat(outcome.oldItem()).isEqualTo(CURRENT);
        assertThat(outcome.newItem()).isEqualTo(with(KEY_ITEM, "touched", AttributeValue.BooleanValue.TRUE));
    }

    @Test
    void anUpdateThatOnlyRemovesDoesNotCreateAnAbsentItem() {
        ItemUpdate remove = ExpressionItemUpdate.sizedByItem(new UpdateExpression(List.of(),
                List.of(DocumentPath.of("a")), List.of(), List.of()));
        WriteOutcome outcome = new UpdateItemOperation(KEY, KEY_ITEM, remove, null).evaluate(null);
        assertThat(outcome.newItem()).isNull();
        assertThat(outcome.updatedPaths()).containsExactly(DocumentPath.of("a"));
    }

    @Test
    void aLegacyUpdateAppliesItsActions() {
        ItemUpdate legacy = new LegacyItemUpdate(new LegacyUpdate(List.of(
                new LegacyUpdate.Action("a", LegacyUpdate.Kind.ADD, AttributeValue.number(2)),
                new LegacyUpdate.Action("gone", LegacyUpdate.Kind.DELETE, null))));
        WriteOutcome existing = new UpdateItemOperation(KEY, KEY_ITEM, legacy, null).evaluate(stored(CURRENT));
        assertThat(existing.newItem()).isEqualTo(with(KEY_ITEM, "a", AttributeValue.number(3)));
        assertThat(existing.updatedPaths()).containsExactly(DocumentPath.of("a"), DocumentPath.of("gone"));
        WriteOutcome created = new UpdateItemOperation(KEY, KEY_ITEM, legacy, null).evaluate(null);
        assertThat(created.newItem()).isEqualTo(with(KEY_ITEM, "a", AttributeValue.number(2)));
    }

    @Test
    void emptyUpdateCreatesTheItemWithOnlyItsKey() {
        WriteOutcome outcome = new UpdateItemOperation(KEY, KEY_ITEM, NoItemUpdate.INSTANCE, null).evaluate(null);
        assertThat(outcome.newItem()).isEqualTo(KEY_ITEM);
        assertThat(outcome.updatedPaths()).isEmpty();
    }

    @Test
    void updateResultOverTheItemSizeLimitIsRejected() {
        Item exactlyAtLimit = padded(KEY_ITEM, Limits.MAX_ITEM_SIZE_BYTES);
        Item oneByteOver = padded(KEY_ITEM, Limits.MAX_ITEM_SIZE_BYTES + 1);
        assertThat(ItemSize.of(exactlyAtLimit)).isEqualTo(Limits.MAX_ITEM_SIZE_BYTES);

        WriteOutcome atLimit = new UpdateItemOperation(KEY, KEY_ITEM, setPad(exactlyAtLimit), null).evaluate(null);
        assertThat(atLimit.newItem()).isEqualTo(exactlyAtLimit);

        for (Item current : new Item[] {null, CURRENT}) {
            assertThatThrownBy(() -> new UpdateItemOperation(KEY, KEY_ITEM, setPad(oneByteOver), null)
                    .evaluate(stored(current)))
                    .isInstanceOfSatisfying(BasaltException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION);
                        assertThat(e.getMessage())
                                .isEqualTo("Item size to update has exceeded the maximum allowed size");
                    });
        }
    }

    @Test
    void aStandaloneUpdateIsSizedByItsStatementBeforeTheCondition() {
        UpdateExpression huge = new UpdateExpression(List.of(new UpdateExpression.SetAction(DocumentPath.of("pad"),
                literal(AttributeValue.string("x".repeat(Limits.MAX_ITEM_SIZE_BYTES))))), List.of(), List.of(),
                List.of());
        ExpressionItemUpdate sized = ExpressionItemUpdate.sizedByStatement(huge);
        assertThat(sized.isSizedByStatement()).isTrue();
        assertThat(ExpressionItemUpdate.sizedByItem(huge).isSizedByStatement()).isFalse();
        assertThatThrownBy(() -> new UpdateItemOperation(KEY, KEY_ITEM, sized, NEVER).evaluate(stored(CURRENT)))
                .isInstanceOfSatisfying(BasaltException.class, e -> assertThat(e.getMessage())
                        .isEqualTo("Item size to update has exceeded the maximum allowed size"));
    }

    @Test
    void operationsRequireTheirParts() {
        assertThatThrownBy(() -> new PutItemOperation(null, NEW)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new PutItemOperation(KEY, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new UpdateItemOperation(KEY, KEY_ITEM, null, null))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new ConditionCheckOperation(KEY, null)).isInstanceOf(NullPointerException.class);
        assertThat(new DeleteItemOperation(KEY).key()).isEqualTo(KEY);
    }

    /** {@code base} plus one string attribute sized so that the item is exactly {@code size} bytes. */
    static Item padded(Item base, int size) {
        long withEmptyPad = ItemSize.of(with(base, "pad", AttributeValue.string("")));
        return with(base, "pad", AttributeValue.string("x".repeat((int) (size - withEmptyPad))));
    }

    static Item item(Object... namesAndValues) {
        Map<String, AttributeValue> attributes = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            attributes.put((String) namesAndValues[i], (AttributeValue) namesAndValues[i + 1]);
        }
        return new Item(attributes);
    }

    static Item with(Item base, String name, AttributeValue value) {
        Map<String, AttributeValue> attributes = new LinkedHashMap<>(base.attributes());
        attributes.put(name, value);
        return new Item(attributes);
    }

    static Operand.Literal literal(AttributeValue value) {
        return new Operand.Literal(value, ":v");
    }

    /** {@code SET pad = :pad} with the pad of {@code result} (built by {@link #padded}). */
    private static ItemUpdate setPad(Item result) {
        return ExpressionItemUpdate.sizedByItem(new UpdateExpression(List.of(new UpdateExpression.SetAction(
                DocumentPath.of("pad"), literal(result.get("pad")))), List.of(), List.of(), List.of()));
    }

    /** The image as the partition hands it to an operation: in its stored form. */
    private static StoredItem stored(Item item) {
        return item == null ? null : StoredItem.of(ItemCodec.encode(item));
    }
}
