package io.basalt.partition;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.encoding.ByteReader;
import io.basalt.partition.encoding.ByteWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * What a partition is (docs/design/cluster.md §4.1): its stable id, the table (and index) whose items it holds,
 * the inclusive range of partition hashes it owns, the replication group that carries it, and the partition it
 * was split from. Item keys do not name a partition: a partition is the hash range of its table's item keys, so
 * moving it moves a key range and changes no key.
 *
 * <p>Format (version 1, part of the on-disk format: fields are only appended under a new version):
 * {@code [1][id varint][table id varint][index id varint][hashFirst:8][hashLast:8][group id varint][parent id
 * varint, 0 = none][phase tag]}. Ids are varints because every partition record repeats the descriptor (see
 * {@link PartitionRecord}): 23 bytes for a typical partition instead of 44. The hash bounds are fixed-width: they
 * are spread over the whole space.
 *
 * @param indexId {@link KeyLayout#BASE_TABLE_INDEX} for a table's own items (and its local indexes, which live
 *     with them), else a global secondary index's id
 * @param hashFirst the first hash owned, unsigned
 * @param hashLast the last hash owned, unsigned and inclusive ({@code -1} is {@code 0xFFFF_FFFF_FFFF_FFFF})
 * @param parent null unless the partition was created by a split (issue 17; Streams shards follow the relation)
 */
public record PartitionDescriptor(PartitionId id, long tableId, int indexId, long hashFirst, long hashLast,
        long groupId, PartitionId parent, PartitionPhase phase) {
    private static final byte FORMAT_VERSION = 1;
    /** The longest encoding: every varint at its longest (9 bytes for a non-negative long, 3 for an index id). */
    private static final int MAX_LENGTH = 1 + 9 + 9 + 3 + 8 + 8 + 9 + 9 + 1;

    public PartitionDescriptor {
        requireNonNull(id, "id is null");
        requireNonNull(phase, "phase is null");
        if (tableId < 1) {
            throw new IllegalArgumentException("tableId must be positive: " + tableId);
        }
        if (indexId < 0 || indexId > KeyLayout.MAX_INDEX_ID) {
            throw new IllegalArgumentException("indexId out of range: " + indexId);
        }
        if (Long.compareUnsigned(hashFirst, hashLast) > 0) {
            throw new IllegalArgumentException("empty hash range of partition " + id + ": " + hex(hashFirst)
                    + " > " + hex(hashLast));
        }
        if (groupId < 0) {
            throw new IllegalArgumentException("groupId is negative: " + groupId);
        }
        if (id.equals(parent)) {
            throw new IllegalArgumentException("partition " + id + " is its own parent");
        }
    }

    /** An open partition of a table's own items, with no parent. */
    public static PartitionDescriptor open(PartitionId id, long tableId, long hashFirst, long hashLast,
            long groupId) {
        return new PartitionDescriptor(id, tableId, KeyLayout.BASE_TABLE_INDEX, hashFirst, hashLast, groupId, null,
                PartitionPhase.OPEN);
    }

    /**
     * The open partitions of a new table (or index): {@code count} equal hash ranges (as
     * {@link PartitionHash#rangeStart} cuts them) with the consecutive ids from {@code firstId}, in hash order.
     */
    public static List<PartitionDescriptor> equalRanges(long tableId, int indexId, long firstId, int count,
            long groupId) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be positive: " + count);
        }
        List<PartitionDescriptor> descriptors = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long last = i + 1 == count ? -1L : PartitionHash.rangeStart(i + 1, count) - 1;
            descriptors.add(new PartitionDescriptor(new PartitionId(firstId + i), tableId, indexId,
                    PartitionHash.rangeStart(i, count), last, groupId, null, PartitionPhase.OPEN));
        }
        return List.copyOf(descriptors);
    }

    /** Whether {@code hash} is in this partition's range. */
    public boolean owns(long hash) {
        return Long.compareUnsigned(hash, hashFirst) >= 0 && Long.compareUnsigned(hash, hashLast) <= 0;
    }

    /** Whether the range ends at the last hash, {@code 0xFFFF_FFFF_FFFF_FFFF}. */
    public boolean endsHashSpace() {
        return hashLast == -1L;
    }

    public byte[] encode() {
        ByteWriter out = new ByteWriter(MAX_LENGTH);
        write(out);
        return out.toByteArray();
    }

    /** Appends the encoded descriptor to {@code out}. */
    public void write(ByteWriter out) {
        out.writeByte(FORMAT_VERSION);
        out.writeVarLong(id.value());
        out.writeVarLong(tableId);
        out.writeVarInt(indexId);
        out.writeLong(hashFirst);
        out.writeLong(hashLast);
        out.writeVarLong(groupId);
        out.writeVarLong(parent == null ? 0 : parent.value());
        out.writeByte(phase.tag());
    }

    public static PartitionDescriptor decode(byte[] bytes) {
        ByteReader in = new ByteReader(bytes);
        PartitionDescriptor descriptor = read(in);
        if (in.remaining() != 0) {
            throw new IllegalStateException("partition descriptor has " + in.remaining() + " trailing bytes");
        }
        return descriptor;
    }

    /** Reads one encoded descriptor from {@code in}. */
    public static PartitionDescriptor read(ByteReader in) {
        byte version = in.readByte();
        if (version != FORMAT_VERSION) {
            throw new IllegalStateException("unknown partition descriptor format version " + version);
        }
        PartitionId id = new PartitionId(in.readVarLong());
        long tableId = in.readVarLong();
        int indexId = in.readVarInt();
        long hashFirst = in.readLong();
        long hashLast = in.readLong();
        long groupId = in.readVarLong();
        long parent = in.readVarLong();
        PartitionPhase phase = PartitionPhase.ofTag(in.readUnsignedByte());
        return new PartitionDescriptor(id, tableId, indexId, hashFirst, hashLast, groupId,
                parent == 0 ? null : new PartitionId(parent), phase);
    }

    @Override
    public String toString() {
        return "partition " + id + " of table " + tableId + (indexId == 0 ? "" : " index " + indexId) + " ["
                + hex(hashFirst) + ", " + hex(hashLast) + "] group " + groupId
                + (parent == null ? "" : " parent " + parent) + " " + phase;
    }

    private static String hex(long hash) {
        return String.format("%016x", hash);
    }
}
