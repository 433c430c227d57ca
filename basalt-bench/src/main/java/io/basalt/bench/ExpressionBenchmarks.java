package io.basalt.bench;

import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.ast.UpdateExpression;
import io.basalt.expressions.bind.ExpressionBinder;
import io.basalt.expressions.eval.ConditionEvaluator;
import io.basalt.expressions.eval.UpdateApplier;
import io.basalt.expressions.parser.ExpressionKind;
import io.basalt.expressions.parser.ExpressionParser;
import io.basalt.model.AttributeValue;
import io.basalt.model.Item;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Parsing (uncached and cached), binding and evaluating typical expressions against a typical item: the work
 * every conditional write and update does on the request path.
 */
@State(Scope.Benchmark)
public class ExpressionBenchmarks extends MicroBenchmark {
    // "status" and "total" are DynamoDB reserved words, hence the placeholders.
    private static final String CONDITION = "attribute_exists(pk) AND #status IN (:a, :b) AND size(tags) > :one "
            + "AND begins_with(sk, :prefix) AND #total BETWEEN :low AND :high";
    private static final String UPDATE = "SET #total = #total + :one, #status = :a, "
            + "history = list_append(history, :h) REMOVE obsolete ADD visits :one";

    private Map<String, String> names;
    private Map<String, AttributeValue> values;
    private Condition boundCondition;
    private UpdateExpression boundUpdate;
    private Item item;
    private int counter;

    @Setup
    public void setUp() {
        names = Map.of("#status", "status", "#total", "total");
        values = new LinkedHashMap<>();
        values.put(":a", AttributeValue.string("SHIPPED"));
        values.put(":b", AttributeValue.string("PENDING"));
        values.put(":one", AttributeValue.number(1));
        values.put(":prefix", AttributeValue.string("ORDER#"));
        values.put(":low", AttributeValue.number(10));
        values.put(":high", AttributeValue.number(1000));
        values.put(":h", new AttributeValue.ListValue(List.of(AttributeValue.string("updated"))));
        Map<String, AttributeValue> attributes = new LinkedHashMap<>();
        attributes.put("pk", AttributeValue.string("CUSTOMER#1042"));
        attributes.put("sk", AttributeValue.string("ORDER#2026-04-21#A-482"));
        attributes.put("status", AttributeValue.string("SHIPPED"));
        attributes.put("total", AttributeValue.number("129.95"));
        attributes.put("tags", new AttributeValue.StringSetValue(List.of("gift", "express")));
        attributes.put("history", new AttributeValue.ListValue(List.of(AttributeValue.string("created"))));
        attributes.put("visits", AttributeValue.number(3));
        attributes.put("obsolete", AttributeValue.BooleanValue.TRUE);
        item = new Item(attributes);
        boundCondition = new ExpressionBinder(names, values)
                .bind(ExpressionParser.parseCondition(CONDITION, ExpressionKind.CONDITION), "ConditionExpression");
        boundUpdate = new ExpressionBinder(names, values).bind(ExpressionParser.parseUpdate(UPDATE));
    }

    /** A condition seen for the first time (the cache misses: a distinct text each call). */
    @Benchmark
    public Condition parseConditionUncached() {
        return ExpressionParser.parseCondition(CONDITION + " AND x" + (counter++ & 0xFFFFF) + " = :one",
                ExpressionKind.CONDITION);
    }

    @Benchmark
    public Condition parseAndBindConditionCached() {
        return new ExpressionBinder(names, values)
                .bind(ExpressionParser.parseCondition(CONDITION, ExpressionKind.CONDITION), "ConditionExpression");
    }

    @Benchmark
    public boolean evaluateCondition() {
        return ConditionEvaluator.evaluate(boundCondition, item);
    }

    @Benchmark
    public Object applyUpdate() {
        return UpdateApplier.apply(boundUpdate, item);
    }
}
