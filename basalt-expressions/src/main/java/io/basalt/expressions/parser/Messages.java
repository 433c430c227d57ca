package io.basalt.expressions.parser;

import io.basalt.model.BasaltException;

/**
 * DynamoDB's expression error texts. Each is the detail after {@code Invalid <ParameterName>: }; sources are listed
 * in docs/design/expression-grammar.md.
 */
final class Messages {
    private Messages() {
    }

    static BasaltException invalid(ExpressionKind kind, String detail) {
        return BasaltException.validation("Invalid " + kind.parameterName() + ": " + detail);
    }

    static String empty() {
        return "The expression can not be empty;";
    }

    static String tooLarge() {
        return "Expression size has exceeded the maximum allowed size;";
    }

    static String reserved(String word) {
        return "Attribute name is a reserved keyword; reserved keyword: " + word;
    }

    static String unknownFunction(String name) {
        return "Invalid function name; function: " + name;
    }

    static String notInCondition(String name) {
        return "The function is not allowed in a condition expression; function: " + name;
    }

    static String notInUpdate(String name) {
        return "The function is not allowed in an update expression; function: " + name;
    }

    static String misused(String name) {
        return "The function is not allowed to be used this way in an expression; function: " + name;
    }

    static String operandCount(String function, int count) {
        return "Incorrect number of operands for operator or function; operator or function: " + function
                + ", number of operands: " + count;
    }

    static String pathRequired(String function) {
        return "Operator or function requires a document path; operator or function: " + function;
    }

    static String redundantParentheses() {
        return "The expression has redundant parentheses;";
    }

    static String sectionTwice(String section) {
        return "The \"" + section + "\" section can only be used once in an update expression;";
    }

    static String tooManyInOperands(int count) {
        return "Too many operands for the operator or function; operator or function: IN, number of operands: "
                + count;
    }

    static String tooManyOperators(int count) {
        return "The expression contains too many operators; operator count: " + count;
    }

    static String pathTooDeep(int levels) {
        return "The document path has too many nesting levels; nesting levels: " + levels;
    }
}
