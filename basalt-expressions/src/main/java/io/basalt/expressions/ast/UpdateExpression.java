package io.basalt.expressions.ast;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * An UpdateExpression: its SET, REMOVE, ADD and DELETE actions, each clause at most once, in any order in the
 * text; the actions keep their textual order within a clause.
 *
 * <p>Encoded by basalt-partition's {@code ExpressionCodec} as its four clauses in a fixed order (SET, REMOVE, ADD,
 * DELETE): a new clause must be appended to that format, never inserted.
 */
public record UpdateExpression(List<SetAction> set, List<DocumentPath> remove, List<AddAction> add,
        List<DeleteAction> delete) {
    public UpdateExpression {
        set = List.copyOf(set);
        remove = List.copyOf(remove);
        add = List.copyOf(add);
        delete = List.copyOf(delete);
    }

    /** {@code SET path = value}. */
    public record SetAction(DocumentPath path, Operand value) {
        public SetAction {
            requireNonNull(path, "path is null");
            requireNonNull(value, "value is null");
        }
    }

    /** {@code ADD path :value}: add to a number, or add elements to a set. */
    public record AddAction(DocumentPath path, Operand value) {
        public AddAction {
            requireNonNull(path, "path is null");
            requireNonNull(value, "value is null");
        }
    }

    /** {@code DELETE path :value}: remove elements from a set. */
    public record DeleteAction(DocumentPath path, Operand value) {
        public DeleteAction {
            requireNonNull(path, "path is null");
            requireNonNull(value, "value is null");
        }
    }
}
