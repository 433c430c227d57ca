package io.basalt.server.operations;

import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.Operand;
import io.basalt.expressions.eval.ConditionEvaluator;
import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.BasaltException;
import io.basalt.model.Item;
import io.basalt.server.json.AttributeValueJson;
import io.basalt.server.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The legacy {@code Expected} parameter (with {@code ConditionalOperator}), checked with DynamoDB's messages and
 * translated into the condition AST, so that one evaluator serves both forms.
 */
final class LegacyExpected {
    /** DynamoDB's enum order, as its validation messages print it. */
    static final List<String> OPERATORS = List.of("IN", "NULL", "BETWEEN", "LT", "NOT_CONTAINS", "EQ", "GT",
            "NOT_NULL", "NE", "LE", "BEGINS_WITH", "GE", "CONTAINS");
    /** Printed in DynamoDB's order, [OR, AND] (captures of October 2026, docs/design/error-texts.md). */
    static final List<String> CONDITIONAL_OPERATORS = List.of("OR", "AND");
    private static final String INVALID = "One or more parameter values were invalid: ";
    private static final String LITERAL = ":expected";

    private LegacyExpected() {
    }

    /**
     * The constraints on ConditionalOperator and Expected's operators, which DynamoDB reports together with the
     * request's other constraint violations (for example beside a missing Key: docs/design/error-texts.md §5).
     */
    static void checkConstraints(JsonObject request, ValidationErrors errors) {
        errors.checkEnum(request.getString("ConditionalOperator"), "conditionalOperator", CONDITIONAL_OPERATORS);
        JsonObject expected = request.getStructure("Expected", "ExpectedAttributeMap");
        if (expected == null) {
            return;
        }
        for (String attribute : expected.names()) {
            JsonObject entry = expected.getStructure(attribute, "ExpectedAttributeValue");
            if (entry != null) {
                errors.checkEnum(entry.getString("ComparisonOperator"),
                        "expected." + attribute + ".member.comparisonOperator", OPERATORS);
            }
        }
    }

    /** The condition {@code Expected} states, or null when the request has none. */
    static Condition read(JsonObject request, ValidationErrors errors) {
        JsonObject expected = request.getStructure("Expected", "ExpectedAttributeMap");
        String conditionalOperator = request.getString("ConditionalOperator");
        checkConstraints(request, errors);
        if (expected == null) {
            return null;
        }
        errors.throwIfAny();
        Condition result = null;
        boolean or = "OR".equals(conditionalOperator);
        for (Map.Entry<String, Object> member : expected.members().entrySet()) {
            JsonObject entry = expected.getStructure(member.getKey(), "ExpectedAttributeValue");
            if (entry == null) {
                continue;
            }
            Condition condition = translate(member.getKey(), entry);
            result = result == null ? condition : or ? new Condition.Or(result, condition)
                    : new Condition.And(result, condition);
        }
        return result;
    }

    private static Condition translate(String attribute, JsonObject entry) {
        AttributeValue value = entry.has("Value") ? AttributeValueJson.read(entry.get("Value")) : null;
        List<Object> listJson = entry.getList("AttributeValueList");
        List<AttributeValue> list = null;
        if (listJson != null) {
            list = new ArrayList<>(listJson.size());
            for (Object element : listJson) {
                list.add(AttributeValueJson.read(element));
            }
        }
        Boolean exists = entry.getBoolean("Exists");
        String operator = entry.getString("ComparisonOperator");
        DocumentPath path = DocumentPath.of(attribute);
        if (value != null && list != null) {
            throw BasaltException.validation(INVALID + "Value and AttributeValueList cannot be used together for "
                    + "Attribute: " + attribute);
        }
        if (operator == null) {
            if (list != null) {
                throw BasaltException.validation(INVALID + "AttributeValueList can only be used with a "
                        + "ComparisonOperator for Attribute: " + attribute);
            }
            if (Boolean.FALSE.equals(exists)) {
                if (value != null) {
                    throw BasaltException.validation(INVALID + "Value cannot be used when Exists is false for "
                            + "Attribute: " + attribute);
                }
                return new Condition.AttributeNotExists(path);
            }
            if (value == null) {
                throw BasaltException.validation(INVALID + "Value must be provided when Exists is "
                        + (exists == null ? "null" : "true") + " for Attribute: " + attribute);
            }
            return new Condition.Comparison(new Operand.Path(path), Condition.Comparator.EQ, literal(value));
        }
        if (exists != null) {
            throw BasaltException.validation(INVALID + "Exists and ComparisonOperator cannot be used together for "
                    + "Attribute: " + attribute);
        }
        List<AttributeValue> arguments = list != null ? list : value != null ? List.of(value) : List.of();
        return comparison(path, operator, arguments);
    }

