package io.basalt.expressions.eval;

import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.ast.Operand;
import io.basalt.expressions.ast.PathElement;
import io.basalt.expressions.ast.UpdateExpression;
import io.basalt.model.AttributeValue;
import io.basalt.model.Bytes;
import io.basalt.model.DynamoNumber;
import io.basalt.model.Item;
import io.basalt.model.ItemSize;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a standalone UpdateItem weighs against DynamoDB's 400 KB item limit besides the finished item: the
 * statement itself, sized from the request rather than from the stored item. The rule and every constant were
 * measured against DynamoDB by bisecting the limit (paritysuite/dynamodb-conformance
 * tests/tier3/limits/itemSizeBySurface.test.ts, eu-west-2, August to October 2026; 22 of 33 regions, us-east-1
 * among them, apply it; see docs/design/write-path.md "UpdateItem and the 400 KB limit"):
 *
 * <pre>
 * statement = 3 + the sum of its actions
 *   SET target = operand      19 + target + operand
 *   ADD target :v             19 + target + v (of a set, only the members not already there)
 *   REMOVE target             1 + target
 *   DELETE target :v          1 + target (nothing removed is charged)
 * target                      its first name's bytes, plus 4 and the element's bytes for each later element
 * operand  :v                 the value's size, at every use
 *          path               1, plus 14 and the element's bytes for each element (the value read is free)
 *          x + y / x - y      34 / 37 plus both operands
 *          if_not_exists(p, v) 39 plus both operands
 *          list_append(x, y)  37 plus both operands
 * </pre>
 *
 * An element is a name's UTF-8 bytes or a list index's decimal digits. Names are counted after placeholders are
 * resolved, so an alias costs what its name costs.
 */
public final class UpdateStatementSize {
    private static final long BASE = 3;
    private static final long WRITE_ACTION = 19;
    private static final long REMOVE_ACTION = 1;
    private static final long LATER_TARGET_ELEMENT = 4;
    private static final long PATH_OPERAND = 1;
    private static final long PATH_OPERAND_ELEMENT = 14;
    private static final long PLUS = 34;
    private static final long MINUS = 37;
    private static final long IF_NOT_EXISTS = 39;
    private static final long LIST_APPEND = 37;

    private UpdateStatementSize() {
    }

    /**
     * The statement's size from the request alone, counting every member an ADD names (an upper bound of
     * {@link #of} for any stored item).
     *
     * @param update a bound expression (names and values resolved)
     */
    public static long ofRequest(UpdateExpression update) {
        return of(update, null, false);
    }

    /**
     * The statement's size against the stored item: an ADD to a set is charged only for the members it adds.
     *
     * @param current the stored item, or null when there is none
     */
    public static long of(UpdateExpression update, Item current) {
        return of(update, current, true);
    }

    /** Whether the size can depend on the stored item (an ADD, which is charged only for what it adds). */
    public static boolean dependsOnItem(UpdateExpression update) {
        return !update.add().isEmpty();
    }

    private static long of(UpdateExpression update, Item current, boolean againstItem) {
        long size = BASE;
        for (UpdateExpression.SetAction set : update.set()) {
            size += WRITE_ACTION + target(set.path()) + operand(set.value());
        }
        for (UpdateExpression.AddAction add : update.add()) {
            AttributeValue value = literal(add.value());
            long added = value == null ? operand(add.value())
                    : againstItem ? addedSize(value, Values.resolve(current, add.path())) : ItemSize.of(value);
            size += WRITE_ACTION + target(add.path()) + added;
        }
        for (DocumentPath remove : update.remove()) {
            size += REMOVE_ACTION + target(remove);
        }
        for (UpdateExpression.DeleteAction delete : update.delete()) {
            size += REMOVE_ACTION + target(delete.path());
        }
        return size;
    }

    private static long target(DocumentPath path) {
        List<PathElement> elements = path.elements();
        long size = element(elements.get(0));
        for (int i = 1; i < elements.size(); i++) {
            size += LATER_TARGET_ELEMENT + element(elements.get(i));
        }
        return size;
    }

    private static long operand(Operand operand) {
        if (operand instanceof Operand.Literal literal) {
            return ItemSize.of(literal.value());
        }
        if (operand instanceof Operand.Path path) {
            long size = PATH_OPERAND;
            for (PathElement element : path.path().elements()) {
                size += PATH_OPERAND_ELEMENT + element(element);
            }
            return size;
        }
        if (operand instanceof Operand.Arithmetic arithmetic) {
            return (arithmetic.operator() == Operand.ArithmeticOperator.PLUS ? PLUS : MINUS)
                    + operand(arithmetic.left()) + operand(arithmetic.right());
        }
        if (operand instanceof Operand.IfNotExists ifNotExists) {
            return IF_NOT_EXISTS + operand(new Operand.Path(ifNotExists.path())) + operand(ifNotExists.fallback());
        }
        if (operand instanceof Operand.ListAppend append) {
            return LIST_APPEND + operand(append.first()) + operand(append.second());
        }
        // The parser admits nothing else on the right of SET or ADD (size() is refused there), and a bound
        // expression has no placeholders left; nothing to charge rather than a server error if one ever appears.
        return 0;
    }

    private static AttributeValue literal(Operand operand) {
        return operand instanceof Operand.Literal literal ? literal.value() : null;
    }

    private static long element(PathElement element) {
        if (element instanceof PathElement.Name name) {
            return ItemSize.utf8Length(name.name());
        }
        if (element instanceof PathElement.Index index) {
            return Integer.toString(index.index()).length();
        }
        // An unbound #name never reaches here (binding resolves every placeholder); charge its text.
        return ItemSize.utf8Length(element.toString());
    }

    /** The size of the members of {@code value} that {@code existing} lacks; all of it unless both are sets. */
    private static long addedSize(AttributeValue value, AttributeValue existing) {
        if (value instanceof AttributeValue.StringSetValue add
                && existing instanceof AttributeValue.StringSetValue present) {
            Set<String> have = new HashSet<>(present.values());
            long size = 0;
            for (String member : add.values()) {
                size += have.contains(member) ? 0 : ItemSize.utf8Length(member);
            }
            return size;
        }
        if (value instanceof AttributeValue.NumberSetValue add
                && existing instanceof AttributeValue.NumberSetValue present) {
            Set<DynamoNumber> have = new HashSet<>(present.values());
            long size = 0;
            for (DynamoNumber member : add.values()) {
                size += have.contains(member) ? 0 : ItemSize.of(member);
            }
            return size;
        }
        if (value instanceof AttributeValue.BinarySetValue add
                && existing instanceof AttributeValue.BinarySetValue present) {
            Set<Bytes> have = new HashSet<>(present.values());
            long size = 0;
            for (Bytes member : add.values()) {
                size += have.contains(member) ? 0 : member.length();
            }
            return size;
        }
        return ItemSize.of(value);
    }
}
