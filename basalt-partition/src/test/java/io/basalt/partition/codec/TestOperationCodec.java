package io.basalt.partition.codec;

import static io.basalt.partition.encoding.RandomValues.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.LegacyUpdate;
import io.basalt.expressions.ast.Operand;
import io.basalt.expressions.ast.PathElement;
import io.basalt.expressions.ast.UpdateExpression;
import io.basalt.model.AttributeValue;
import io.basalt.model.Item;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.ConditionCheckOperation;
import io.basalt.partition.DeleteItemOperation;
import io.basalt.partition.ExpressionItemUpdate;
import io.basalt.partition.ItemOperation;
import io.basalt.partition.ItemUpdate;
import io.basalt.partition.LegacyItemUpdate;
import io.basalt.partition.NoItemUpdate;
import io.basalt.partition.PutItemOperation;
import io.basalt.partition.ReplaceItemOperation;
import io.basalt.partition.UpdateItemOperation;
import io.basalt.partition.WriteOutcome;
import io.basalt.partition.encoding.ItemCodec;
import io.basalt.partition.encoding.RandomValues;
import io.basalt.partition.encoding.StoredItem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TestOperationCodec {
    private static final long SEED = Long.getLong("basalt.seed", System.nanoTime());
    private static final String[] NAMES = {"pk", "a", "b", "list", "map", "set"};

    private static final PrimaryKey KEY = new PrimaryKey(AttributeValue.string("k"), Optional.empty());
    private static final PrimaryKey KEY_WITH_SORT = new PrimaryKey(AttributeValue.string("k"),
            Optional.of(AttributeValue.number(7)));
    private static final Item KEY_ITEM = item("pk", AttributeValue.string("k"));
    /** {@code a = :v}. */
    private static final Condition A_IS_ONE = new Condition.Comparison(new Operand.Path(DocumentPath.of("a")),
            Condition.Comparator.EQ, new Operand.Literal(AttributeValue.number(1), ":v"));

    // Golden bytes: the format is persistent (frames between nodes of different versions), so these never change.
    // Layout: version, operation tag, sort-key flag, key value(s), condition (00 = none), then the body.
    @Test
    void putHasPinnedBytes() {
        assertGolden(new PutItemOperation(KEY, item("pk", AttributeValue.string("k"), "a", AttributeValue.number(1))),
                "01" + "01" + "00" + "01016b" + "00"
                        + "01" + "02" + "02706b" + "01016b" + "0161" + PINNED_NUMBER_ONE);
    }

    @Test
    void conditionalDeleteHasPinnedBytes() {
        assertGolden(new DeleteItemOperation(KEY_WITH_SORT, A_IS_ONE),
                "01" + "03" + "01" + "01016b" + PINNED_NUMBER_SEVEN
                        + "01" + "01" + "01" + "01" + "0161" + "01" + "03" + PINNED_NUMBER_ONE + "023a76");
    }

    @Test
    void everyOperationKindRoundTrips() {
        UpdateExpression update = new UpdateExpression(
                List.of(new UpdateExpression.SetAction(path("list", 2),
                        new Operand.ListAppend(new Operand.Path(DocumentPath.of("list")), literal(listOfOne())))),
                List.of(DocumentPath.of("b")),
                List.of(new UpdateExpression.AddAction(DocumentPath.of("set"), literal(stringSet("x")))),
                List.of(new UpdateExpression.DeleteAction(DocumentPath.of("set"), literal(stringSet("y")))));
        LegacyUpdate legacy = new LegacyUpdate(List.of(
                new LegacyUpdate.Action("a", LegacyUpdate.Kind.ADD, AttributeValue.number(2)),
                new LegacyUpdate.Action("b", LegacyUpdate.Kind.DELETE, null),
                new LegacyUpdate.Action("c", LegacyUpdate.Kind.PUT, AttributeValue.string("z"))));
        List<ItemOperation> operations = List.of(
                new PutItemOperation(KEY, KEY_ITEM, A_IS_ONE),
                new UpdateItemOperation(KEY_WITH_SORT, KEY_ITEM, NoItemUpdate.INSTANCE, null),
                new UpdateItemOperation(KEY, KEY_ITEM, ExpressionItemUpdate.sizedByItem(update), A_IS_ONE),
                new UpdateItemOperation(KEY, KEY_ITEM, ExpressionItemUpdate.sizedByStatement(update), null),
                new UpdateItemOperation(KEY, KEY_ITEM, new LegacyItemUpdate(legacy), null),
                new DeleteItemOperation(KEY),
                new ConditionCheckOperation(KEY, new Condition.AttributeExists(DocumentPath.of("pk"))),
                new ReplaceItemOperation(KEY, KEY_ITEM),
                new ReplaceItemOperation(KEY_WITH_SORT, null));
        for (ItemOperation operation : operations) {
            assertRoundTrip(operation, "fixed " + operation.getClass().getSimpleName());
        }
    }

    @Test
    void randomOperationsRoundTripAndEvaluateAsTheOriginals() {
        Random random = new Random(SEED);
        Generator generator = new Generator(random);
        for (int i = 0; i < 2_000; i++) {
            ItemOperation operation = generator.operation();
            String context = "seed=" + SEED + " operation " + i;
            ItemOperation decoded = assertRoundTrip(operation, context);
            for (int j = 0; j < 3; j++) {
                Item current = generator.item();
                StoredItem stored = random.nextInt(4) == 0 ? null : StoredItem.of(ItemCodec.encode(current));
                assertThat(outcome(decoded, stored)).as(context).isEqualTo(outcome(operation, stored));
            }
        }
    }

    @Test
    void everyTruncationFailsClearly() {
        Generator generator = new Generator(new Random(SEED));
        for (int i = 0; i < 100; i++) {
            byte[] bytes = OperationCodec.encode(generator.operation());
            for (int length = 0; length < bytes.length; length++) {
                byte[] prefix = Arrays.copyOf(bytes, length);
                assertThatThrownBy(() -> OperationCodec.decode(prefix)).as("seed=%d length=%d", SEED, length)
                        .isInstanceOf(IllegalStateException.class);
            }
            byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
            assertThatThrownBy(() -> OperationCodec.decode(longer)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("1 unexpected bytes after the operation");
        }
    }

    @Test
    void unknownVersionsAndTagsFail() {
        byte[] put = OperationCodec.encode(new PutItemOperation(KEY, KEY_ITEM, A_IS_ONE));
        assertThatThrownBy(() -> OperationCodec.decode(with(put, 0, 2))).isInstanceOf(IllegalStateException.class)
                .hasMessage("operation encoded in format version 2, newer than this build reads (1)");
        assertThatThrownBy(() -> OperationCodec.decode(with(put, 0, 0))).isInstanceOf(IllegalStateException.class)
                .hasMessage("operation encoded in unknown format version 0");
        assertThatThrownBy(() -> OperationCodec.decode(with(put, 1, 9))).isInstanceOf(IllegalStateException.class)
                .hasMessage("unknown operation tag 9");
        // The condition's tag follows the key (flag, then the string value 01 01 6b).
        assertThatThrownBy(() -> OperationCodec.decode(with(put, 6, 42))).isInstanceOf(IllegalStateException.class)
                .hasMessage("unknown condition tag 42 at 6");
        byte[] check = OperationCodec.encode(new ConditionCheckOperation(KEY, A_IS_ONE));
        assertThatThrownBy(() -> OperationCodec.decode(Arrays.copyOf(with(check, 6, 0), 7)))
                .isInstanceOf(IllegalStateException.class).hasMessage("a condition check without a condition");
    }

    /** The stored form of the numbers 1 and 7 (tag 2, then KeyEncoding's number form, pinned by TestItemCodec). */
    private static final String PINNED_NUMBER_ONE = "0281820b00";
    private static final String PINNED_NUMBER_SEVEN = "0281824700";

    private static void assertGolden(ItemOperation operation, String expectedHex) {
        assertThat(hex(OperationCodec.encode(operation))).isEqualTo(expectedHex);
        assertRoundTrip(operation, "golden");
    }

    /** Decodes the encoding, checks every part against the original and that it encodes to the same bytes. */
    private static ItemOperation assertRoundTrip(ItemOperation operation, String context) {
        byte[] bytes = OperationCodec.encode(operation);
        ItemOperation decoded = OperationCodec.decode(bytes);
        assertThat(decoded.getClass()).as(context).isEqualTo(operation.getClass());
        assertThat(decoded.key()).as(context).isEqualTo(operation.key());
        assertThat(decoded.condition()).as(context).isEqualTo(operation.condition());
        if (operation instanceof PutItemOperation put) {
            assertThat(((PutItemOperation) decoded).item()).as(context).isEqualTo(put.item());
        } else if (operation instanceof UpdateItemOperation update) {
            assertThat(((UpdateItemOperation) decoded).keyItem()).as(context).isEqualTo(update.keyItem());
            assertThat(((UpdateItemOperation) decoded).update()).as(context).isEqualTo(update.update());
        } else if (operation instanceof ReplaceItemOperation replace) {
            assertThat(((ReplaceItemOperation) decoded).image()).as(context).isEqualTo(replace.image());
        }
        assertThat(OperationCodec.encode(decoded)).as(context).isEqualTo(bytes);
        return decoded;
    }

    /** What evaluation gives: the outcome's parts, or the failure's class and message. */
    private static List<Object> outcome(ItemOperation operation, StoredItem current) {
        try {
            WriteOutcome outcome = operation.evaluate(current);
            return List.of(String.valueOf(outcome.oldItem()), String.valueOf(outcome.newItem()),
                    outcome.updatedPaths());
        } catch (RuntimeException e) {
            return List.of(e.getClass().getName(), String.valueOf(e.getMessage()));
        }
    }

    private static byte[] with(byte[] bytes, int index, int value) {
        byte[] copy = bytes.clone();
        copy[index] = (byte) value;
        return copy;
    }

    static Item item(Object... namesAndValues) {
        Map<String, AttributeValue> attributes = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            attributes.put((String) namesAndValues[i], (AttributeValue) namesAndValues[i + 1]);
        }
        return new Item(attributes);
    }

    private static DocumentPath path(String name, int index) {
        return new DocumentPath(List.of(new PathElement.Name(name), new PathElement.Index(index)));
    }

    private static Operand.Literal literal(AttributeValue value) {
        return new Operand.Literal(value, ":v");
    }

    private static AttributeValue listOfOne() {
        return new AttributeValue.ListValue(List.of(AttributeValue.number(1)));
    }

    private static AttributeValue stringSet(String value) {
        return new AttributeValue.StringSetValue(List.of(value));
    }

    /** Seeded random operations over a few attribute names, so that paths often hit the random items. */
    private static final class Generator {
        private final Random random;
        private final RandomValues values;

        Generator(Random random) {
            this.random = random;
            this.values = new RandomValues(random);
        }

        ItemOperation operation() {
            PrimaryKey key = new PrimaryKey(values.value(0), random.nextBoolean() ? Optional.of(values.value(0))
                    : Optional.empty());
            Condition condition = random.nextInt(3) == 0 ? null : condition(3);
            return switch (random.nextInt(5)) {
                case 0 -> new PutItemOperation(key, item(), condition);
                case 1 -> new UpdateItemOperation(key, TestOperationCodec.item("pk", values.value(0)), update(),
                        condition);
                case 2 -> new DeleteItemOperation(key, condition);
                case 3 -> new ConditionCheckOperation(key, condition == null ? condition(2) : condition);
                default -> new ReplaceItemOperation(key, random.nextBoolean() ? item() : null);
            };
        }

        Item item() {
            Map<String, AttributeValue> attributes = new LinkedHashMap<>();
            for (String name : NAMES) {
                if (random.nextInt(3) != 0) {
                    attributes.put(name, values.value(2));
                }
            }
            return new Item(attributes);
        }

        ItemUpdate update() {
            switch (random.nextInt(4)) {
                case 0:
                    return NoItemUpdate.INSTANCE;
                case 1: {
                    List<LegacyUpdate.Action> actions = new ArrayList<>();
                    for (int i = random.nextInt(4); i >= 0; i--) {
                        LegacyUpdate.Kind kind = LegacyUpdate.Kind.values()[random.nextInt(3)];
                        AttributeValue value = kind == LegacyUpdate.Kind.DELETE && random.nextBoolean() ? null
                                : values.value(1);
                        actions.add(new LegacyUpdate.Action(name(), kind, value));
                    }
                    return new LegacyItemUpdate(new LegacyUpdate(actions));
                }
                default: {
                    List<UpdateExpression.SetAction> set = new ArrayList<>();
                    List<DocumentPath> remove = new ArrayList<>();
                    List<UpdateExpression.AddAction> add = new ArrayList<>();
                    List<UpdateExpression.DeleteAction> delete = new ArrayList<>();
                    for (int i = random.nextInt(4); i >= 0; i--) {
                        switch (random.nextInt(4)) {
                            case 0 -> set.add(new UpdateExpression.SetAction(path(), setValue(2)));
                            case 1 -> remove.add(path());
                            case 2 -> add.add(new UpdateExpression.AddAction(path(), literal()));
                            default -> delete.add(new UpdateExpression.DeleteAction(path(), literal()));
                        }
                    }
                    UpdateExpression expression = new UpdateExpression(set, remove, add, delete);
                    return random.nextBoolean() ? ExpressionItemUpdate.sizedByItem(expression)
                            : ExpressionItemUpdate.sizedByStatement(expression);
                }
            }
        }

        Condition condition(int depth) {
            int kind = random.nextInt(depth > 0 ? 11 : 8);
            return switch (kind) {
                case 0 -> new Condition.Comparison(operand(), Condition.Comparator.values()[random.nextInt(6)],
                        operand());
                case 1 -> new Condition.Between(operand(), operand(), operand());
                case 2 -> {
                    List<Operand> candidates = new ArrayList<>();
                    for (int i = random.nextInt(3); i >= 0; i--) {
                        candidates.add(operand());
                    }
                    yield new Condition.In(operand(), candidates);
                }
                case 3 -> new Condition.AttributeExists(path());
                case 4 -> new Condition.AttributeNotExists(path());
                case 5 -> new Condition.AttributeTypeIs(operand(), new Operand.Literal(
                        AttributeValue.string(new String[] {"S", "N", "M", "L", "SS"}[random.nextInt(5)]), ":t"));
                case 6 -> new Condition.BeginsWith(operand(), operand());
                case 7 -> new Condition.Contains(operand(), operand());
                case 8 -> new Condition.And(condition(depth - 1), condition(depth - 1));
                case 9 -> new Condition.Or(condition(depth - 1), condition(depth - 1));
                default -> new Condition.Not(condition(depth - 1));
            };
        }

        /** An operand a condition may hold. */
        Operand operand() {
            return switch (random.nextInt(4)) {
                case 0, 1 -> new Operand.Path(path());
                case 2 -> literal();
                default -> random.nextBoolean() ? new Operand.Size(path()) : new Operand.SizeOf(literal());
            };
        }

        /** An operand the right-hand side of SET may hold. */
        Operand setValue(int depth) {
            int kind = random.nextInt(depth > 0 ? 6 : 3);
            return switch (kind) {
                case 0 -> new Operand.Path(path());
                case 1, 2 -> literal();
                case 3 -> new Operand.IfNotExists(path(), setValue(depth - 1));
                case 4 -> new Operand.ListAppend(setValue(depth - 1), setValue(depth - 1));
                default -> new Operand.Arithmetic(setValue(depth - 1),
                        Operand.ArithmeticOperator.values()[random.nextInt(2)], setValue(depth - 1));
            };
        }

        Operand.Literal literal() {
            return new Operand.Literal(values.value(1), ":" + random.nextInt(10));
        }

        DocumentPath path() {
            List<PathElement> elements = new ArrayList<>();
            elements.add(new PathElement.Name(name()));
            for (int i = random.nextInt(3); i > 0; i--) {
                elements.add(random.nextBoolean() ? new PathElement.Index(random.nextInt(3))
                        : new PathElement.Name(random.nextInt(5) == 0 ? values.string(false) : name()));
            }
            return new DocumentPath(elements);
        }

        String name() {
            return NAMES[random.nextInt(NAMES.length)];
        }
    }
}
