package io.basalt.cluster.routing;

import java.util.List;

/**
 * One replication group as the cluster map shows it (docs/design/cluster.md §3): its members' node ids, and the node
 * the map last saw leading it (0: not known). The hint may be stale; the Router learns better ones from NOT_LEADER
 * answers (§12.3).
 */
public record ReplicationGroup(long id, List<Long> members, long leaderHint) {
    public ReplicationGroup {
        members = List.copyOf(members);
        if (members.isEmpty()) {
            throw new IllegalArgumentException("group " + id + " has no members");
        }
        if (leaderHint != 0 && !members.contains(leaderHint)) {
            throw new IllegalArgumentException("leader hint " + leaderHint + " is not a member of group " + id);
        }
    }
}
