package io.basalt.server.operations;

import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.ProjectionExpression;
import io.basalt.expressions.ast.UpdateExpression;
import io.basalt.expressions.bind.ExpressionBinder;
import io.basalt.expressions.bind.LeafChecker;
import io.basalt.expressions.eval.ExpressionValidator;
import io.basalt.expressions.parser.ExpressionKind;
import io.basalt.expressions.parser.ExpressionParser;
import io.basalt.model.AttributeValue;
import io.basalt.model.BasaltException;
import io.basalt.model.ValueLayer;
import io.basalt.server.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The expression parameters of one request, taken in DynamoDB's order: legacy and expression parameters must not
 * be mixed; ExpressionAttributeNames and ExpressionAttributeValues must be well-formed and only given with
 * expressions that can use them; then each expression is parsed, bound and checked; finally every name and value
 * must have been used. Not thread-safe: one per request.
 */
final class RequestExpressions {
    /** The condition checks DynamoDB interleaves with placeholder resolution, leaf condition by leaf condition. */
    private static final LeafChecker CONDITION_CHECKS = LeafChecker.of(ExpressionValidator::leafProblem,
            ExpressionValidator::operandProblem);

    private final JsonObject request;
    private final ExpressionAttributes attributes;
    private final ExpressionBinder binder;

    private RequestExpressions(JsonObject request, ExpressionAttributes attributes) {
        this.request = request;
        this.attributes = attributes;
        this.binder = new ExpressionBinder(attributes.names(), attributes.values());
    }

    /**
     * Reads the request's expression parameters.
     *
     * @param legacy the operation's non-expression parameters, in the order DynamoDB lists them
     * @param expressions the operation's expression parameters, in the order DynamoDB lists them
     * @param valueExpressions those of {@code expressions} that can use ExpressionAttributeValues
     */
    static RequestExpressions read(JsonObject request, List<String> legacy, List<String> expressions,
            List<String> valueExpressions) {
        return read(request, legacy, expressions, valueExpressions, ValueLayer.CURRENT);
    }

    /** Reads the request's expression parameters, with the value messages of {@code layer}. */
    static RequestExpressions read(JsonObject request, List<String> legacy, List<String> expressions,
            List<String> valueExpressions, ValueLayer layer) {
        List<String> legacyPresent = present(request, legacy);
        List<String> expressionsPresent = present(request, expressions);
        if (!legacyPresent.isEmpty() && !expressionsPresent.isEmpty()) {
            throw BasaltException.validation("Can not use both expression and non-expression parameters in the same "
                    + "request: Non-expression parameters: {" + String.join(", ", legacyPresent)
                    + "} Expression parameters: {" + String.join(", ", expressionsPresent) + "}");
        }
        ExpressionAttributes attributes = ExpressionAttributes.read(request, layer);
        if (attributes.names() != null && expressionsPresent.isEmpty()) {
            throw BasaltException.validation("ExpressionAttributeNames can only be specified when using expressions");
        }
        if (attributes.values() != null && present(request, valueExpressions).isEmpty()) {
            throw BasaltException.validation("ExpressionAttributeValues can only be specified when using "
                    + "expressions");
        }
        return new RequestExpressions(request, attributes);
    }

    private static List<String> present(JsonObject request, List<String> names) {
        List<String> present = new ArrayList<>(names.size());
        for (String name : names) {
            if (request.has(name)) {
                present.add(name);
            }
        }
        return present;
    }

    /** The bound condition of {@code kind}'s parameter, or null when the request has none. */
    Condition condition(ExpressionKind kind) {
        String text = request.getString(kind.parameterName());
        if (text == null) {
            return null;
        }
        // Binding checks each condition as it goes (see ExpressionBinder), so no separate validation pass.
        return binder.bind(ExpressionParser.parseConditionDeferred(text, kind), kind.parameterName(),
                CONDITION_CHECKS);
    }

    /** The bound UpdateExpression, or null when the request has none. */
    UpdateExpression update() {
        String text = request.getString(ExpressionKind.UPDATE.parameterName());
        if (text == null) {
            return null;
        }
        UpdateExpression bound = binder.bind(ExpressionParser.parseUpdateDeferred(text));
        ExpressionValidator.validateUpdate(bound);
        return bound;
    }

    /** The bound ProjectionExpression, or null when the request has none. */
    ProjectionExpression projection() {
        String text = request.getString(ExpressionKind.PROJECTION.parameterName());
        if (text == null) {
            return null;
        }
        ProjectionExpression bound = binder.bind(ExpressionParser.parseProjection(text));
        ExpressionValidator.validateProjection(bound);
        return bound;
    }

    /** The request's ExpressionAttributeValues, empty when it has none. */
    Map<String, AttributeValue> values() {
        return attributes.values() == null ? Map.of() : attributes.values();
    }

    /** Checks that every ExpressionAttributeNames and ExpressionAttributeValues entry was used. */
    void requireAllUsed() {
        binder.requireAllUsed();
    }

    /** The paths an update writes, to check them against the key schema. */
    static List<DocumentPath> targets(UpdateExpression update) {
        List<DocumentPath> targets = new ArrayList<>();
        update.set().forEach(action -> targets.add(action.path()));
        targets.addAll(update.remove());
        update.add().forEach(action -> targets.add(action.path()));
        update.delete().forEach(action -> targets.add(action.path()));
        return targets;
    }
}
