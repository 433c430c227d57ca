package io.basalt.expressions.parser;

/** The request parameter an expression came from; DynamoDB names it in every error ("Invalid <name>: ..."). */
public enum ExpressionKind {
    CONDITION("ConditionExpression"),
    FILTER("FilterExpression"),
    KEY_CONDITION("KeyConditionExpression"),
    UPDATE("UpdateExpression"),
    PROJECTION("ProjectionExpression");

    private final String parameterName;

    ExpressionKind(String parameterName) {
        this.parameterName = parameterName;
    }

    public String parameterName() {
        return parameterName;
    }

    boolean isCondition() {
        return this == CONDITION || this == FILTER || this == KEY_CONDITION;
    }
}
