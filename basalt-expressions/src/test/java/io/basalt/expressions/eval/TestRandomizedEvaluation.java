package io.basalt.expressions.eval;

import static io.basalt.expressions.eval.Trees.n;
import static io.basalt.expressions.eval.Trees.path;
import static io.basalt.expressions.eval.Trees.s;
import static io.basalt.expressions.eval.Trees.v;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.Operand;
import io.basalt.expressions.ast.UpdateExpression;
import io.basalt.model.AttributeValue;
import io.basalt.model.BasaltException;
import io.basalt.model.Item;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Compares the evaluators with naive reference models on random items over a few top-level attributes holding
 * small numbers and strings (or nothing). The models work on plain Java values (BigDecimal, String, null).
 */
class TestRandomizedEvaluation {
    private static final String[] NAMES = {"a", "b", "c"};
    private static final long SEED = new Random().nextLong();

    @Test
    void conditionsMatchTheReferenceModel() {
        Random random = new Random(SEED);
        for (int round = 0; round < 20_000; round++) {
            Map<String, Object> model = randomModel(random);
            Item item = toItem(model);
            Object left = random.nextBoolean() ? "#" + NAMES[random.nextInt(3)] : randomScalar(random);
            Object right = random.nextBoolean() ? "#" + NAMES[random.nextInt(3)] : randomScalar(random);
            Condition.Comparator comparator = Condition.Comparator.values()[random.nextInt(6)];
            Condition condition = new Condition.Comparison(operand(left), comparator, operand(right));
            boolean expected = referenceCompare(lookup(model, left), comparator, lookup(model, right));
            if (random.nextInt(4) == 0) {
                String name = NAMES[random.nextInt(3)];
                condition = new Condition.Or(condition, new Condition.AttributeExists(path(name)));
                expected = expected || model.get(name) != null;
            }
            assertThat(ConditionEvaluator.evaluate(condition, item))
                    .as("seed %d round %d: %s on %s", SEED, round, condition, model).isEqualTo(expected);
        }
    }

    @Test
    void updatesMatchTheReferenceModel() {
        Random random = new Random(SEED);
        for (int round = 0; round < 20_000; round++) {
            Map<String, Object> model = randomModel(random);
            String target = NAMES[random.nextInt(3)];
            List<UpdateExpression.SetAction> set = new ArrayList<>();
            List<DocumentPath> remove = new ArrayList<>();
            List<UpdateExpression.AddAction> add = new ArrayList<>();
            Map<String, Object> expected = new LinkedHashMap<>(model);
            String error = null;
            int kind = random.nextInt(4);
            Object literal = randomScalar(random);
            if (kind == 0) {
                set.add(new UpdateExpression.SetAction(path(target), v(value(literal))));
                expected.put(target, literal);
            } else if (kind == 1) {
                remove.add(path(target));
                expected.remove(target);
            } else if (kind == 2) {
                BigDecimal delta = BigDecimal.valueOf(random.nextInt(7) - 3);
                add.add(new UpdateExpression.AddAction(path(target), v(value(delta))));
                Object old = model.get(target);
                if (old == null) {
                    expected.put(target, delta);
                } else if (old instanceof BigDecimal number) {
                    expected.put(target, number.add(delta));
                } else {
                    error = Messages.INCORRECT_DATA_TYPE;
                }
            } else {
                String source = NAMES[random.nextInt(3)];
                set.add(new UpdateExpression.SetAction(path(target), new Operand.Arithmetic(Trees.p(source),
                        Operand.ArithmeticOperator.MINUS, v(n("1")))));
                Object old = model.get(source);
                if (old == null) {
                    error = Messages.MISSING_ATTRIBUTE;
                } else if (old instanceof BigDecimal number) {
                    expected.put(target, number.subtract(BigDecimal.ONE));
                } else {
                    error = Messages.INCORRECT_DATA_TYPE;
                }
            }
            UpdateExpression update = new UpdateExpression(set, remove, add, List.of());
            String context = "seed " + SEED + " round " + round + ": " + update + " on " + model;
            try {
                Item result = UpdateApplier.apply(update, toItem(model)).item();
                assertThat(error).as(context).isNull();
                assertThat(result).as(context).isEqualTo(toItem(expected));
            } catch (BasaltException e) {
                assertThat(e.getMessage()).as(context).isEqualTo(error);
            }
        }
    }

    private static boolean referenceCompare(Object left, Condition.Comparator comparator, Object right) {
        boolean equal = left != null && right != null && left.getClass() == right.getClass()
                && (left instanceof BigDecimal x ? x.compareTo((BigDecimal) right) == 0 : left.equals(right));
        if (comparator == Condition.Comparator.EQ) {
            return equal;
        }
        if (comparator == Condition.Comparator.NE) {
            return !equal;
        }
        if (left == null || right == null || left.getClass() != right.getClass()) {
            return false;
        }
        // Strings here are ASCII, so UTF-16 order is byte order.
        int order = left instanceof BigDecimal x ? x.compareTo((BigDecimal) right)
                : ((String) left).compareTo((String) right);
        switch (comparator) {
            case LT:
                return order < 0;
            case LE:
                return order <= 0;
            case GT:
                return order > 0;
            default:
                return order >= 0;
        }
    }

    private static Object lookup(Map<String, Object> model, Object term) {
        return term instanceof String text && text.startsWith("#") ? model.get(text.substring(1)) : term;
    }

    private static Operand operand(Object term) {
        return term instanceof String text && text.startsWith("#") ? Trees.p(text.substring(1)) : v(value(term));
    }

    private static Map<String, Object> randomModel(Random random) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("pk", "key");
        for (String name : NAMES) {
            if (random.nextInt(4) != 0) {
                model.put(name, randomScalar(random));
            }
        }
        return model;
    }

    private static Object randomScalar(Random random) {
        if (random.nextBoolean()) {
            return BigDecimal.valueOf(random.nextInt(9) - 4, random.nextInt(2));
        }
        return String.valueOf((char) ('a' + random.nextInt(3))).repeat(1 + random.nextInt(2));
    }

    private static AttributeValue value(Object scalar) {
        return scalar instanceof BigDecimal number ? n(number.toPlainString()) : s((String) scalar);
    }

    private static Item toItem(Map<String, Object> model) {
        Map<String, AttributeValue> attributes = new LinkedHashMap<>();
        model.forEach((name, scalar) -> attributes.put(name, value(scalar)));
        return new Item(attributes);
    }
}
