package io.basalt.cluster.node;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.GroupGlobalIndexes;
import io.basalt.cluster.IndexMetadata;
import io.basalt.cluster.MetadataGroup;
import io.basalt.cluster.TableMetadata;
import io.basalt.partition.GroupPartition;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import io.basalt.partition.apply.GroupStateMachine;
import io.basalt.partition.log.ClosePartitionsEntry;
import io.basalt.partition.log.DropPartitionsEntry;
import io.basalt.partition.log.OpenPartitionsEntry;
import io.basalt.replication.PartitionLeader;
import io.basalt.replication.raft.GroupLeadership;
import io.basalt.replication.raft.GroupMember;
import io.basalt.replication.raft.RaftNode;
import io.basalt.replication.raft.RaftReplicator;
import io.basalt.replication.raft.RatisGroupStateMachine;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitions of this node's data-group members (docs/design/cluster.md §6.2 step 4, §7.2, §11): which partitions
 * a group holds is decided by its own log, and its leader keeps that in step with the catalog.
 * <ul>
 * <li><b>Epochs.</b> The epoch factory of a data group builds a {@link PartitionLeader} for each partition the
 * member's state machine holds, over the member's current storage, with the key schema and the indexes its table
 * has in this node's catalog (as the single node configures them), and beside it the propagator of its share of the
 * table's global indexes; for a global index partition it builds a {@code GlobalIndexLeader} instead (both through
 * {@link GroupGlobalIndexes}, which stops them when the epoch closes, cluster.md §15). A partition whose table this
 * node's catalog does not show yet gets its leader later ({@link #reconcile}).</li>
 * <li><b>Reconciling.</b> When this node leads a data group (its epoch opens, the catalog changes, and once a second
 * as a safety net), it proposes through the group's log an open entry for the catalog's partitions of that group the
 * group does not hold (tables' and global indexes'), and a drop entry for each table the group holds that the
 * catalog no longer has. A table counts as gone only when its id is below the catalog's next table id, so a catalog
 * that lags behind the group (a new leader's) never drops a table it has not heard of yet.</li>
 * </ul>
 * Thread-safe: reconciling runs on one thread of its own; proposals complete on Ratis' threads.
 */
final class DataGroupPartitions {
    private static final Logger LOG = LoggerFactory.getLogger(DataGroupPartitions.class);

    private final MetadataGroup metadata;
    private final Supplier<RaftNode> raft;
    private final Executor pool;
    private final ScheduledExecutorService reconciler;
    private final GroupGlobalIndexes globalIndexes;

    DataGroupPartitions(MetadataGroup metadata, Supplier<RaftNode> raft, Executor pool,
            ScheduledExecutorService reconciler, GroupGlobalIndexes globalIndexes) {
        this.metadata = requireNonNull(metadata, "metadata is null");
        this.raft = requireNonNull(raft, "raft is null");
        this.pool = requireNonNull(pool, "pool is null");
        this.reconciler = requireNonNull(reconciler, "reconciler is null");
        this.globalIndexes = requireNonNull(globalIndexes, "globalIndexes is null");
    }

    /** The epoch factory of data group {@code groupId}'s member on this node. */
    GroupLeadership.EpochFactory epochFactory(long groupId, RatisGroupStateMachine stateMachine,
            RaftReplicator replicator) {
        return new GroupLeadership.EpochFactory() {
            @Override
            public Map<PartitionId, PartitionLeader> open(long epoch) {
                Map<PartitionId, PartitionLeader> leaders = new LinkedHashMap<>();
                for (GroupPartition partition : stateMachine.groupStateMachine().partitions()) {
                    PartitionLeader leader = build(groupId, epoch, stateMachine, replicator, partition);
                    if (leader != null) {
                        leaders.put(partition.descriptor().id(), leader);
                    }
                }
                // Once the epoch is open: bring the group in step with the catalog.
                reconciler.execute(() -> reconcile(groupId));
                return leaders;
            }

            @Override
            public PartitionLeader openPartition(long epoch, GroupPartition partition) {
                return build(groupId, epoch, stateMachine, replicator, partition);
            }

            @Override
            public void closed(long epoch) {
                globalIndexes.closeEpoch(groupId, epoch);
            }

            @Override
            public void dropped(long epoch, List<PartitionId> partitions) {
                globalIndexes.dropped(groupId, epoch, partitions);
            }
        };
    }

    /**
     * A base partition's leader (with its global index propagator) for the epoch; for a global index partition, its
     * {@code GlobalIndexLeader} beside the epoch's leaders (null is returned: it takes batches, not writes).
     */
    private PartitionLeader build(long groupId, long epoch, RatisGroupStateMachine stateMachine,
            RaftReplicator replicator, GroupPartition partition) {
        PartitionDescriptor descriptor = partition.descriptor();
        if (!metadata.isOpen()) {
            return null;
        }
        if (descriptor.indexId() != KeyLayout.BASE_TABLE_INDEX) {
            globalIndexes.openIndex(groupId, epoch, descriptor, stateMachine.storage(), replicator);
            return null;
        }
        Optional<TableMetadata> table = metadata.tryGetTable(descriptor.tableId());
        if (table.isEmpty()) {
            return null;
        }
        return globalIndexes.openBase(groupId, epoch, descriptor, table.get(), stateMachine.storage(), replicator,
                pool);
    }

    /** Reconciles every data group this node leads, on the reconciling thread. */
    void reconcileSoon() {
        try {
            reconciler.execute(this::reconcileAll);
        } catch (RejectedExecutionException closing) {
            // Closing (ClusterNode stops the reconciler before Ratis): nothing to reconcile. Thrown on, it would
            // reach the metadata member's apply, and Ratis 3.3.0's state machine updater, having caught it, spins
            // without ever stopping, so the node's close waited forever (cluster.md s19).
        }
    }

    void reconcileAll() {
        RaftNode node = raft.get();
        if (node == null) {
            return;
        }
        for (long groupId : node.groupIds()) {
            if (groupId != StaticPlacement.METADATA_GROUP) {
                reconcile(groupId);
            }
        }
    }

    /** Brings group {@code groupId} in step with this node's catalog, if this node leads it (see the class). */
    void reconcile(long groupId) {
        RaftNode node = raft.get();
        if (node == null || !metadata.isOpen()) {
            return;
        }
        Optional<GroupMember> found = node.tryMember(groupId);
        if (found.isEmpty() || !found.get().leadership().isLeading()) {
            return;
        }
        GroupMember member = found.get();
        GroupStateMachine machine;
        try {
            machine = member.stateMachine().groupStateMachine();
        } catch (IllegalStateException e) {
            return; // closing
        }
        List<GroupPartition> held = machine.partitions();
        Set<PartitionId> heldIds = new HashSet<>();
        Set<Long> heldTables = new TreeSet<>();
        for (GroupPartition partition : held) {
            heldIds.add(partition.descriptor().id());
            heldTables.add(partition.descriptor().tableId());
        }
        List<GroupPartition> missing = new ArrayList<>();
        Set<Long> tables = new HashSet<>();
        for (TableMetadata table : metadata.tables()) {
            tables.add(table.id());
            List<Integer> locals = table.localIndexes().stream().map(IndexMetadata::id).toList();
            for (PartitionDescriptor descriptor : table.partitions()) {
                if (descriptor.groupId() == groupId && !heldIds.contains(descriptor.id())) {
                    missing.add(new GroupPartition(descriptor, locals));
                }
            }
            // Global index partitions are partitions of the group like any (cluster.md §15); a dropped index's
            // are closed once the index has left the catalog (closeDroppedIndexes).
            for (PartitionDescriptor descriptor : table.indexPartitions()) {
                if (descriptor.groupId() == groupId && !heldIds.contains(descriptor.id())) {
                    missing.add(new GroupPartition(descriptor, List.of()));
                }
            }
        }
        if (!missing.isEmpty()) {
            member.proposer().proposeAdmin(new OpenPartitionsEntry(missing)).whenComplete((ignored, failure) -> {
                if (failure != null) {
                    LOG.debug("Group {}: proposing to open {} partitions failed (retried)", groupId, missing.size(),
                            failure);
                }
            });
        }
        closeDroppedIndexes(groupId, member, held);
        long nextTableId = metadata.nextTableId();
        for (long tableId : heldTables) {
            if (!tables.contains(tableId) && tableId < nextTableId) {
                member.proposer().proposeAdmin(new DropPartitionsEntry(tableId)).whenComplete((ignored, failure) -> {
                    if (failure != null) {
                        LOG.debug("Group {}: proposing to drop table {} failed (retried)", groupId, tableId, failure);
                    }
                });
            }
        }
        // Leaders the epoch could not build before the catalog showed their table.
        member.leadership().opened(held);
    }

    /**
     * Proposes closing the global index partitions the group holds of an index that has left its (live) table in
     * the catalog (cluster.md, s18): the index left only once every one of its partitions had applied its drop, so
     * their data is gone. An index counts as gone only when its id is below the table's next index id, so a catalog
     * that lags behind the group never closes an index it has not heard of yet.
     */
    private void closeDroppedIndexes(long groupId, GroupMember member, List<GroupPartition> held) {
        Map<Long, List<PartitionId>> closing = new LinkedHashMap<>();
        for (GroupPartition partition : held) {
            PartitionDescriptor descriptor = partition.descriptor();
            if (descriptor.indexId() == KeyLayout.BASE_TABLE_INDEX) {
                continue;
            }
            Optional<TableMetadata> table = metadata.tryGetTable(descriptor.tableId());
            if (table.isEmpty() || descriptor.indexId() >= table.get().nextIndexId()
                    || table.get().indexes().stream().anyMatch(index -> index.id() == descriptor.indexId())) {
                continue; // the table's drop handles a table gone; an index still listed is still the index's
            }
            closing.computeIfAbsent(descriptor.tableId(), id -> new ArrayList<>()).add(descriptor.id());
        }
        closing.forEach((tableId, partitions) -> member.proposer().proposeAdmin(
                new ClosePartitionsEntry(tableId, partitions)).whenComplete((ignored, failure) -> {
                    if (failure != null) {
                        LOG.debug("Group {}: proposing to close {} index partitions failed (retried)", groupId,
                                partitions.size(), failure);
                    }
                }));
    }
}
