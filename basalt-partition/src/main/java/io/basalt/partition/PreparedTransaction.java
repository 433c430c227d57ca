package io.basalt.partition;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.encoding.ByteReader;
import io.basalt.partition.encoding.ByteWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A partition's record that a transaction is prepared there (stored under {@link KeyLayout#preparedKey}, written
 * through the partition's log): the items it holds until the coordinator's decision, and its timestamp. Because
 * it is part of the log, a restart, or in a cluster a new leader, holds the same items for the same transaction.
 *
 * <p>Format (version 1): {@code [1][timestamp:8][item count varint]([key length varint][item key])*}.
 */
public record PreparedTransaction(long timestamp, List<byte[]> itemKeys) {
    private static final byte FORMAT_VERSION = 1;

    public PreparedTransaction {
        itemKeys = List.copyOf(requireNonNull(itemKeys, "itemKeys is null"));
    }

    public byte[] encode() {
        int size = 1 + 8 + 5;
        for (byte[] key : itemKeys) {
            size += 5 + key.length;
        }
        ByteWriter out = new ByteWriter(size);
        out.writeByte(FORMAT_VERSION);
        out.writeLong(timestamp);
        out.writeVarInt(itemKeys.size());
        for (byte[] key : itemKeys) {
            out.writeVarInt(key.length);
            out.writeBytes(key);
        }
        return out.toByteArray();
    }

    public static PreparedTransaction decode(byte[] bytes) {
        ByteReader in = new ByteReader(bytes);
        byte version = in.readByte();
        if (version != FORMAT_VERSION) {
            throw new IllegalStateException("unknown prepare record format version " + version);
        }
        long timestamp = in.readLong();
        int count = in.readVarInt();
        List<byte[]> keys = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            keys.add(in.readBytes(in.readVarInt()));
        }
        return new PreparedTransaction(timestamp, keys);
    }
}
