package io.basalt.partition.apply;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.GroupPartition;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionMetadata;
import io.basalt.partition.PartitionRecord;
import io.basalt.partition.log.ClosePartitionsEntry;
import io.basalt.partition.log.DropPartitionsEntry;
import io.basalt.partition.log.GroupAdminEntry;
import io.basalt.partition.log.OpenPartitionsEntry;
import io.basalt.storage.StorageReader;
import io.basalt.storage.WriteBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group-admin entries of a {@link GroupStateMachine}: which partitions a data group holds, opened, dropped and
 * closed through its own log. Shares the machine's map of open partitions and is called only from its apply, under
 * its lock; the listeners are told through {@code notices}, which the machine runs once the batch is in storage.
 */
final class GroupAdminStaging {
    /** Under the state machine's name, as before these checks moved out of it (its log settings still apply). */
    private static final Logger LOG = LoggerFactory.getLogger(GroupStateMachine.class);

    private final long groupId;
    private final StorageReader storage;
    private final Map<PartitionId, OpenPartition> partitions;
    private final List<PartitionsListener> partitionsListeners;

    GroupAdminStaging(long groupId, StorageReader storage, Map<PartitionId, OpenPartition> partitions,
            List<PartitionsListener> partitionsListeners) {
        this.groupId = groupId;
        this.storage = requireNonNull(storage, "storage is null");
        this.partitions = requireNonNull(partitions, "partitions is null");
        this.partitionsListeners = requireNonNull(partitionsListeners, "partitionsListeners is null");
    }

    /**
     * Stages a group-admin entry (docs/design/cluster.md §6.2 step 4). Opening stores each partition new to the
     * group ({@link GroupPartitions}) with an empty partition record unless one is stored, and starts accepting its
     * entries; a partition the group holds is skipped, and one whose stored record describes another partition is
     * refused (a defect: logged, the rest still open). Dropping range-deletes the table's key spaces and closes its
     * partitions: a group's storage holds only its own partitions, so the table's ranges in this storage are
     * exactly theirs.
     */
    ApplyOutcome stage(GroupAdminEntry entry, WriteBatch batch, List<Runnable> notices) {
        if (entry instanceof OpenPartitionsEntry open) {
            List<GroupPartition> opened = new ArrayList<>(open.partitions().size());
            for (GroupPartition partition : open.partitions()) {
                PartitionDescriptor descriptor = partition.descriptor();
                if (partitions.containsKey(descriptor.id())) {
                    continue;
                }
                byte[] recordKey = KeyLayout.partitionRecordKey(descriptor.tableId(), descriptor.id());
                byte[] stored = storage.get(recordKey);
                long sequence = 0;
                if (stored != null) {
                    PartitionRecord record = PartitionRecord.decode(stored);
                    if (!record.descriptor().equals(descriptor)) {
                        LOG.error("Not opening partition {}: its stored record describes {}", descriptor,
                                record.descriptor());
                        continue;
                    }
                    sequence = record.metadata().appliedIndex();
                } else {
                    batch.put(recordKey, new PartitionRecord(descriptor, PartitionMetadata.EMPTY)
                            .encode());
                }
                batch.put(GroupPartitions.key(groupId, descriptor.id()), partition.encode());
                int[] locals = partition.localIndexIds().stream().mapToInt(Integer::intValue).toArray();
                partitions.put(descriptor.id(), new OpenPartition(descriptor, locals, sequence));
                opened.add(partition);
            }
            if (!opened.isEmpty()) {
                List<GroupPartition> told = List.copyOf(opened);
                notices.add(() -> partitionsListeners.forEach(listener -> listener.opened(told)));
            }
            return ApplyOutcome.APPLIED;
        }
        if (entry instanceof ClosePartitionsEntry close) {
            return close(close, batch, notices);
        }
        long tableId = ((DropPartitionsEntry) entry).tableId();
        List<PartitionId> dropped = new ArrayList<>();
        for (OpenPartition partition : partitions.values()) {
            if (partition.descriptor.tableId() == tableId) {
                dropped.add(partition.descriptor.id());
            }
        }
        if (dropped.isEmpty()) {
            return ApplyOutcome.APPLIED;
        }
        for (PartitionId id : dropped) {
            partitions.remove(id);
            batch.delete(GroupPartitions.key(groupId, id));
            batch.deleteRange(PartStaging.start(id), PartStaging.end(id));
        }
        for (byte keySpace : EntryKeyChecks.DROPPED_SPACES) {
            batch.deleteRange(KeyLayout.tableStart(keySpace, tableId), KeyLayout.tableEnd(keySpace, tableId));
        }
        List<PartitionId> told = List.copyOf(dropped);
        notices.add(() -> partitionsListeners.forEach(listener -> listener.dropped(tableId, told)));
        return ApplyOutcome.APPLIED;
    }

    /**
     * Closes the listed partitions of a live table the group holds (a dropped global index's, whose data its drop
     * entries removed): their stored {@link GroupPartition}s and staging go, and the listeners are told as for a drop.
     */
    private ApplyOutcome close(ClosePartitionsEntry close, WriteBatch batch, List<Runnable> notices) {
        List<PartitionId> closed = new ArrayList<>();
        for (PartitionId id : close.partitions()) {
            OpenPartition partition = partitions.get(id);
            if (partition == null || partition.descriptor.tableId() != close.tableId()) {
                continue;
            }
            partitions.remove(id);
            batch.delete(GroupPartitions.key(groupId, id));
            partition.discardStagedParts(batch);
            closed.add(id);
        }
        if (!closed.isEmpty()) {
            List<PartitionId> told = List.copyOf(closed);
            notices.add(() -> partitionsListeners.forEach(listener -> listener.dropped(close.tableId(), told)));
        }
        return ApplyOutcome.APPLIED;
    }
}
