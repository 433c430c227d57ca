package io.basalt.cluster.node;

import java.util.List;

/**
 * One step {@link PlacementPolicy} asks the metadata leader to take (docs/design/cluster.md §13.2). A membership
 * action names the group's members after it, so that once Ratis has changed the configuration the leader records
 * exactly that ({@code SetGroupMembers}); a new group's id is allocated when it is created ({@code CreateGroup}).
 */
public sealed interface PlacementAction {
    /** Creates a data group with members on distinct nodes, led preferably by {@code preferredLeader}. */
    record CreateGroup(List<Integer> members, int preferredLeader) implements PlacementAction {
        public CreateGroup {
            members = List.copyOf(members);
            // Checked as the group it becomes will be (distinct members, the preferred leader among them).
            new GroupPlacement(1, members, preferredLeader);
        }
    }

    /**
     * Adds a member on {@code node} (the group has fewer members than the replication factor: the cluster grew
     * from one or two nodes). The node joins the group with {@code members}; the group's leader then sets them.
     */
    record AddMember(long groupId, int node, List<Integer> members, int preferredLeader) implements PlacementAction {
        public AddMember {
            members = List.copyOf(members);
            new GroupPlacement(groupId, members, preferredLeader);
        }
    }

    /**
     * Moves the group's member on {@code removed} to {@code added} in one configuration change: the node
     * {@code added} joins with {@code members}, the leader sets them (the new member catches up by log or snapshot
     * before the change commits), then {@code removed}, if it is reachable, removes its member.
     *
     * @param removedIsDown the member is replaced because its node was down longer than the timeout (else it is a
     *     rebalance onto a node with fewer members)
     */
    record ReplaceMember(long groupId, int removed, int added, List<Integer> members, int preferredLeader,
            boolean removedIsDown) implements PlacementAction {
        public ReplaceMember {
            members = List.copyOf(members);
            new GroupPlacement(groupId, members, preferredLeader);
            if (members.contains(removed) || !members.contains(added)) {
                throw new IllegalArgumentException("members must hold " + added + " and not " + removed);
            }
        }
    }

    /** Asks the group's leader, {@code from}, to hand leadership to {@code to} (Ratis' leadership transfer). */
    record TransferLeadership(long groupId, int from, int to) implements PlacementAction {
        public TransferLeadership {
            if (from == to) {
                throw new IllegalArgumentException("transfer to the same node " + to);
            }
        }
    }
}