    /**
     * A legacy comparison ({@code ComparisonOperator} with its {@code AttributeValueList}) as a condition; shared
     * with the legacy {@code QueryFilter}, {@code ScanFilter} and {@code KeyConditions}.
     */
    static Condition comparison(DocumentPath path, String operator, List<AttributeValue> arguments) {
        int expected = switch (operator) {
            case "NULL", "NOT_NULL" -> 0;
            case "BETWEEN" -> 2;
            case "IN" -> -1;
            default -> 1;
        };
        if ((expected >= 0 && arguments.size() != expected) || (expected < 0 && arguments.isEmpty())) {
            if (arguments.isEmpty() && expected != 0) {
                throw BasaltException.validation(INVALID + "Value or AttributeValueList must be used with "
                        + "ComparisonOperator: " + operator + " for Attribute: " + path);
            }
            throw BasaltException.validation(INVALID + "Invalid number of argument(s) for the " + operator
                    + " ComparisonOperator");
        }
        checkTypes(operator, arguments);
        Operand attribute = new Operand.Path(path);
        return switch (operator) {
            case "EQ" -> new Condition.Comparison(attribute, Condition.Comparator.EQ, literal(arguments.get(0)));
            case "NE" -> new Condition.Comparison(attribute, Condition.Comparator.NE, literal(arguments.get(0)));
            case "LT" -> new Condition.Comparison(attribute, Condition.Comparator.LT, literal(arguments.get(0)));
            case "LE" -> new Condition.Comparison(attribute, Condition.Comparator.LE, literal(arguments.get(0)));
            case "GT" -> new Condition.Comparison(attribute, Condition.Comparator.GT, literal(arguments.get(0)));
            case "GE" -> new Condition.Comparison(attribute, Condition.Comparator.GE, literal(arguments.get(0)));
            case "NULL" -> new Condition.AttributeNotExists(path);
            case "NOT_NULL" -> new Condition.AttributeExists(path);
            case "CONTAINS" -> new Condition.Contains(attribute, literal(arguments.get(0)));
            // Unlike NOT contains(...), NOT_CONTAINS is false on a missing attribute: DynamoDB fails both CONTAINS
            // and NOT_CONTAINS there (Alternator test_update_expected_1_not_contains, run against DynamoDB).
            case "NOT_CONTAINS" -> new Condition.And(new Condition.AttributeExists(path),
                    new Condition.Not(new Condition.Contains(attribute, literal(arguments.get(0)))));
            case "BEGINS_WITH" -> new Condition.BeginsWith(attribute, literal(arguments.get(0)));
            case "BETWEEN" -> new Condition.Between(attribute, literal(arguments.get(0)), literal(arguments.get(1)));
            case "IN" -> {
                List<Operand> candidates = new ArrayList<>(arguments.size());
                arguments.forEach(argument -> candidates.add(literal(argument)));
                yield new Condition.In(attribute, candidates);
            }
            default -> throw new IllegalArgumentException("unknown comparison operator " + operator);
        };
    }

    /** The argument types each legacy operator takes (Developer Guide, "Legacy conditional parameters"). */
    private static void checkTypes(String operator, List<AttributeValue> arguments) {
        for (AttributeValue argument : arguments) {
            AttributeType type = argument.type();
            boolean valid = switch (operator) {
                case "LT", "LE", "GT", "GE", "BETWEEN", "CONTAINS", "NOT_CONTAINS" -> type.isScalarKeyType();
                case "BEGINS_WITH" -> type == AttributeType.S || type == AttributeType.B;
                case "IN" -> type.isScalarKeyType();
                default -> true;
            };
            if (!valid) {
                throw BasaltException.validation(INVALID + "ComparisonOperator " + operator + " is not valid for "
                        + type.descriptor() + " AttributeValue type");
            }
        }
        if (operator.equals("BETWEEN") || operator.equals("IN")) {
            for (AttributeValue argument : arguments) {
                if (argument.type() != arguments.get(0).type()) {
                    throw BasaltException.validation(INVALID + "AttributeValues inside AttributeValueList must be "
                            + "of same type");
                }
            }
        }
        // DynamoDB's order of S, N and B values, as the condition evaluator compares them (the server sees no
        // storage key encoding: docs/design/cluster.md §9.1).
        if (operator.equals("BETWEEN") && ConditionEvaluator.evaluate(new Condition.Comparison(
                literal(arguments.get(0)), Condition.Comparator.GT, literal(arguments.get(1))), Item.EMPTY)) {
            throw BasaltException.validation("The BETWEEN condition was provided a range where the lower bound is "
                    + "greater than the upper bound");
        }
    }

    private static Operand literal(AttributeValue value) {
        return new Operand.Literal(value, LITERAL);
    }
}
