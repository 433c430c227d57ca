package io.basalt.cluster.node;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.TableMetadata;
import io.basalt.cluster.routing.ClusterState;
import io.basalt.cluster.routing.ClusterView;
import io.basalt.cluster.routing.ReplicationGroup;
import io.basalt.cluster.rpc.RpcResponse;
import io.basalt.cluster.rpc.ServingGuard;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionMap;
import io.basalt.replication.raft.GroupMember;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A cluster node's routing state (docs/design/cluster.md §11, §12.3), read from what the node itself holds: the
 * partition map from its applied catalog (every table's and global index's descriptors, which name their groups), the
 * groups and their members from the placement, each group's leader as this node's Ratis member last heard, and every
 * node's RPC address. {@link #current()} answers a prepared {@link ClusterState} without I/O: it is rebuilt when the
 * catalog changes and when a leader changes (checked every {@value #LEADER_CHECK_MILLIS} ms; the Router learns newer
 * hints from NOT_LEADER answers in between). Its version is the catalog's ({@link
 * io.basalt.cluster.MetadataGroup#catalogVersion()}), comparable between nodes since they apply one log.
 *
 * <p>It is also the node's {@link ServingGuard}, answered from the node's Raft members rather than from the map: a
 * partition is served when this node's member of its group has an open epoch (it leads and has applied everything
 * committed before its term); a leader still catching up answers NOT_READY, another member NOT_LEADER with the leader
 * it knows, a node without a member of the group WRONG_PARTITION, and a partition this node's catalog does not know
 * (yet, or any more) NOT_READY. Thread-safe; close it.
 */
public final class ClusterNodeView implements ClusterView, ServingGuard, AutoCloseable {
    private static final long LEADER_CHECK_MILLIS = 100;

    private final ClusterNode node;
    private final ScheduledExecutorService timer;
    private final Object rebuilding = new Object();
    private volatile ClusterState state;

    public ClusterNodeView(ClusterNode node) {
        this.node = requireNonNull(node, "node is null");
        this.state = build();
        node.metadata().addChangeListener(this::rebuild);
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "basalt-view-" + node.selfId());
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::rebuildIfLeadersMoved, LEADER_CHECK_MILLIS, LEADER_CHECK_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    @Override
    public ClusterState current() {
        return state;
    }

    @Override
    public ClusterState refresh(long atLeastVersion) {
        // The node's own catalog is the newest map it can have: a newer one arrives by its metadata member's apply.
        return rebuild();
    }

    private ClusterState rebuild() {
        synchronized (rebuilding) {
            ClusterState built = build();
            state = built;
            return built;
        }
    }

    private void rebuildIfLeadersMoved() {
        try {
            ClusterState current = state;
            for (ReplicationGroup group : current.groups().values()) {
                if (group.leaderHint() != leaderHint(group.id(), group.members())) {
                    rebuild();
                    return;
                }
            }
        } catch (RuntimeException e) {
            // The node is closing (Ratis refuses calls): the next tick or the close ends it.
        }
    }

    private ClusterState build() {
        List<PartitionDescriptor> descriptors = new ArrayList<>();
        long version = 0;
        if (node.metadata().isOpen()) {
            version = node.metadata().catalogVersion();
            for (TableMetadata table : node.metadata().tables()) {
                descriptors.addAll(table.partitions());
                descriptors.addAll(table.indexPartitions());
            }
        }
        Map<Long, ReplicationGroup> groups = new HashMap<>();
        for (GroupPlacement placement : node.groups().values()) {
            List<Long> members = placement.members().stream().map(Integer::longValue).toList();
            groups.put(placement.groupId(), new ReplicationGroup(placement.groupId(), members,
                    leaderHint(placement.groupId(), members)));
        }
        Map<Long, InetSocketAddress> nodes = new HashMap<>();
        for (GroupPlacement placement : node.groups().values()) {
            for (int member : placement.members()) {
                node.node(member).ifPresent(address -> nodes.put((long) member, address.rpcSocketAddress()));
            }
        }
        return new ClusterState(version, PartitionMap.of(descriptors), groups, nodes);
    }

    /** The group's leader as this node's member knows it, when it is one of the members; else 0. */
    private long leaderHint(long groupId, List<Long> members) {
        int hint = node.leaderHint(groupId).orElse(0);
        return members.contains((long) hint) ? hint : 0;
    }

    @Override
    public RpcResponse refusal(PartitionId partition, boolean write) {
        ClusterState current = state;
        Optional<PartitionDescriptor> descriptor = current.tryGetPartition(partition);
        if (descriptor.isEmpty()) {
            // Not in this node's map, but in the sender's: its catalog is ahead of this node's (a table just
            // created), or behind it (a table just dropped). Either way the maps agree within the catalog's
            // replication lag: the sender backs off and retries, and once its own map lacks the partition too, its
            // Router answers from its own node, as for a dropped table. (This node's own calls for partitions no map
            // knows never ask the guard: the Router sends them straight to the local client.)
            return new RpcResponse.NotReady();
        }
        long groupId = descriptor.get().groupId();
        Optional<GroupMember> member = node.raft().tryMember(groupId);
        if (member.isEmpty()) {
            return new RpcResponse.WrongPartition(current.version(), partition);
        }
        if (member.get().leadership().isLeading()) {
            return null;
        }
        if (node.leads(groupId)) {
            return new RpcResponse.NotReady();
        }
        int hint = node.leaderHint(groupId).orElse(0);
        return new RpcResponse.NotLeader(groupId, hint == node.selfId() ? 0 : hint);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
