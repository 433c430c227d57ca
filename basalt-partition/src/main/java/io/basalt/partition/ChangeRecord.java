package io.basalt.partition;

import io.basalt.model.Item;
import io.basalt.partition.encoding.ByteReader;
import io.basalt.partition.encoding.ByteWriter;
import io.basalt.partition.encoding.ItemCodec;

/**
 * What one write did to one item, stored under the write's log index in the same atomic batch as the item: the
 * source that global secondary indexes (and later Streams) follow, in log order, idempotently.
 *
 * <p>Format (version 1): {@code [1][timestamp millis varint][flags: 1 = old image, 2 = new image]} then each image
 * present as {@code [varint length][item codec bytes]}.
 *
 * @param timestampMillis when the write was evaluated (by the node's clock)
 * @param oldItem the image before, null when the item did not exist
 * @param newItem the image after, null when the write deleted it
 */
public record ChangeRecord(long logIndex, long timestampMillis, Item oldItem, Item newItem) {
    private static final byte FORMAT_VERSION = 1;
    private static final int OLD_IMAGE = 1;
    private static final int NEW_IMAGE = 2;

    /** Encodes a record whose images are given already encoded (either may be null). */
    public static byte[] encode(long timestampMillis, byte[] oldImage, byte[] newImage) {
        int length = 16 + (oldImage == null ? 0 : oldImage.length + 5) + (newImage == null ? 0 : newImage.length + 5);
        ByteWriter out = new ByteWriter(length);
        out.writeByte(FORMAT_VERSION);
        out.writeVarLong(timestampMillis);
        out.writeByte((oldImage == null ? 0 : OLD_IMAGE) | (newImage == null ? 0 : NEW_IMAGE));
        if (oldImage != null) {
            out.writeVarInt(oldImage.length);
            out.writeBytes(oldImage);
        }
        if (newImage != null) {
            out.writeVarInt(newImage.length);
            out.writeBytes(newImage);
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
        int flags = in.readUnsignedByte();
        Item oldItem = (flags & OLD_IMAGE) != 0 ? ItemCodec.decode(in.readBytes(in.readLength())) : null;
        Item newItem = (flags & NEW_IMAGE) != 0 ? ItemCodec.decode(in.readBytes(in.readLength())) : null;
        return new ChangeRecord(logIndex, timestamp, oldItem, newItem);
    }
}
