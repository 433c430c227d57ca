package io.basalt.partition.encoding;

import static java.util.Objects.requireNonNull;

import io.basalt.model.Item;
import java.io.IOException;

/**
 * An item as read from storage, decoded only when something needs its attributes. A read that returns whole
 * items streams the stored bytes to the response ({@link #accept}) and reads their size off them ({@link #size}),
 * so it never builds the attribute maps, strings and numbers of an {@link Item}; a filter or projection decodes
 * it ({@link #item}), once.
 *
 * <p>Not thread-safe for its first {@link #item()} and {@link #size()} calls: one request's reader or one partition's
 * writer uses it, and hands it on only through a happens-before edge (a completed future, a queue).
 */
public final class StoredItem {
    private final byte[] bytes;
    private Item item;
    private long size = -1;

    private StoredItem(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Wraps the stored form {@code bytes}, which the caller gives up (they are read later, never copied). */
    public static StoredItem of(byte[] bytes) {
        return new StoredItem(requireNonNull(bytes, "bytes is null"));
    }

    /**
     * An item whose stored form, decoded form and size are all at hand (one just encoded); nothing is copied, and
     * nothing is computed later, so the instance may be shared between threads.
     */
    public static StoredItem of(byte[] bytes, Item item, long size) {
        StoredItem stored = of(bytes);
        stored.item = requireNonNull(item, "item is null");
        stored.size = size;
        return stored;
    }

    /** The stored form itself, not a copy: never change it. */
    public byte[] encoded() {
        return bytes;
    }

    /** The decoded item (decoded on the first call). */
    public Item item() {
        Item decoded = item;
        if (decoded == null) {
            decoded = ItemCodec.decode(bytes);
            item = decoded;
        }
        return decoded;
    }

    /** The item's size as DynamoDB counts it ({@link io.basalt.model.ItemSize#of}). */
    public long size() {
        long known = size;
        if (known < 0) {
            known = ItemCodec.size(bytes);
            size = known;
        }
        return known;
    }

    /** Streams the item to {@code visitor} from its stored form. */
    public void accept(ItemVisitor visitor) throws IOException {
        ItemCodec.accept(bytes, visitor);
    }
}
