package io.basalt.expressions.parser;

import static java.util.Objects.requireNonNull;

import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.ast.ProjectionExpression;
import io.basalt.expressions.ast.UpdateExpression;
import io.basalt.model.BasaltException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/**
 * Parses DynamoDB expressions into unbound trees. Every failure is a {@link BasaltException} with code VALIDATION and
 * DynamoDB's message, {@code Invalid <ParameterName>: <detail>}.
 *
 * <p>The order of checks follows DynamoDB: an empty text, then the 4 KB size limit, then syntax (the first syntax error
 * wins and hides everything else), then the whole-tree checks in DynamoDB's precedence ({@link Problems}). The checks
 * DynamoDB makes only after resolving placeholders (operand counts, document paths required) are returned as a
 * {@link DeferredProblem} by the {@code ...Deferred} methods, for {@code ExpressionBinder} to report in order with
 * undefined names and values; the other methods throw them at once.
 *
 * <p>Results are cached by (kind, text), failures included (as their message), because clients send the same few
 * expression texts over and over. The cache is bounded; when full it is simply cleared.
 */
public final class ExpressionParser {
    /** "The maximum length of any expression string is 4 KB" (Developer Guide, Constraints); 4096 bytes pass. */
    static final int MAX_EXPRESSION_BYTES = 4096;
    static final int CACHE_CAPACITY = 4096;

    private static final ConcurrentMap<CacheKey, Object> CACHE = new ConcurrentHashMap<>();

    private ExpressionParser() {
    }

    /** CONDITION, FILTER or KEY_CONDITION; a deferred problem is thrown at once. Cached by (kind, text). */
    public static Condition parseCondition(String text, ExpressionKind kind) {
        return parseConditionDeferred(text, kind).orThrow();
    }

    /** CONDITION, FILTER or KEY_CONDITION, with the problems that come after placeholders deferred. Cached. */
    @SuppressWarnings("unchecked")
    public static ParsedExpression<Condition> parseConditionDeferred(String text, ExpressionKind kind) {
        requireNonNull(kind, "kind is null");
        if (!kind.isCondition()) {
            throw new IllegalArgumentException("not a condition kind: " + kind);
        }
        return (ParsedExpression<Condition>) cached(kind, text, ConditionParser::parse, Lexer.CONDITION_KEYWORDS);
    }

    public static UpdateExpression parseUpdate(String text) {
        return parseUpdateDeferred(text).orThrow();
    }

    /** An UpdateExpression, with the problems that come after placeholders deferred. Cached. */
    @SuppressWarnings("unchecked")
    public static ParsedExpression<UpdateExpression> parseUpdateDeferred(String text) {
        return (ParsedExpression<UpdateExpression>) cached(ExpressionKind.UPDATE, text, UpdateParser::parse,
                Lexer.UPDATE_KEYWORDS);
    }

    /** A ProjectionExpression; it has no deferred problems (only reserved words are checked before binding). */
    @SuppressWarnings("unchecked")
    public static ProjectionExpression parseProjection(String text) {
        return ((ParsedExpression<ProjectionExpression>) cached(ExpressionKind.PROJECTION, text,
                ProjectionParser::parse, Set.of())).orThrow();
    }

    private static ParsedExpression<?> cached(ExpressionKind kind, String text, Function<ParseState, Object> rule,
            Set<String> keywords) {
        requireNonNull(text, "text is null");
        CacheKey key = new CacheKey(kind, text);
        Object result = CACHE.get(key);
        if (result == null) {
            try {
                result = parse(kind, text, rule, keywords);
            } catch (BasaltException e) {
                result = new Failure(e.getMessage());
            }
            if (CACHE.size() >= CACHE_CAPACITY) {
                CACHE.clear();
            }
            CACHE.put(key, result);
        }
        if (result instanceof Failure failure) {
            throw BasaltException.validation(failure.message());
        }
        return (ParsedExpression<?>) result;
    }

    private static ParsedExpression<Object> parse(ExpressionKind kind, String text, Function<ParseState, Object> rule,
            Set<String> keywords) {
        // "" gives "The expression can not be empty;" (dynalite test/updateItem.js, wire-reference §1.6 item 1);
        // whitespace-only text is treated the same way, as it holds no token.
        if (text.isBlank()) {
            throw Messages.invalid(kind, Messages.empty());
        }
        if (text.length() > MAX_EXPRESSION_BYTES / 3
                && text.getBytes(StandardCharsets.UTF_8).length > MAX_EXPRESSION_BYTES) {
            throw Messages.invalid(kind, Messages.tooLarge());
        }
        List<Token> tokens = Lexer.tokenize(text, keywords);
        Problems problems = new Problems(kind);
        ParseState state = new ParseState(new TokenCursor(text, tokens, kind), problems);
        Object tree = rule.apply(state);
        state.finish();
        problems.throwFirst();
        return new ParsedExpression<>(tree, state.placeholders(), problems.deferred());
    }

    /** Empties the cache (tests). */
    static void clearCache() {
        CACHE.clear();
    }

    private record CacheKey(ExpressionKind kind, String text) {
    }

    private record Failure(String message) {
    }
}
