package io.basalt.expressions.parser;

import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.Operand;
import io.basalt.expressions.ast.UpdateExpression;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Update expressions: one or more clauses {@code SET a = v, ...}, {@code REMOVE a, ...}, {@code ADD a :v, ...},
 * {@code DELETE a :v, ...} in any order, each at most once (Developer Guide, "Update expressions").
 *
 * <p>A SET value is an operand, or two operands joined by {@code +} or {@code -}, optionally in parentheses; an
 * operand is a path, a {@code :value}, a function call, or an operand in parentheses. dynalite's live-checked syntax
 * errors pin the edges: {@code b + c + d}, {@code (a = (b + c))}, {@code (b.c).d + e} and {@code b * c} are syntax
 * errors, while {@code (b + c)} and {@code if_not_exists(a, b) + b} are accepted (test/updateItem.js).
 */
final class UpdateParser {
    private static final int MAX_GROUP_DEPTH = 400;

    private final ParseState state;
    private final TokenCursor cursor;
    private final UpdateFunctions functions;
    private final List<UpdateExpression.SetAction> set = new ArrayList<>();
    private final List<DocumentPath> remove = new ArrayList<>();
    private final List<UpdateExpression.AddAction> add = new ArrayList<>();
    private final List<UpdateExpression.DeleteAction> delete = new ArrayList<>();
    private int groupDepth;

    private UpdateParser(ParseState state) {
        this.state = state;
        this.cursor = state.cursor;
        this.functions = new UpdateFunctions(state);
    }

    static UpdateExpression parse(ParseState state) {
        return new UpdateParser(state).expression();
    }

    private UpdateExpression expression() {
        Set<String> seen = new HashSet<>();
        do {
            Token keyword = cursor.expect(Token.Type.KEYWORD);
            String section = keyword.text().toUpperCase(Locale.ROOT);
            if (!seen.add(section)) {
                state.problems.add(Problems.Category.SECTION, Messages.sectionTwice(section));
            }
            action(section);
            while (cursor.atSymbol(",")) {
                cursor.next();
                action(section);
            }
        } while (cursor.peek().type() != Token.Type.EOF);
        return new UpdateExpression(set, remove, add, delete);
    }

    private void action(String section) {
        DocumentPath path = state.path();
        switch (section) {
            case "SET":
                cursor.expectSymbol("=");
                set.add(new UpdateExpression.SetAction(path, setValue().operand()));
                break;
            case "REMOVE":
                remove.add(path);
                break;
            case "ADD":
                add.add(new UpdateExpression.AddAction(path, value()));
                break;
            default:
                delete.add(new UpdateExpression.DeleteAction(path, value()));
                break;
        }
    }

    /** ADD and DELETE take a {@code :value} only: {@code ADD numx 1} is a syntax error at "1". */
    private Operand value() {
        String placeholder = cursor.expect(Token.Type.VALUE_PLACEHOLDER).text();
        state.placeholder(placeholder);
        return new Operand.ValuePlaceholder(placeholder);
    }

    private UpdateTerm setValue() {
        UpdateTerm left = unit(true);
        Token operator = cursor.peek();
        if (!operator.isSymbol("+") && !operator.isSymbol("-")) {
            return left;
        }
        if (left.operand() instanceof Operand.Arithmetic) {
            throw cursor.syntaxError();
        }
        cursor.next();
        state.countOperator();
        UpdateTerm right = unit(false);
        Operand.ArithmeticOperator kind = operator.text().equals("+") ? Operand.ArithmeticOperator.PLUS
                : Operand.ArithmeticOperator.MINUS;
        return UpdateTerm.of(new Operand.Arithmetic(left.operand(), kind, right.operand()));
    }

    /** An operand, or (when {@code arithmetic}) a parenthesised SET value. */
    private UpdateTerm unit(boolean arithmetic) {
        Token token = cursor.peek();
        if (token.isSymbol("(")) {
            cursor.next();
            if (++groupDepth > MAX_GROUP_DEPTH) {
                throw Messages.invalid(state.kind(), Messages.redundantParentheses());
            }
            UpdateTerm inner = arithmetic ? setValue() : unit(false);
            cursor.expectSymbol(")");
            groupDepth--;
            if (inner.grouped()) {
                state.problems.add(Problems.Category.PARENTHESES, Messages.redundantParentheses());
            }
            return inner.inGroup();
        }
        if (token.type() == Token.Type.VALUE_PLACEHOLDER) {
            cursor.next();
            state.placeholder(token.text());
            return UpdateTerm.of(new Operand.ValuePlaceholder(token.text()));
        }
        if (token.type() == Token.Type.NAME && cursor.peekAhead(1).isSymbol("(")) {
            return call();
        }
        if (token.type() == Token.Type.NAME || token.type() == Token.Type.NAME_PLACEHOLDER) {
            return UpdateTerm.of(new Operand.Path(state.path()));
        }
        throw cursor.syntaxError();
    }

    private UpdateTerm call() {
        String name = cursor.next().text();
        cursor.expectSymbol("(");
        List<UpdateTerm> arguments = new ArrayList<>();
        arguments.add(unit(false));
        while (cursor.atSymbol(",")) {
            cursor.next();
            arguments.add(unit(false));
        }
        cursor.expectSymbol(")");
        state.countOperator();
        return new UpdateTerm(functions.call(name, arguments), name, false);
    }
}
