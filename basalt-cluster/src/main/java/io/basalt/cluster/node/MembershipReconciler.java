package io.basalt.cluster.node;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.MetaCommand;
import io.basalt.replication.raft.RaftNode;
import io.basalt.replication.raft.RaftPeerAddress;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One round of the metadata leader's reconcile loop (docs/design/cluster.md §13.2, step 13 as built): asks
 * {@link PlacementPolicy} what to do with the registry's nodes and groups, and does it, in the order that keeps the
 * registry and the Raft groups consistent:
 *
 * <ul>
 *   <li>a new group is recorded ({@code CreateGroup}, with a freshly allocated id), then each member's node adds its
 *       member with the group's peers (a static bootstrap of its own);</li>
 *   <li>a member added or moved: its node joins with the new peers, the group's leader (found from this node by
 *       {@link RaftNode#requestConfiguration}) sets them, then the registry records them ({@code SetGroupMembers});
 *       a replaced member's node, if up, removes its member (a down one does when it comes back and finds the
 *       registry no longer names it);</li>
 *   <li>leadership moves with {@link RaftNode#requestLeadershipTransfer}.</li>
 * </ul>
 *
 * <p>Every peer has Ratis priority 0: a group's preferred leader is the registry's, and {@link PreferredLeaders} on
 * the group's leader hands the group to it (cluster.md §20, "s20 priorities"). The round stops at the first action
 * that fails: the next round plans again from what the registry then says (an added member that joined but was not
 * configured is joined again, which is success). Call it from one thread at a time.
 */
public final class MembershipReconciler {
    /** What the reconciler reads and changes of the metadata group (on its leader). */
    public interface Registry {
        List<NodeDescriptor> nodes();

        /** The data groups (not the metadata group). */
        List<GroupPlacement> dataGroups();

        /** A group id never given before ({@code MetaStateMachine.allocateGroupId}). */
        long allocateGroupId();

        /** Evaluates and logs a membership command; returns once it is applied. */
        void submit(MetaCommand command) throws IOException;
    }

    /** How the reconciler reaches the nodes that host members (a {@code GROUP_MEMBER_ADD} frame, or in process). */
    public interface MemberHosts {
        /** Has {@code node} add its member of the group whose members are {@code peers} (idempotent). */
        void addMember(NodeAddress node, long groupId, List<RaftPeerAddress> peers) throws IOException;

        /** Has {@code node} remove its member of the group and delete its directory (idempotent). */
        void removeMember(NodeAddress node, long groupId) throws IOException;
    }

    private final RaftNode raft;
    private final Registry registry;
    private final MemberHosts hosts;
    private final PlacementConfig config;
    private final Duration timeout;
    /**
     * The longest a leadership transfer may take. While one is under way the group's leader refuses writes (Ratis'
     * {@code LeaderSteppingDownException}; the Router retries them), so a transfer to a member that does not take
     * over soon (dead, or far behind) must give up well within the routing deadline (5 s) rather than after the
     * 30 s a membership change may take: measured in the s18 failover runs (cluster.md), a transfer to a node killed
     * seconds before held a group's writes until the kill's failover measurement ended.
     */
    static final Duration TRANSFER_TIMEOUT = Duration.ofSeconds(2);

    /**
     * @param raft this node's Raft side, from which configuration changes and leadership transfers are requested
     * @param timeout how long one membership change or transfer may take (a new member's catch-up included)
     */
    public MembershipReconciler(RaftNode raft, Registry registry, MemberHosts hosts, PlacementConfig config,
            Duration timeout) {
        this.raft = requireNonNull(raft, "raft is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.hosts = requireNonNull(hosts, "hosts is null");
        this.config = requireNonNull(config, "config is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
    }

    /**
     * Plans with the registry as it is, the groups' current leaders and the metadata leader's time, and takes the
     * actions.
     *
     * @return the actions taken (all of the plan's, or those before the one that failed)
     * @throws IOException when an action failed; the ones before it stay done
     */
    public List<PlacementAction> reconcile(Map<Long, Integer> leaders, Instant now) throws IOException {
        return reconcile(leaders, null, now);
    }

    /**
     * As {@link #reconcile(Map, Instant)}, handing leaderships only to the {@code live} nodes (null: any up node;
     * see {@link PlacementPolicy#plan(List, List, Map, Set, PlacementConfig, Instant)}).
     */
    public List<PlacementAction> reconcile(Map<Long, Integer> leaders, Set<Integer> live, Instant now)
            throws IOException {
        List<NodeDescriptor> nodes = registry.nodes();
        Map<Integer, NodeDescriptor> byId = new HashMap<>();
        nodes.forEach(node -> byId.put(node.nodeId(), node));
        Map<Long, GroupPlacement> groups = new HashMap<>();
        List<GroupPlacement> dataGroups = registry.dataGroups();
        dataGroups.forEach(group -> groups.put(group.groupId(), group));
        List<PlacementAction> taken = new ArrayList<>();
        for (PlacementAction action : PlacementPolicy.plan(nodes, dataGroups, leaders, live, config, now)) {
            take(action, byId, groups);
            taken.add(action);
        }
        return taken;
    }

    private void take(PlacementAction action, Map<Integer, NodeDescriptor> nodes, Map<Long, GroupPlacement> groups)
            throws IOException {
        if (action instanceof PlacementAction.CreateGroup create) {
            GroupPlacement group = new GroupPlacement(registry.allocateGroupId(), create.members(),
                    create.preferredLeader());
            registry.submit(new MetaCommand.CreateGroup(group));
            List<RaftPeerAddress> peers = peers(group, nodes);
            for (int member : group.members()) {
                hosts.addMember(nodes.get(member).address(), group.groupId(), peers);
            }
        } else if (action instanceof PlacementAction.AddMember add) {
            changeMembers(groups.get(add.groupId()), new GroupPlacement(add.groupId(), add.members(),
                    add.preferredLeader()), add.node(), nodes);
        } else if (action instanceof PlacementAction.ReplaceMember replace) {
            changeMembers(groups.get(replace.groupId()), new GroupPlacement(replace.groupId(), replace.members(),
                    replace.preferredLeader()), replace.added(), nodes);
            NodeDescriptor removed = nodes.get(replace.removed());
            if (removed != null && removed.state() == NodeState.UP) {
                hosts.removeMember(removed.address(), replace.groupId());
            }
        } else {
            PlacementAction.TransferLeadership transfer = (PlacementAction.TransferLeadership) action;
            GroupPlacement group = groups.get(transfer.groupId());
            raft.requestLeadershipTransfer(transfer.groupId(), peers(group, nodes),
                    nodes.get(transfer.to()).address().raftPeerId(), timeout.compareTo(TRANSFER_TIMEOUT) < 0 ? timeout
                            : TRANSFER_TIMEOUT);
        }
    }

    private void changeMembers(GroupPlacement current, GroupPlacement changed, int added,
            Map<Integer, NodeDescriptor> nodes) throws IOException {
        List<RaftPeerAddress> newPeers = peers(changed, nodes);
        hosts.addMember(nodes.get(added).address(), changed.groupId(), newPeers);
        raft.requestConfiguration(changed.groupId(), peers(current, nodes), newPeers, timeout);
        registry.submit(new MetaCommand.SetGroupMembers(changed));
    }

    /** The group's Raft peers: each member's Ratis address, all at priority 0 ({@link PreferredLeaders}). */
    static List<RaftPeerAddress> peers(GroupPlacement group, Map<Integer, NodeDescriptor> nodes) {
        List<RaftPeerAddress> peers = new ArrayList<>(group.members().size());
        for (int member : group.members()) {
            NodeDescriptor node = nodes.get(member);
            if (node == null) {
                throw new IllegalStateException("group " + group.groupId() + " names unregistered node " + member);
            }
            peers.add(new RaftPeerAddress(node.address().raftPeerId(), node.address().raftAddress()));
        }
        return peers;
    }
}
