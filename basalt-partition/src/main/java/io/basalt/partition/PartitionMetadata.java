package io.basalt.partition;

import io.basalt.partition.encoding.ByteReader;
import io.basalt.partition.encoding.ByteWriter;

/**
 * What a partition stores about itself, written in the same atomic batch as every change of its items: the
 * sequence of its last applied log entry (so a restart knows where the log stands; docs/design/cluster.md calls it
 * the partition's sequence) and the live item count and size that DescribeTable reports. Stored inside the
 * partition's {@link PartitionRecord}.
 *
 * <p>{@link #encode}/{@link #decode} are the layout v1 value of the retired {@code 0x03} key space (format version
 * 1: {@code [1][applied index varint][item count varint][size bytes varint]}), kept for the format migration.
 */
public record PartitionMetadata(long appliedIndex, long itemCount, long sizeBytes) {
    public static final PartitionMetadata EMPTY = new PartitionMetadata(0, 0, 0);
    private static final byte FORMAT_VERSION = 1;

    public PartitionMetadata {
        if (appliedIndex < 0 || itemCount < 0 || sizeBytes < 0) {
            throw new IllegalArgumentException("negative partition metadata: " + appliedIndex + ", " + itemCount
                    + ", " + sizeBytes);
        }
    }

    public byte[] encode() {
        ByteWriter out = new ByteWriter(16);
        out.writeByte(FORMAT_VERSION);
        out.writeVarLong(appliedIndex);
        out.writeVarLong(itemCount);
        out.writeVarLong(sizeBytes);
        return out.toByteArray();
    }

    public static PartitionMetadata decode(byte[] bytes) {
        if (bytes == null) {
            return EMPTY;
        }
        ByteReader in = new ByteReader(bytes);
        byte version = in.readByte();
        if (version != FORMAT_VERSION) {
            throw new IllegalStateException("unknown partition metadata format version " + version);
        }
        return new PartitionMetadata(in.readVarLong(), in.readVarLong(), in.readVarLong());
    }

    /** The metadata after one more applied entry that changed the item count and size by the given amounts. */
    public PartitionMetadata next(long itemCountDelta, long sizeDelta) {
        return new PartitionMetadata(appliedIndex + 1, itemCount + itemCountDelta, sizeBytes + sizeDelta);
    }
}
