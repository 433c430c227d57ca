package io.basalt.cluster.node;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Placement as a pure function (docs/design/cluster.md §13.2): from the registered nodes, the data groups (members,
 * preferred leader), their current leaders, the targets and the time, the actions that bring the cluster closer to
 * its targets. No I/O and no clock: the metadata leader's reconcile loop calls it, takes the actions (each a
 * Ratis membership or leadership change followed by a metadata command), and calls it again; once the cluster is
 * placed it returns nothing. In order:
 *
 * <ol>
 *   <li><b>A node down longer than the timeout</b>: each group with a member there replaces it by the {@link
 *       NodeState#UP} node with the fewest members not already in the group (ties to the lowest id).</li>
 *   <li><b>Groups below the replication factor</b> (a cluster grown from one or two nodes): RF = min(target,
 *       nodes not written off); each group short of it gains a member on the node with the fewest members not in
 *       it — one per group and plan, because members new to a group must never be a majority of its new
 *       configuration (they could elect one of themselves; {@code RaftNode.setConfiguration} refuses that).</li>
 *   <li><b>Joined nodes</b>: {@code ceil(up nodes × groupsPerNode / RF)} data groups are wanted; each missing one
 *       is created on the RF up nodes with the fewest members, so a joined node (none yet) is in every one.</li>
 *   <li><b>Rebalance</b>: when up nodes' member counts still differ by more than one, one member moves from the
 *       fullest node to the emptiest (one move per plan: each is a catch-up).</li>
 *   <li><b>Leaders</b>: a node leading more than {@code ceil(groups / up nodes)} groups hands the excess to the
 *       members leading fewest (ties to the group's preferred leader), groups preferring another node first.</li>
 * </ol>
 *
 * <p>Each group gets at most one membership action per plan; a group whose reachable members are not a majority
 * of its configuration gets none (Ratis cannot commit a change without that majority), and a member is never placed
 * on a node that already has one of the group.
 */
public final class PlacementPolicy {
    private PlacementPolicy() {
    }

    /**
     * @param nodes every registered node
     * @param groups the data groups (not the metadata group), members and preferred leader
     * @param leaders each group's current leader as last reported (groups missing: unknown)
     * @param now the metadata leader's time, against which {@code DOWN} nodes' {@code since} is judged
     */
    public static List<PlacementAction> plan(List<NodeDescriptor> nodes, List<GroupPlacement> groups,
            Map<Long, Integer> leaders, PlacementConfig config, Instant now) {
        return plan(nodes, groups, leaders, null, config, now);
    }

    /**
     * @param live the nodes a leadership may be handed to now (null: every {@code UP} node). A node stays {@code UP}
     *     for seconds after it died (until its silence marks it {@code DOWN}); a transfer to it keeps the group's
     *     leader refusing writes (Ratis' {@code LeaderSteppingDownException}) until the transfer times out, so the
     *     caller passes only the nodes heard from within a couple of heartbeats
     */
    public static List<PlacementAction> plan(List<NodeDescriptor> nodes, List<GroupPlacement> groups,
            Map<Long, Integer> leaders, Set<Integer> live, PlacementConfig config, Instant now) {
        requireNonNull(config, "config is null");
        requireNonNull(now, "now is null");
        return new Planner(nodes, groups, leaders, live, config, now).plan();
    }

    /** One plan's working copy of the cluster, changed by each action as it is decided. */
    private static final class Planner {
        private final PlacementConfig config;
        private final Set<Integer> up = new TreeSet<>();
        /** The nodes a leadership may go to now; null: every up node. */
        private final Set<Integer> live;
        private final Set<Integer> writtenOff = new TreeSet<>();
        private final Set<Integer> known = new TreeSet<>();
        private final TreeMap<Long, List<Integer>> members = new TreeMap<>();
        private final Map<Long, Integer> preferred = new HashMap<>();
        private final Map<Long, Integer> leaders = new HashMap<>();
        private final Map<Integer, Integer> memberCounts = new HashMap<>();
        private final Set<Long> changed = new HashSet<>();
        private final List<PlacementAction> actions = new ArrayList<>();

        Planner(List<NodeDescriptor> nodes, List<GroupPlacement> groups, Map<Long, Integer> currentLeaders,
                Set<Integer> live, PlacementConfig config, Instant now) {
            this.config = config;
            this.live = live == null ? null : Set.copyOf(live);
            for (NodeDescriptor node : nodes) {
                known.add(node.nodeId());
                memberCounts.put(node.nodeId(), 0);
                if (node.state() == NodeState.UP) {
                    up.add(node.nodeId());
                } else if (!node.since().plus(config.nodeDownTimeout()).isAfter(now)) {
                    writtenOff.add(node.nodeId());
                }
            }
            for (GroupPlacement group : groups) {
                members.put(group.groupId(), new ArrayList<>(group.members()));
                preferred.put(group.groupId(), group.preferredLeader());
                group.members().forEach(node -> memberCounts.merge(node, 1, Integer::sum));
            }
            currentLeaders.forEach((group, leader) -> {
                if (members.containsKey(group) && up.contains(leader)) {
                    leaders.put(group, leader);
                }
            });
        }

        List<PlacementAction> plan() {
            replaceWrittenOffMembers();
            growToReplicationFactor();
            createGroups();
            rebalanceOneMember();
            spreadLeaders();
            return List.copyOf(actions);
        }

        private void replaceWrittenOffMembers() {
            for (Map.Entry<Long, List<Integer>> group : members.entrySet()) {
                for (int member : List.copyOf(group.getValue())) {
                    if (writtenOff.contains(member) && canChange(group.getKey())) {
                        Integer target = fewestMembers(up, group.getValue());
                        if (target != null) {
                            replace(group.getKey(), member, target, true);
                        }
                    }
                }
            }
        }

        private void growToReplicationFactor() {
            int replicationFactor = Math.min(config.replicationFactor(), known.size() - writtenOff.size());
            for (Map.Entry<Long, List<Integer>> group : members.entrySet()) {
                if (group.getValue().size() < replicationFactor && canChange(group.getKey())) {
                    Integer target = fewestMembers(up, group.getValue());
                    if (target != null) {
                        long groupId = group.getKey();
                        group.getValue().add(target);
                        memberCounts.merge(target, 1, Integer::sum);
                        changed.add(groupId);
                        actions.add(new PlacementAction.AddMember(groupId, target, group.getValue(),
                                preferred.get(groupId)));
                    }
                }
            }
        }

        private void createGroups() {
            if (up.isEmpty()) {
                return;
            }
            int replicationFactor = Math.min(config.replicationFactor(), up.size());
            int wanted = (up.size() * config.groupsPerNode() + replicationFactor - 1) / replicationFactor;
            Map<Integer, Integer> preferredCounts = new HashMap<>();
            preferred.values().forEach(node -> preferredCounts.merge(node, 1, Integer::sum));
            for (int groups = members.size(); groups < wanted; groups++) {
                List<Integer> chosen = new ArrayList<>();
                for (int k = 0; k < replicationFactor; k++) {
                    chosen.add(fewestMembers(up, chosen));
                }
                int leader = chosen.stream().min(Comparator.comparingInt((Integer node) -> preferredCounts
                        .getOrDefault(node, 0)).thenComparing(node -> node)).orElseThrow();
                preferredCounts.merge(leader, 1, Integer::sum);
                chosen.forEach(node -> memberCounts.merge(node, 1, Integer::sum));
                actions.add(new PlacementAction.CreateGroup(chosen, leader));
            }
        }

        private void rebalanceOneMember() {
            if (up.size() < 2) {
                return;
            }
            Comparator<Integer> byCount = Comparator.comparingInt((Integer node) -> memberCounts.get(node))
                    .thenComparing(node -> node);
            int emptiest = up.stream().min(byCount).orElseThrow();
            int fullest = up.stream().max(Comparator.comparingInt((Integer node) -> memberCounts.get(node))
                    .thenComparing(node -> -node)).orElseThrow();
            if (memberCounts.get(fullest) - memberCounts.get(emptiest) <= 1) {
                return;
            }
            for (Map.Entry<Long, List<Integer>> group : members.entrySet()) {
                List<Integer> groupMembers = group.getValue();
                if (groupMembers.contains(fullest) && !groupMembers.contains(emptiest)
                        && canChange(group.getKey())) {
                    replace(group.getKey(), fullest, emptiest, false);
                    return;
                }
            }
        }

        private void spreadLeaders() {
            if (up.isEmpty() || leaders.isEmpty()) {
                return;
            }
            int most = (members.size() + up.size() - 1) / up.size();
            Map<Integer, Integer> leading = new HashMap<>();
            leaders.values().forEach(node -> leading.merge(node, 1, Integer::sum));
            for (int node : up) {
                // Groups whose preferred leader is another node go first: handing them back restores the spread
                // that placement chose.
                List<Long> led = members.keySet().stream()
                        .filter(groupId -> Integer.valueOf(node).equals(leaders.get(groupId))
                                && !changed.contains(groupId))
                        .sorted(Comparator.comparing((Long groupId) -> preferred.get(groupId) == node)
                                .thenComparing(groupId -> groupId))
                        .toList();
                for (long groupId : led) {
                    if (leading.getOrDefault(node, 0) <= most) {
                        break;
                    }
                    Integer target = members.get(groupId).stream()
                            .filter(member -> up.contains(member) && (live == null || live.contains(member))
                                    && leading.getOrDefault(member, 0) < most)
                            .min(Comparator.comparingInt((Integer member) -> leading.getOrDefault(member, 0))
                                    .thenComparing(member -> !member.equals(preferred.get(groupId)))
                                    .thenComparing(member -> member))
                            .orElse(null);
                    if (target != null) {
                        leading.merge(node, -1, Integer::sum);
                        leading.merge(target, 1, Integer::sum);
                        leaders.put(groupId, target);
                        actions.add(new PlacementAction.TransferLeadership(groupId, node, target));
                    }
                }
            }
        }

        /** Whether the group may change members in this plan: not yet changed, and a majority reachable. */
        private boolean canChange(long groupId) {
            if (changed.contains(groupId)) {
                return false;
            }
            List<Integer> groupMembers = members.get(groupId);
            long reachable = groupMembers.stream().filter(up::contains).count();
            return reachable >= groupMembers.size() / 2 + 1;
        }

        private void replace(long groupId, int removed, int added, boolean removedIsDown) {
            List<Integer> groupMembers = members.get(groupId);
            groupMembers.set(groupMembers.indexOf(removed), added);
            memberCounts.merge(removed, -1, Integer::sum);
            memberCounts.merge(added, 1, Integer::sum);
            if (preferred.get(groupId) == removed) {
                // The new member takes over the removed one's turn as preferred leader: leader counts stay spread.
                preferred.put(groupId, added);
            }
            if (Integer.valueOf(removed).equals(leaders.get(groupId))) {
                leaders.remove(groupId);
            }
            changed.add(groupId);
            actions.add(new PlacementAction.ReplaceMember(groupId, removed, added, groupMembers,
                    preferred.get(groupId), removedIsDown));
        }

        /** Of {@code candidates} not in {@code excluded}, the node with the fewest members (ties: lowest id). */
        private Integer fewestMembers(Set<Integer> candidates, List<Integer> excluded) {
            Integer best = null;
            for (int node : candidates) {
                if (!excluded.contains(node) && (best == null || memberCounts.get(node) < memberCounts.get(best))) {
                    best = node;
                }
            }
            return best;
        }
    }
}
