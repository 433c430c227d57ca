package io.basalt.partition;

import io.basalt.partition.encoding.ByteReader;
import io.basalt.partition.encoding.ByteWriter;

/**
 * What one base partition stores about its share of one secondary index: the count and size of the index entries
 * derived from its items (DescribeTable's index ItemCount and IndexSizeBytes sum them), and for a global index how
 * far its change records have been applied to the index.
 *
 * <p>A local index's state is written in the same batch as the base items it follows. A global index's state is
 * written in the same batch as the index entries it accounts for, so after a crash it says exactly which change
 * records remain to be applied.
 *
 * <p>Format (version 1): {@code [1][item count varint][size bytes varint][propagated index varint][backfilled]}.
 *
 * @param propagatedIndex the log index of the last change record applied to the index (global indexes)
 * @param backfilled whether the partition's items that predate the index are in it (false only while a global
 *     index added by UpdateTable is being filled)
 */
public record IndexPartitionState(long itemCount, long sizeBytes, long propagatedIndex, boolean backfilled) {
    public static final IndexPartitionState EMPTY = new IndexPartitionState(0, 0, 0, true);
    private static final byte FORMAT_VERSION = 1;

    public IndexPartitionState {
        if (itemCount < 0 || sizeBytes < 0 || propagatedIndex < 0) {
            throw new IllegalArgumentException("negative index state: " + itemCount + ", " + sizeBytes + ", "
                    + propagatedIndex);
        }
    }

    public byte[] encode() {
        ByteWriter out = new ByteWriter(20);
        out.writeByte(FORMAT_VERSION);
        out.writeVarLong(itemCount);
        out.writeVarLong(sizeBytes);
        out.writeVarLong(propagatedIndex);
        out.writeByte((byte) (backfilled ? 1 : 0));
        return out.toByteArray();
    }

    /** The state stored in {@code bytes}; {@link #EMPTY} when nothing is stored. */
    public static IndexPartitionState decode(byte[] bytes) {
        if (bytes == null) {
            return EMPTY;
        }
        ByteReader in = new ByteReader(bytes);
        byte version = in.readByte();
        if (version != FORMAT_VERSION) {
            throw new IllegalStateException("unknown index state format version " + version);
        }
        return new IndexPartitionState(in.readVarLong(), in.readVarLong(), in.readVarLong(), in.readByte() == 1);
    }

    /** The state after entries were added or removed: count and size change by the given amounts. */
    public IndexPartitionState plus(long countDelta, long sizeDelta) {
        return new IndexPartitionState(itemCount + countDelta, sizeBytes + sizeDelta, propagatedIndex, backfilled);
    }

    public IndexPartitionState propagatedTo(long index) {
        return new IndexPartitionState(itemCount, sizeBytes, index, backfilled);
    }

    public IndexPartitionState withBackfilled(boolean done) {
        return new IndexPartitionState(itemCount, sizeBytes, propagatedIndex, done);
    }
}
