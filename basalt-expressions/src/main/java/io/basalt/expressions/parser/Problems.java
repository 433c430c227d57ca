package io.basalt.expressions.parser;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The non-syntax errors found while parsing, kept first-per-category and reported in DynamoDB's precedence once the
 * whole text has parsed. DynamoDB checks the complete tree rather than stopping at the first problem: with
 * {@code a=a and a > ((views))} it reports the redundant parentheses, not the reserved word or the non-distinct
 * operands (dynalite test/scan.js; its conditionParser.pegjs checkErrors order: parentheses, function names, misused
 * functions, reserved words, then per-condition operand checks; updateParser.pegjs: reserved words, function names,
 * sections, then operand checks).
 *
 * <p>Two refinements follow dynalite's live-checked ordering. In a condition, the operand checks (operand count,
 * distinct operands, document path required) are reported for the first comparison or function to complete that has
 * any, so {@code attribute_exists(:a) and a=a} reports the path, not {@code a=a}. In an update, those checks and the
 * misused-function check share one first-come slot.
 */
final class Problems {
    enum Category {
        PARENTHESES, FUNCTION_NAME, MISUSED_FUNCTION, RESERVED_WORD, SECTION, OPERAND_COUNT, DISTINCT, PATH_REQUIRED,
        /** size() of a non-path: see ConditionFunctions#size; reported only when nothing else is wrong. */
        SIZE_OF_VALUE
    }

    private static final List<Category> CONDITION_ORDER = List.of(Category.PARENTHESES, Category.FUNCTION_NAME,
            Category.MISUSED_FUNCTION, Category.RESERVED_WORD, Category.OPERAND_COUNT, Category.DISTINCT,
            Category.PATH_REQUIRED, Category.SIZE_OF_VALUE);
    private static final List<Category> UPDATE_ORDER = List.of(Category.PARENTHESES, Category.RESERVED_WORD,
            Category.FUNCTION_NAME, Category.SECTION, Category.OPERAND_COUNT, Category.PATH_REQUIRED,
            Category.MISUSED_FUNCTION);
    private static final List<Category> PROJECTION_ORDER = List.of(Category.RESERVED_WORD);

    private static final List<Category> PER_CONDITION = List.of(Category.OPERAND_COUNT, Category.DISTINCT,
            Category.PATH_REQUIRED);

    private final ExpressionKind kind;
    private final Map<Category, String> first = new EnumMap<>(Category.class);
    private final Map<Category, String> pending = new EnumMap<>(Category.class);

    Problems(ExpressionKind kind) {
        this.kind = kind;
    }

    void add(Category category, String detail) {
        if (kind.isCondition() && PER_CONDITION.contains(category)) {
            pending.putIfAbsent(category, detail);
        } else if (kind == ExpressionKind.UPDATE && (PER_CONDITION.contains(category)
                || category == Category.MISUSED_FUNCTION)) {
            first.putIfAbsent(Category.OPERAND_COUNT, detail);
        } else {
            first.putIfAbsent(category, detail);
        }
    }

    /** A comparison, BETWEEN, IN or function condition is complete: its operand problems become final. */
    void conditionComplete() {
        for (Category category : PER_CONDITION) {
            if (first.containsKey(Category.OPERAND_COUNT) || first.containsKey(Category.DISTINCT)
                    || first.containsKey(Category.PATH_REQUIRED)) {
                return;
            }
            String detail = pending.get(category);
            if (detail != null) {
                first.put(category, detail);
                return;
            }
        }
    }

    /** Throws the highest-precedence problem, if any. */
    void throwFirst() {
        conditionComplete();
        List<Category> order = kind.isCondition() ? CONDITION_ORDER
                : kind == ExpressionKind.UPDATE ? UPDATE_ORDER : PROJECTION_ORDER;
        for (Category category : order) {
            String detail = first.get(category);
            if (detail != null) {
                throw Messages.invalid(kind, detail);
            }
        }
    }
}
