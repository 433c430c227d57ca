package io.basalt.partition;

import io.basalt.model.Item;
import io.basalt.partition.encoding.ByteReader;
import io.basalt.partition.encoding.ByteWriter;
import io.basalt.partition.encoding.ItemCodec;
import java.util.ArrayList;
import java.util.List;

/**
 * What one log entry did to its items (one item for a single write, several for a transaction's writes on one
 * partition), stored under the entry's log index in the same atomic batch as the items: the source that global
 * secondary indexes (and later Streams) follow, in log order, idempotently.
 *
 * <p>Format (version 1): {@code [1][timestamp millis varint][change count varint]} then per change
 * {@code [flags: 1 = old image, 2 = new image]} and each image present as {@code [varint length][item codec bytes]}.
 *
 * @param timestampMillis when the write was evaluated (by the node's clock)
 * @param changes each item's images, in the entry's order
 */
public record ChangeRecord(long logIndex, long timestampMillis, List<Change> changes) {
    private static final byte FORMAT_VERSION = 1;
    private static final int OLD_IMAGE = 1;
    private static final int NEW_IMAGE = 2;

    /**
     * One item's change.
     *
     * @param oldItem the image before, null when the item did not exist
     * @param newItem the image after, null when the write deleted it
     */
    public record Change(Item oldItem, Item newItem) {
    }

    public ChangeRecord {
        changes = List.copyOf(changes);
    }

    /**
     * Encodes a record from already encoded images: {@code images} holds each change's old then new image
     * (either may be null).
     */
    public static byte[] encode(long timestampMillis, List<byte[]> images) {
        int length = 16;
        for (byte[] image : images) {
            length += image == null ? 1 : image.length + 5;
        }
        ByteWriter out = new ByteWriter(length);
        out.writeByte(FORMAT_VERSION);
        out.writeVarLong(timestampMillis);
        out.writeVarInt(images.size() / 2);
        for (int i = 0; i < images.size(); i += 2) {
            byte[] oldImage = images.get(i);
            byte[] newImage = images.get(i + 1);
            out.writeByte((oldImage == null ? 0 : OLD_IMAGE) | (newImage == null ? 0 : NEW_IMAGE));
            if (oldImage != null) {
                out.writeVarInt(oldImage.length);
                out.writeBytes(oldImage);
            }
            if (newImage != null) {
                out.writeVarInt(newImage.length);
                out.writeBytes(newImage);
            }
        }
        return out.toByteArray();
    }

    public static ChangeRecord decode(long logIndex, byte[] bytes) {
        ByteReader in = new ByteReader(bytes);
        byte version = in.readByte();
        if (version != FORMAT_VERSION) {
            throw new IllegalStateException("unknown change record format version " + version);
        }
        long timestamp = in.readVarLong();
        int count = in.readLength();
        List<Change> changes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int flags = in.readUnsignedByte();
            Item oldItem = (flags & OLD_IMAGE) != 0 ? ItemCodec.decode(in.readBytes(in.readLength())) : null;
            Item newItem = (flags & NEW_IMAGE) != 0 ? ItemCodec.decode(in.readBytes(in.readLength())) : null;
            changes.add(new Change(oldItem, newItem));
        }
        return new ChangeRecord(logIndex, timestamp, changes);
    }
}
