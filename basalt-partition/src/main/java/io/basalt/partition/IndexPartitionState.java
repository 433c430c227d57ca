package io.basalt.partition;

import io.basalt.partition.encoding.ByteReader;
import io.basalt.partition.encoding.ByteWriter;

/**
 * What one base partition stores about its share of one secondary index: the count and size of the index entries
 * derived from its items (DescribeTable's index ItemCount and IndexSizeBytes sum them), and for a global index how
 * far its change records have been applied to the index (its {@link #position()}, cluster.md §15).
 *
 * <p>A local index's state is written in the same batch as the base items it follows. A global index's state is
 * written in the same batch as the index entries it accounts for ({@link GlobalIndexApplier}), so after a crash it
 * says exactly which change records remain to be applied, and an operation at or below it is skipped.
 *
 * <p>Format version 1: {@code [1][item count varint][size bytes varint][propagated index varint][backfilled]};
 * version 2 (written only when the sub-position is not 0, so local index states keep their bytes):
 * {@code [2][item count varint][size bytes varint][propagated index varint][propagated sub varint][backfilled]}.
 *
 * @param propagatedIndex the sequence of the last change applied to the index (global indexes)
 * @param propagatedSub the position within that sequence: 0 once its change record is applied, else the number of
 *     the last backfill chunk copied as of it
 * @param backfilled whether the partition's items that predate the index are in it (false only while a global
 *     index added by UpdateTable is being filled)
 */
public record IndexPartitionState(long itemCount, long sizeBytes, long propagatedIndex, int propagatedSub,
        boolean backfilled) {
    public static final IndexPartitionState EMPTY = new IndexPartitionState(0, 0, 0, true);
    private static final byte FORMAT_VERSION = 1;
    private static final byte FORMAT_VERSION_WITH_SUB = 2;

    public IndexPartitionState {
        if (itemCount < 0 || sizeBytes < 0 || propagatedIndex < 0 || propagatedSub < 0) {
            throw new IllegalArgumentException("negative index state: " + itemCount + ", " + sizeBytes + ", "
                    + propagatedIndex + "/" + propagatedSub);
        }
    }

    public IndexPartitionState(long itemCount, long sizeBytes, long propagatedIndex, boolean backfilled) {
        this(itemCount, sizeBytes, propagatedIndex, 0, backfilled);
    }

    public IndexPosition position() {
        return new IndexPosition(propagatedIndex, propagatedSub);
    }

    public byte[] encode() {
        ByteWriter out = new ByteWriter(24);
        out.writeByte(propagatedSub == 0 ? FORMAT_VERSION : FORMAT_VERSION_WITH_SUB);
        out.writeVarLong(itemCount);
        out.writeVarLong(sizeBytes);
        out.writeVarLong(propagatedIndex);
        if (propagatedSub != 0) {
            out.writeVarInt(propagatedSub);
        }
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
        if (version != FORMAT_VERSION && version != FORMAT_VERSION_WITH_SUB) {
            throw new IllegalStateException("unknown index state format version " + version);
        }
        long count = in.readVarLong();
        long size = in.readVarLong();
        long index = in.readVarLong();
        int sub = version == FORMAT_VERSION_WITH_SUB ? in.readVarInt() : 0;
        return new IndexPartitionState(count, size, index, sub, in.readByte() == 1);
    }

    /** The state after entries were added or removed: count and size change by the given amounts. */
    public IndexPartitionState plus(long countDelta, long sizeDelta) {
        return new IndexPartitionState(itemCount + countDelta, sizeBytes + sizeDelta, propagatedIndex, propagatedSub,
                backfilled);
    }

    /** The state with the whole record (or nothing) at sequence {@code index} applied. */
    public IndexPartitionState propagatedTo(long index) {
        return new IndexPartitionState(itemCount, sizeBytes, index, 0, backfilled);
    }

    public IndexPartitionState propagatedTo(IndexPosition position) {
        return new IndexPartitionState(itemCount, sizeBytes, position.sequence(), position.sub(), backfilled);
    }

    public IndexPartitionState withBackfilled(boolean done) {
        return new IndexPartitionState(itemCount, sizeBytes, propagatedIndex, propagatedSub, done);
    }
}
