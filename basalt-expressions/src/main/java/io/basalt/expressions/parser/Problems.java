package io.basalt.expressions.parser;

import io.basalt.expressions.ast.Operand;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The non-syntax errors found while parsing. DynamoDB checks the complete tree rather than stopping at the first
 * problem: with {@code a=a and a > ((views))} it reports the redundant parentheses, not the reserved word or the
 * non-distinct operands (dynalite test/scan.js).
 *
 * <p>Two groups. The problems DynamoDB reports before it looks at placeholders are kept first-per-category and
 * thrown once the whole text has parsed, in DynamoDB's precedence (dynalite db/conditionParser.pegjs checkErrors:
 * parentheses, function names, misused functions, reserved words, then the per-condition errors;
 * db/updateParser.pegjs: reserved words, function names, sections, then names, values and the rest). The problems
 * it reports after placeholders (operand counts, document paths required, and in an update misused functions) are
 * kept as one {@link DeferredProblem}: in a condition, that of the first leaf condition to complete that has any, so
 * {@code attribute_exists(:a) and a=a} reports the path; in an update, the first found.
 */
final class Problems {
    enum Category {
        PARENTHESES, FUNCTION_NAME, MISUSED_FUNCTION, RESERVED_WORD, SECTION, OPERAND_COUNT, PATH_REQUIRED
    }

    private static final List<Category> CONDITION_ORDER = List.of(Category.PARENTHESES, Category.FUNCTION_NAME,
            Category.MISUSED_FUNCTION, Category.RESERVED_WORD);
    private static final List<Category> UPDATE_ORDER = List.of(Category.PARENTHESES, Category.RESERVED_WORD,
            Category.FUNCTION_NAME, Category.SECTION);
    private static final List<Category> PROJECTION_ORDER = List.of(Category.RESERVED_WORD);

    /** Within one condition, an operand count wins over a path required (dynalite: "operand" before "function"). */
    private static final List<Category> PER_CONDITION = List.of(Category.OPERAND_COUNT, Category.PATH_REQUIRED);

    private final ExpressionKind kind;
    private final Map<Category, String> first = new EnumMap<>(Category.class);
    private final Map<Category, String> pending = new EnumMap<>(Category.class);
    private List<Operand> pendingOperands = List.of();
    private DeferredProblem deferred;

    Problems(ExpressionKind kind) {
        this.kind = kind;
    }

    void add(Category category, String detail) {
        add(category, detail, List.of());
    }

    /** @param operands for PATH_REQUIRED, the function's operands, whose own checks come first */
    void add(Category category, String detail, List<Operand> operands) {
        if (kind.isCondition() && PER_CONDITION.contains(category)) {
            if (pending.isEmpty() || category == Category.OPERAND_COUNT) {
                pendingOperands = category == Category.PATH_REQUIRED ? operands : List.of();
            }
            pending.putIfAbsent(category, detail);
        } else if (kind == ExpressionKind.UPDATE && (PER_CONDITION.contains(category)
                || category == Category.MISUSED_FUNCTION)) {
            if (deferred == null) {
                deferred = new DeferredProblem(Messages.invalid(kind, detail).getMessage(), -1, Integer.MAX_VALUE,
                        List.of());
            }
        } else {
            first.putIfAbsent(category, detail);
        }
    }

    /**
     * Leaf condition number {@code leaf} (a comparison, BETWEEN, IN or function condition) is complete, with
     * {@code placeholders} placeholders read so far: the first with operand problems fixes the deferred problem.
     */
    void conditionComplete(int leaf, int placeholders) {
        if (deferred != null || pending.isEmpty()) {
            return;
        }
        for (Category category : PER_CONDITION) {
            String detail = pending.get(category);
            if (detail != null) {
                deferred = new DeferredProblem(Messages.invalid(kind, detail).getMessage(), leaf, placeholders,
                        pendingOperands);
                return;
            }
        }
    }

    /** Throws the highest-precedence problem DynamoDB reports before placeholders, if any. */
    void throwFirst() {
        List<Category> order = kind.isCondition() ? CONDITION_ORDER
                : kind == ExpressionKind.UPDATE ? UPDATE_ORDER : PROJECTION_ORDER;
        for (Category category : order) {
            String detail = first.get(category);
            if (detail != null) {
                throw Messages.invalid(kind, detail);
            }
        }
    }

    /** The problem to report once the placeholders before it are known to be defined, or null. */
    DeferredProblem deferred() {
        return deferred;
    }
}
