package io.basalt.expressions.ast;

import static java.util.Objects.requireNonNull;

import io.basalt.model.AttributeValue;
import java.util.List;

/**
 * UpdateItem's legacy {@code AttributeUpdates} parameter, checked by the request layer: one action per top-level
 * attribute, in the request's order. Its semantics and messages differ from an UpdateExpression's (ADD appends to
 * a list, DELETE of an absent attribute is silent, every action names a top-level attribute), so it stays a legacy
 * node of its own rather than a translation into {@link UpdateExpression}
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/LegacyConditionalParameters.AttributeUpdates.html).
 * Applied by {@link io.basalt.expressions.eval.LegacyUpdateApplier}.
 *
 * <p>Encoded with a persistent tag per action kind by basalt-partition's {@code OperationCodec}: a new kind needs a
 * new tag there, and tags are never reordered or reused.
 */
public record LegacyUpdate(List<Action> actions) {
    public LegacyUpdate {
        actions = List.copyOf(actions);
    }

    /**
     * One {@code AttributeValueUpdate}.
     *
     * @param value the {@code Value}, null only for a DELETE that removes the whole attribute
     */
    public record Action(String attribute, Kind kind, AttributeValue value) {
        public Action {
            requireNonNull(attribute, "attribute is null");
            requireNonNull(kind, "kind is null");
            if (value == null && kind != Kind.DELETE) {
                throw new IllegalArgumentException(kind + " of " + attribute + " needs a value");
            }
        }
    }

    /** The {@code Action} of an {@code AttributeValueUpdate}. Persistent codec tags hang on these: see the codec. */
    public enum Kind {
        PUT, ADD, DELETE
    }
}
