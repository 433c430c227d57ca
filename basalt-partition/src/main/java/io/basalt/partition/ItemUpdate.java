package io.basalt.partition;

import io.basalt.model.Item;
import java.util.Set;

/**
 * The change an UpdateItem makes: an UpdateExpression or the legacy {@code AttributeUpdates}, once compiled.
 */
public interface ItemUpdate {
    /** An update that changes nothing: UpdateItem with neither parameter creates the item with only its key. */
    ItemUpdate NONE = new ItemUpdate() {
        @Override
        public Item apply(Item current) {
            return current;
        }

        @Override
        public Set<String> touchedAttributes() {
            return Set.of();
        }
    };

    /**
     * The new image. {@code current} is the existing item, or an item holding only the key when it does not
     * exist (UpdateItem creates it).
     */
    Item apply(Item current);

    /** Top-level attribute names this update sets or removes. */
    Set<String> touchedAttributes();
}
