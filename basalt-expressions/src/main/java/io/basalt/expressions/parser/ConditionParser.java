package io.basalt.expressions.parser;

import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.Operand;
import java.util.ArrayList;
import java.util.List;

/**
 * Condition, filter and key-condition expressions, by precedence climbing: {@code OR} &lt; {@code AND} &lt;
 * {@code NOT} &lt; comparisons ({@code = <> < <= > >=}, {@code BETWEEN ... AND ...}, {@code IN (...)}) &lt;
 * operands (Developer Guide, "Comparison operator and function reference": "NOT, AND, OR" in precedence order).
 *
 * <p>A parenthesised group may hold a condition or an operand, and which one is only known from what follows it, so
 * the rules return a {@link ConditionNode} that is either, and the caller converts it where its role is fixed. The
 * conversion is where DynamoDB's "function used this way" and syntax errors for misplaced terms come from.
 */
final class ConditionParser {
    /**
     * Deeper grouping than this cannot be valid: every non-redundant level needs an operator (at most 300) or a path
     * step (at most 32), so past it the text has redundant parentheses, reported at once to bound the recursion.
     */
    private static final int MAX_GROUP_DEPTH = 400;
    /** "The maximum number of operands for the IN comparator is 100" (Developer Guide, Constraints). */
    static final int MAX_IN_OPERANDS = 100;

    private final ParseState state;
    private final TokenCursor cursor;
    private final ConditionFunctions functions;
    private int groupDepth;

    private ConditionParser(ParseState state) {
        this.state = state;
        this.cursor = state.cursor;
        this.functions = new ConditionFunctions(state);
    }

    static Condition parse(ParseState state) {
        ConditionParser parser = new ConditionParser(state);
        ConditionNode node = parser.or();
        Condition condition = parser.functions.asCondition(node);
        state.cursor.expectEnd();
        return condition;
    }

    private ConditionNode or() {
        ConditionNode left = and();
        while (cursor.atKeyword("OR")) {
            Condition first = functions.asCondition(left);
            cursor.next();
            state.countOperator();
            Condition second = functions.asCondition(and());
            left = ConditionNode.of(new Condition.Or(first, second), cursor.position());
        }
        return left;
    }

    private ConditionNode and() {
        ConditionNode left = not();
        while (cursor.atKeyword("AND")) {
            Condition first = functions.asCondition(left);
            cursor.next();
            state.countOperator();
            Condition second = functions.asCondition(not());
            left = ConditionNode.of(new Condition.And(first, second), cursor.position());
        }
        return left;
    }

    private ConditionNode not() {
        if (!cursor.atKeyword("NOT")) {
            return comparison();
        }
        cursor.next();
        state.countOperator();
        Condition negated = functions.asCondition(not());
        return ConditionNode.of(new Condition.Not(negated), cursor.position());
    }

    private ConditionNode comparison() {
        ConditionNode left = primary();
        Token token = cursor.peek();
        Condition.Comparator comparator = comparator(token);
        if (comparator != null) {
            Operand value = functions.asOperand(left);
            cursor.next();
            state.countOperator();
            Operand other = functions.asOperand(primary());
            state.leafComplete();
            return ConditionNode.of(new Condition.Comparison(value, comparator, other), cursor.position());
        }
        if (token.isKeyword("BETWEEN")) {
            Operand value = functions.asOperand(left);
            cursor.next();
            state.countOperator();
            Operand low = functions.asOperand(primary());
            if (!cursor.atKeyword("AND")) {
                throw cursor.syntaxError();
            }
            cursor.next();
            Operand high = functions.asOperand(primary());
            state.leafComplete();
            return ConditionNode.of(new Condition.Between(value, low, high), cursor.position());
        }
        if (token.isKeyword("IN")) {
            return in(functions.asOperand(left));
        }
        return left;
    }

    private ConditionNode in(Operand value) {
        cursor.next();
        state.countOperator();
        cursor.expectSymbol("(");
        List<Operand> candidates = new ArrayList<>();
        candidates.add(functions.asOperand(primary()));
        while (cursor.atSymbol(",")) {
            cursor.next();
            candidates.add(functions.asOperand(primary()));
        }
        cursor.expectSymbol(")");
        if (candidates.size() > MAX_IN_OPERANDS) {
            throw Messages.invalid(state.kind(), Messages.tooManyInOperands(candidates.size()));
        }
        state.leafComplete();
        return ConditionNode.of(new Condition.In(value, candidates), cursor.position());
    }

    private ConditionNode primary() {
        Token token = cursor.peek();
        if (token.isSymbol("(")) {
            return group();
        }
        if (token.type() == Token.Type.VALUE_PLACEHOLDER) {
            cursor.next();
            state.placeholder(token.text());
            return ConditionNode.term(new Operand.ValuePlaceholder(token.text()), cursor.position());
        }
        if (token.type() == Token.Type.NAME && cursor.peekAhead(1).isSymbol("(")) {
            return call();
        }
        if (token.type() == Token.Type.NAME || token.type() == Token.Type.NAME_PLACEHOLDER) {
            return ConditionNode.term(new Operand.Path(state.path()), cursor.position());
        }
        throw cursor.syntaxError();
    }

    /**
     * {@code ( inner )}. Two groups directly around the same thing are "redundant parentheses" (dynalite test/scan.js:
     * {@code a > ((views))}, {@code a=a AND ((a=a AND a=a)) AND a=a}); a grouped path may go on with {@code .name} or
     * {@code [n]}, since DynamoDB reports {@code (a)between(((b.c)).d)and(c)} for its parentheses, not its syntax.
     */
    private ConditionNode group() {
        cursor.next();
        if (++groupDepth > MAX_GROUP_DEPTH) {
            throw Messages.invalid(state.kind(), Messages.redundantParentheses());
        }
        ConditionNode inner = or();
        cursor.expectSymbol(")");
        groupDepth--;
        if (inner.grouped()) {
            state.problems.add(Problems.Category.PARENTHESES, Messages.redundantParentheses());
        }
        if (inner.operand() instanceof Operand.Path path && inner.function() == null && state.atPathContinuation()) {
            DocumentPath longer = state.continuePath(new ArrayList<>(path.path().elements()));
            return ConditionNode.term(new Operand.Path(longer), cursor.position());
        }
        return inner.grouped(cursor.position());
    }

    private ConditionNode call() {
        Token name = cursor.next();
        cursor.expectSymbol("(");
        List<ConditionNode> arguments = new ArrayList<>();
        arguments.add(primary());
        while (cursor.atSymbol(",")) {
            cursor.next();
            arguments.add(primary());
        }
        cursor.expectSymbol(")");
        state.countOperator();
        return functions.call(name.text(), arguments, cursor.position());
    }

    private static Condition.Comparator comparator(Token token) {
        if (token.type() != Token.Type.SYMBOL) {
            return null;
        }
        for (Condition.Comparator comparator : Condition.Comparator.values()) {
            if (comparator.symbol().equals(token.text())) {
                return comparator;
            }
        }
        return null;
    }
}
