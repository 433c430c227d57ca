package io.basalt.partition.apply;

import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionId;
import java.nio.ByteBuffer;

/**
 * Keys of the staged parts of an oversized entry (docs/design/cluster.md §5.3), key space {@code 0x0E} of layout v2
 * (§4.1): {@code [0x0E][partition id:8][sequence:8][part:4]} ({@link KeyLayout#stagingKey}). Staged parts exist only
 * on Raft groups, briefly.
 */
final class PartStaging {
    private static final int PREFIX_LENGTH = 9;

    private PartStaging() {
    }

    static byte[] key(PartitionId partition, long sequence, int part) {
        return KeyLayout.stagingKey(partition, sequence, part);
    }

    /** The first key of the partition's staged parts. */
    static byte[] start(PartitionId partition) {
        return ByteBuffer.allocate(PREFIX_LENGTH).put(KeyLayout.STAGING).putLong(partition.value()).array();
    }

    /** The first key after the partition's staged parts (exclusive end). */
    static byte[] end(PartitionId partition) {
        return ByteBuffer.allocate(PREFIX_LENGTH).put(KeyLayout.STAGING).putLong(partition.value() + 1L).array();
    }

    static long sequenceOf(byte[] key) {
        return ByteBuffer.wrap(key, PREFIX_LENGTH, 8).getLong();
    }

    static int partOf(byte[] key) {
        return ByteBuffer.wrap(key, PREFIX_LENGTH + 8, 4).getInt();
    }
}
