package io.basalt.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.expressions.ast.DocumentPath;
import io.basalt.model.AttributeValue;
import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.model.Item;
import io.basalt.model.ItemSize;
import io.basalt.model.Limits;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.encoding.ItemCodec;
import io.basalt.partition.encoding.StoredItem;
import java.util.ArrayList;
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
    private static final ItemCondition NEVER = current -> false;

    @Test
    void putReplacesTheItem() {
        WriteOutcome outcome = new PutItemOperation(KEY, NEW, ItemCondition.ALWAYS).evaluate(stored(CURRENT));
        assertThat(outcome.oldItem()).isEqualTo(CURRENT);
        assertThat(outcome.newItem()).isEqualTo(NEW);
        assertThat(outcome.updatedPaths()).isEmpty();
        assertThat(outcome.existedBefore()).isTrue();
        assertThat(outcome.existsAfter()).isTrue();

        WriteOutcome created = new PutItemOperation(KEY, NEW, ItemCondition.ALWAYS).evaluate(null);
        assertThat(created.oldItem()).isNull();
        assertThat(created.existedBefore()).isFalse();
    }

    @Test
    void deleteRemovesTheItemAndDeletingAnAbsentItemChangesNothing() {
        WriteOutcome outcome = new DeleteItemOperation(KEY, ItemCondition.ALWAYS).evaluate(stored(CURRENT));
        assertThat(outcome.oldItem()).isEqualTo(CURRENT);
        assertThat(outcome.newItem()).isNull();
        assertThat(outcome.existsAfter()).isFalse();

        WriteOutcome absent = new DeleteItemOperation(KEY, ItemCondition.ALWAYS).evaluate(null);
        assertThat(absent.existedBefore()).isFalse();
        assertThat(absent.existsAfter()).isFalse();
    }

    @Test
    void conditionSeesTheCurrentImage() {
        List<Item> seen = new ArrayList<>();
        ItemCondition recording = current -> {
            seen.add(current);
            return true;
        };
        new PutItemOperation(KEY, NEW, recording).evaluate(stored(CURRENT));
        new DeleteItemOperation(KEY, recording).evaluate(null);
        new UpdateItemOperation(KEY, KEY_ITEM, ItemUpdate.NONE, recording).evaluate(stored(CURRENT));
        assertThat(seen).containsExactly(CURRENT, null, CURRENT);
    }

    @Test
    void falseConditionFailsEveryOperationWithTheCurrentItem() {
        List<ItemOperation> operations = List.of(new PutItemOperation(KEY, NEW, NEVER),
                new DeleteItemOperation(KEY, NEVER), new UpdateItemOperation(KEY, KEY_ITEM, ItemUpdate.NONE, NEVER));
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
    void failedConditionNeverRunsTheUpdate() {
        RecordingUpdate update = new RecordingUpdate(List.of(DocumentPath.of("a")));
        assertThatThrownBy(() -> new UpdateItemOperation(KEY, KEY_ITEM, update, NEVER).evaluate(stored(CURRENT)))
                .isInstanceOf(ConditionalCheckFailedException.class);
        assertThat(update.inputs).isEmpty();
    }

    @Test
    void updateOfAnAbsentItemStartsFromTheKeyItem() {
        RecordingUpdate update = new RecordingUpdate(List.of(DocumentPath.of("a"), DocumentPath.of("b")));
        WriteOutcome outcome = new UpdateItemOperation(KEY, KEY_ITEM, update, ItemCondition.ALWAYS).evaluate(null);
        assertThat(update.inputs).containsExactly(KEY_ITEM);
        assertThat(outcome.oldItem()).isNull();
        assertThat(outcome.newItem()).isEqualTo(with(KEY_ITEM, "touched", AttributeValue.BooleanValue.TRUE));
        assertThat(outcome.updatedPaths()).containsExactly(DocumentPath.of("a"), DocumentPath.of("b"));
    }

    @Test
    void updateOfAnExistingItemStartsFromIt() {
        RecordingUpdate update = new RecordingUpdate(List.of());
        WriteOutcome outcome = new UpdateItemOperation(KEY, KEY_ITEM, update, ItemCondition.ALWAYS)
                .evaluate(stored(CURRENT));
        assertThat(update.inputs).containsExactly(CURRENT);
        assertThat(outcome.oldItem()).isEqualTo(CURRENT);
        assertThat(outcome.newItem()).isEqualTo(with(CURRENT, "touched", AttributeValue.BooleanValue.TRUE));
    }

    @Test
    void emptyUpdateCreatesTheItemWithOnlyItsKey() {
        WriteOutcome outcome = new UpdateItemOperation(KEY, KEY_ITEM, ItemUpdate.NONE, ItemCondition.ALWAYS)
                .evaluate(null);
        assertThat(outcome.newItem()).isEqualTo(KEY_ITEM);
        assertThat(outcome.updatedPaths()).isEmpty();
    }

    @Test
    void updateResultOverTheItemSizeLimitIsRejected() {
        Item exactlyAtLimit = padded(KEY_ITEM, Limits.MAX_ITEM_SIZE_BYTES);
        Item oneByteOver = padded(KEY_ITEM, Limits.MAX_ITEM_SIZE_BYTES + 1);
        assertThat(ItemSize.of(exactlyAtLimit)).isEqualTo(Limits.MAX_ITEM_SIZE_BYTES);

        WriteOutcome atLimit = new UpdateItemOperation(KEY, KEY_ITEM, replaceWith(exactlyAtLimit),
                ItemCondition.ALWAYS).evaluate(null);
        assertThat(atLimit.newItem()).isEqualTo(exactlyAtLimit);

        for (Item current : new Item[] {null, CURRENT}) {
            assertThatThrownBy(() -> new UpdateItemOperation(KEY, KEY_ITEM, replaceWith(oneByteOver),
                    ItemCondition.ALWAYS).evaluate(stored(current)))
                    .isInstanceOfSatisfying(BasaltException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION);
                        assertThat(e.getMessage())
                                .isEqualTo("Item size to update has exceeded the maximum allowed size");
                    });
        }
    }

    @Test
    void operationsRequireKeyAndCondition() {
        assertThatThrownBy(() -> new PutItemOperation(null, NEW, ItemCondition.ALWAYS))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new DeleteItemOperation(KEY, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new UpdateItemOperation(KEY, KEY_ITEM, null, ItemCondition.ALWAYS))
                .isInstanceOf(NullPointerException.class);
        assertThat(new DeleteItemOperation(KEY, ItemCondition.ALWAYS).key()).isEqualTo(KEY);
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

    private static ItemUpdate replaceWith(Item result) {
        return current -> new ItemUpdate.Applied(result, List.of(DocumentPath.of("pad")));
    }

    /** Records the images it was applied to and marks its result. */
    private static final class RecordingUpdate implements ItemUpdate {
        private final List<Item> inputs = new ArrayList<>();
        private final List<DocumentPath> updated;

        RecordingUpdate(List<DocumentPath> updated) {
            this.updated = updated;
        }

        @Override
        public ItemUpdate.Applied apply(Item current) {
            inputs.add(current);
            return new ItemUpdate.Applied(with(current, "touched", AttributeValue.BooleanValue.TRUE), updated);
        }
    }

    /** The image as the partition hands it to an operation: in its stored form. */
    private static StoredItem stored(Item item) {
        return item == null ? null : StoredItem.of(ItemCodec.encode(item));
    }
}
