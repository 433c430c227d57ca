package io.basalt.partition.apply;

import io.basalt.partition.GroupPartition;
import io.basalt.partition.PartitionId;
import java.util.List;

/**
 * Told when an applied group-admin entry changed the partitions a group holds (docs/design/cluster.md §7.2: a
 * leader's epoch follows them). Runs on the applying thread, after the entry's batch is in storage, under the state
 * machine's lock: keep it short, never block.
 */
public interface PartitionsListener {
    /** {@code partitions} were opened (those the group held already are not named). */
    void opened(List<GroupPartition> partitions);

    /** The group's partitions of table {@code tableId}, {@code partitions}, were dropped. */
    void dropped(long tableId, List<PartitionId> partitions);
}
