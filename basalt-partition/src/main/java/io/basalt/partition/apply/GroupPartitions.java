package io.basalt.partition.apply;

import io.basalt.partition.GroupPartition;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionId;
import io.basalt.storage.StorageIterator;
import io.basalt.storage.StorageReader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a group keeps the partitions its log opened (docs/design/cluster.md §6.2 step 4): beside its apply state in
 * key space {@code 0x12}, {@code [0x12][group id:8][partition id:8]} → {@link GroupPartition} (the apply state itself
 * is the 9-byte {@code [0x12][group id:8]}). Only group-admin entries write these keys; a partition entry's key check
 * never admits them.
 */
final class GroupPartitions {
    private static final int KEY_LENGTH = 17;

    private GroupPartitions() {
    }

    static byte[] key(long groupId, PartitionId partition) {
        return ByteBuffer.allocate(KEY_LENGTH).put(KeyLayout.GROUP_STATE).putLong(groupId)
                .putLong(partition.value()).array();
    }

    /** Every partition stored for {@code groupId}, in partition id order. */
    static List<GroupPartition> read(StorageReader storage, long groupId) {
        byte[] start = ByteBuffer.allocate(KEY_LENGTH).put(KeyLayout.GROUP_STATE).putLong(groupId).putLong(0).array();
        byte[] end = ByteBuffer.allocate(9).put(KeyLayout.GROUP_STATE).putLong(groupId + 1).array();
        List<GroupPartition> partitions = new ArrayList<>();
        try (StorageIterator iterator = storage.iterator(start, end)) {
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                if (iterator.key().length == KEY_LENGTH) {
                    partitions.add(GroupPartition.decode(iterator.value()));
                }
            }
        }
        return partitions;
    }
}
