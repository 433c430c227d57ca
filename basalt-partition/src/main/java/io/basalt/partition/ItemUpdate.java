package io.basalt.partition;

import static java.util.Objects.requireNonNull;

import io.basalt.expressions.ast.DocumentPath;
import io.basalt.model.Item;
import io.basalt.partition.encoding.StoredItem;
import java.util.List;

/**
 * The change an UpdateItem makes, as data: a bound UpdateExpression ({@link ExpressionItemUpdate}), the legacy
 * {@code AttributeUpdates} ({@link LegacyItemUpdate}) or nothing ({@link NoItemUpdate}). Sealed and closure-free,
 * so an update can be encoded ({@link io.basalt.partition.codec.OperationCodec}), sent to a partition's leader and
 * applied there. Applying it is a pure function of the current image.
 */
public sealed interface ItemUpdate permits ExpressionItemUpdate, LegacyItemUpdate, NoItemUpdate {
    /**
     * Applies the update. {@code current} is the existing item, or an item holding only the key when it does not
     * exist (UpdateItem creates it).
     *
     * @throws io.basalt.model.BasaltException when the update cannot apply to this item (wrong operand types...)
     */
    Applied apply(Item current);

    /**
     * Applies the update to an item that does not exist, given as its key attributes. By default the same as
     * {@link #apply}; updates whose removals must be silent on an absent item override it.
     */
    default Applied applyToAbsent(Item keyItem) {
        return apply(keyItem);
    }

    /**
     * Checks what the update itself weighs against the item size limit, before the item's condition is evaluated
     * (DynamoDB sizes a standalone UpdateItem by its statement as well as by the finished item: docs/design/
     * write-path.md). Nothing by default.
     *
     * @param current the stored item (decoded only if the check needs it), or null when there is none
     * @throws io.basalt.model.BasaltException ValidationException when the statement is too large
     */
    default void checkStatementSize(StoredItem current) {
    }

    /**
     * The result of an update.
     *
     * @param updatedPaths the document paths the update set or removed, in the order of the request, for
     *     {@code ReturnValues=UPDATED_OLD/UPDATED_NEW}, which return just those paths
     */
    record Applied(Item item, List<DocumentPath> updatedPaths) {
        public Applied {
            requireNonNull(item, "item is null");
            updatedPaths = List.copyOf(updatedPaths);
        }
    }
}
