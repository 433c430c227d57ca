package io.basalt.cluster.node;

import java.util.List;

/**
 * One replication group as placed: its members' node ids (distinct) and the member that should lead it (§13.2).
 *
 * @param groupId Basalt's group id; 0 is the metadata group, data groups are 1..G
 */
public record GroupPlacement(long groupId, List<Integer> members, int preferredLeader) {
    public GroupPlacement {
        members = List.copyOf(members);
        if (members.isEmpty() || members.stream().distinct().count() != members.size()) {
            throw new IllegalArgumentException("members must be distinct and not empty: " + members);
        }
        if (!members.contains(preferredLeader)) {
            throw new IllegalArgumentException("preferred leader " + preferredLeader + " is not a member");
        }
    }
}
