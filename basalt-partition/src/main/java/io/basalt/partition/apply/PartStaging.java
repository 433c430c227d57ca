package io.basalt.partition.apply;

import io.basalt.partition.PartitionId;
import java.nio.ByteBuffer;

/**
 * Keys of the staged parts of an oversized entry (docs/design/cluster.md §5.3), key space {@code 0x0E} of layout v2
 * (§4.1). Until partition ids are stable (step 2) the key names the table and the partition's ordinal:
 * {@code [0x0E][table id:8][partition ordinal:8][sequence:8][part:4]}; step 2 folds both into its 8-byte partition
 * id, and moves the prefix into {@code KeyLayout} with the rest of v2. Staged parts exist only on Raft groups,
 * briefly, so the change needs no migration.
 */
final class PartStaging {
    /** The key space; never reused (KeyLayout reserves 0x0A–0x11 for layout v2). */
    static final byte STAGING = 0x0E;
    private static final int PREFIX_LENGTH = 17;

    private PartStaging() {
    }

    static byte[] key(PartitionId partition, long sequence, int part) {
        return ByteBuffer.allocate(PREFIX_LENGTH + 12).put(STAGING).putLong(partition.tableId())
                .putLong(partition.index()).putLong(sequence).putInt(part).array();
    }

    /** The first key of the partition's staged parts. */
    static byte[] start(PartitionId partition) {
        return ByteBuffer.allocate(PREFIX_LENGTH).put(STAGING).putLong(partition.tableId())
                .putLong(partition.index()).array();
    }

    /** The first key after the partition's staged parts (exclusive end). */
    static byte[] end(PartitionId partition) {
        return ByteBuffer.allocate(PREFIX_LENGTH).put(STAGING).putLong(partition.tableId())
                .putLong(partition.index() + 1L).array();
    }

    static long sequenceOf(byte[] key) {
        return ByteBuffer.wrap(key, PREFIX_LENGTH, 8).getLong();
    }

    static int partOf(byte[] key) {
        return ByteBuffer.wrap(key, PREFIX_LENGTH + 8, 4).getInt();
    }
}
