package io.basalt.cluster.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The placement of the initial nodes' replication groups (docs/design/cluster.md §13.2), a pure function of the node
 * list so that every initial node computes the same groups at its first start without asking anyone.
 *
 * <ul>
 *   <li>RF = min(3, nodes); {@code ceil(nodes × groupsPerNode / RF)} data groups, ids 1..G;</li>
 *   <li>members: the groups' member slots are dealt to the nodes in turn (group g takes the next RF nodes after
 *       group g − 1's), so a group's members are distinct and member counts per node differ by at most one;</li>
 *   <li>preferred leader: of a group's members, the one leading fewest groups so far (ties to the member dealt
 *       first), which spreads leaders over the nodes in turn;</li>
 *   <li>the metadata group (group 0): the first min(3, nodes) nodes, led preferably by node 1.</li>
 * </ul>
 */
public final class StaticPlacement {
    /** The metadata group's id (§11). */
    public static final long METADATA_GROUP = 0;

    private StaticPlacement() {
    }

    /** The replication factor for a cluster of {@code nodes}: 3, or every node when there are fewer. */
    public static int replicationFactor(int nodes) {
        return Math.min(3, nodes);
    }

    /** The data groups of the initial nodes {@code 1..nodes}. */
    public static List<GroupPlacement> dataGroups(int nodes, int groupsPerNode) {
        if (nodes < 1 || groupsPerNode < 1) {
            throw new IllegalArgumentException("nodes and groupsPerNode must be positive");
        }
        int replicationFactor = replicationFactor(nodes);
        int groups = (nodes * groupsPerNode + replicationFactor - 1) / replicationFactor;
        int[] leading = new int[nodes + 1];
        List<GroupPlacement> placements = new ArrayList<>(groups);
        int slot = 0;
        for (int group = 1; group <= groups; group++) {
            List<Integer> members = new ArrayList<>(replicationFactor);
            for (int k = 0; k < replicationFactor; k++) {
                members.add(slot % nodes + 1);
                slot++;
            }
            int leader = members.get(0);
            for (int member : members) {
                if (leading[member] < leading[leader]) {
                    leader = member;
                }
            }
            leading[leader]++;
            placements.add(new GroupPlacement(group, members, leader));
        }
        return placements;
    }

    /** The metadata group of the initial nodes: the first min(3, nodes) nodes. */
    public static GroupPlacement metadataGroup(int nodes) {
        List<Integer> voters = new ArrayList<>();
        for (int node = 1; node <= replicationFactor(nodes); node++) {
            voters.add(node);
        }
        return new GroupPlacement(METADATA_GROUP, voters, 1);
    }

    /**
     * The group a new partition goes to: the one carrying the fewest partitions, ties to the lowest group id.
     *
     * @param partitionsPerGroup every data group's current partition count
     */
    public static long groupForNewPartition(Map<Long, Integer> partitionsPerGroup) {
        long best = -1;
        int fewest = Integer.MAX_VALUE;
        for (Map.Entry<Long, Integer> entry : partitionsPerGroup.entrySet()) {
            int count = entry.getValue();
            if (count < fewest || count == fewest && entry.getKey() < best) {
                best = entry.getKey();
                fewest = count;
            }
        }
        if (best < 0) {
            throw new IllegalArgumentException("no data groups");
        }
        return best;
    }
}
