package io.basalt.cluster.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@link PlacementPolicy} on tables of cluster states (docs/design/cluster.md §13.2). A {@link Cluster} applies a
 * plan's actions as the metadata leader would once Ratis has carried them out, so that a test can run the reconcile
 * loop to its end and check where it leaves the cluster.
 */
class TestPlacementPolicy {
    private static final Instant NOW = Instant.parse("2026-12-07T09:00:00Z");
    private static final Duration TIMEOUT = Duration.ofMinutes(10);
    private static final PlacementConfig CONFIG = new PlacementConfig(3, 4, TIMEOUT);

    @Test
    void nothingToDoWhenBalanced() {
        Cluster cluster = Cluster.initial(3, 4);
        assertThat(cluster.plan()).isEmpty();
        Cluster big = Cluster.initial(7, 3);
        assertThat(big.plan()).isEmpty();
    }

    @Test
    void aFourthNodeGetsNewGroupsThenMembersUntilCountsAreWithinOne() {
        Cluster cluster = Cluster.initial(3, 4);
        cluster.join(4);
        List<PlacementAction> first = cluster.plan();
        // ceil(4 × 4 / 3) = 6 groups wanted, 4 exist: two new ones, each with a member on the empty node.
        assertThat(first).filteredOn(PlacementAction.CreateGroup.class::isInstance).hasSize(2)
                .allSatisfy(action -> assertThat(((PlacementAction.CreateGroup) action).members()).contains(4));
        cluster.converge();
        assertThat(cluster.groups).hasSize(6);
        assertThat(cluster.spread()).isLessThanOrEqualTo(1);
        assertThat(cluster.memberCounts().get(4)).isGreaterThanOrEqualTo(4);
    }

    @Test
    void aNodeDownShorterThanTheTimeoutKeepsItsMembers() {
        Cluster cluster = Cluster.initial(4, 3);
        cluster.down(2, NOW.minus(TIMEOUT).plusSeconds(1));
        assertThat(cluster.plan()).noneMatch(action -> action instanceof PlacementAction.ReplaceMember
                || action instanceof PlacementAction.AddMember || action instanceof PlacementAction.CreateGroup);
    }

    @Test
    void aNodeDownLongerThanTheTimeoutHasItsMembersRecreatedOnTheLeastLoadedOthers() {
        Cluster cluster = Cluster.initial(4, 3);
        Map<Integer, Integer> before = cluster.memberCounts();
        cluster.down(2, NOW.minus(TIMEOUT));
        List<PlacementAction> plan = cluster.plan();
        List<PlacementAction.ReplaceMember> replacements = plan.stream()
                .filter(PlacementAction.ReplaceMember.class::isInstance).map(PlacementAction.ReplaceMember.class::cast)
                .toList();
        long onNode2 = cluster.groups.values().stream().filter(group -> group.members().contains(2)).count();
        assertThat(replacements).hasSize((int) onNode2).allSatisfy(replace -> {
            assertThat(replace.removed()).isEqualTo(2);
            assertThat(replace.removedIsDown()).isTrue();
            assertThat(replace.members()).doesNotContain(2).doesNotHaveDuplicates().hasSize(3);
        });
        // The first replacement goes to the node with the fewest members not in the group.
        PlacementAction.ReplaceMember first = replacements.get(0);
        List<Integer> candidates = new ArrayList<>(List.of(1, 3, 4));
        candidates.removeAll(cluster.groups.get(first.groupId()).members());
        int fewest = candidates.stream().min((a, b) -> before.get(a) != before.get(b).intValue()
                ? Integer.compare(before.get(a), before.get(b)) : Integer.compare(a, b)).orElseThrow();
        assertThat(first.added()).isEqualTo(fewest);

        cluster.converge();
        assertThat(cluster.groups.values()).allSatisfy(group -> assertThat(group.members()).doesNotContain(2)
                .hasSize(3));
        assertThat(cluster.spread(List.of(1, 3, 4))).isLessThanOrEqualTo(1);
    }

    @Test
    void withNoNodeLeftToTakeIt_aDeadMemberStays() {
        Cluster cluster = Cluster.initial(3, 2);
        cluster.down(3, NOW.minus(Duration.ofHours(1)));
        assertThat(cluster.plan()).noneMatch(action -> action instanceof PlacementAction.ReplaceMember
                || action instanceof PlacementAction.AddMember || action instanceof PlacementAction.CreateGroup);
    }

    @Test
    void aGroupWithoutAReachableMajorityIsLeftAlone() {
        Cluster cluster = Cluster.initial(5, 3);
        cluster.down(1, NOW.minus(Duration.ofHours(1)));
        cluster.down(2, NOW.minus(Duration.ofHours(1)));
        List<PlacementAction> plan = cluster.plan();
        for (PlacementAction action : plan) {
            if (action instanceof PlacementAction.ReplaceMember replace) {
                List<Integer> old = cluster.groups.get(replace.groupId()).members();
                assertThat(old.stream().filter(node -> node == 1 || node == 2).count())
                        .as("group %d", replace.groupId()).isLessThanOrEqualTo(1);
            }
        }
        assertThat(plan).filteredOn(PlacementAction.ReplaceMember.class::isInstance).isNotEmpty();
    }

    @Test
    void oneToTwoToThreeNodesGrowsEveryGroupOneMemberAtATime() {
        Cluster cluster = Cluster.initial(1, 2);
        assertThat(cluster.groups.values()).allSatisfy(group -> assertThat(group.members()).containsExactly(1));
        cluster.join(2);
        List<PlacementAction> plan = cluster.plan();
        assertThat(plan).filteredOn(PlacementAction.AddMember.class::isInstance).hasSize(2)
                .allSatisfy(action -> assertThat(((PlacementAction.AddMember) action).node()).isEqualTo(2));
        cluster.converge();
        assertThat(cluster.groups.values()).allSatisfy(group -> assertThat(group.members()).hasSize(2));
        cluster.join(3);
        cluster.converge();
        assertThat(cluster.groups.values()).allSatisfy(group -> assertThat(group.members())
                .containsExactlyInAnyOrder(1, 2, 3));
        // ceil(3 × 2 / 3) = 2 groups: the ones there.
        assertThat(cluster.groups).hasSize(2);
        for (List<PlacementAction> step : cluster.history) {
            Map<Long, Integer> changesPerGroup = new HashMap<>();
            step.stream().filter(PlacementAction.AddMember.class::isInstance)
                    .forEach(action -> changesPerGroup.merge(((PlacementAction.AddMember) action).groupId(), 1,
                            Integer::sum));
            assertThat(changesPerGroup.values()).allMatch(count -> count == 1);
        }
    }

    @Test
    void aNodeLeadingTooManyGroupsHandsTheExcessToItsPreferredLeaders() {
        Cluster cluster = Cluster.initial(3, 4);
        cluster.groups.keySet().forEach(group -> cluster.leaders.put(group, 1));
        List<PlacementAction> plan = cluster.plan();
        // ceil(4 groups / 3 nodes) = 2: node 1 keeps two.
        assertThat(plan).hasSize(2).allSatisfy(action -> {
            PlacementAction.TransferLeadership transfer = (PlacementAction.TransferLeadership) action;
            assertThat(transfer.from()).isEqualTo(1);
            assertThat(transfer.to()).isEqualTo(cluster.groups.get(transfer.groupId()).preferredLeader());
        });
        cluster.converge();
        assertThat(cluster.plan()).isEmpty();
    }

    /**
     * A node that died moments ago is still UP (DOWN comes after seconds of silence); a transfer to it would keep
     * the group's leader refusing writes until the transfer timed out (s18 failover, cluster.md), so leaderships go
     * only to the nodes the caller heard from lately.
     */
    @Test
    void leadershipsGoOnlyToLiveNodes() {
        Cluster cluster = Cluster.initial(3, 4);
        cluster.groups.keySet().forEach(group -> cluster.leaders.put(group, 1));
        List<PlacementAction> plan = PlacementPolicy.plan(List.copyOf(cluster.nodes.values()),
                List.copyOf(cluster.groups.values()), cluster.leaders, Set.of(1, 3), cluster.config, NOW);
        assertThat(plan).isNotEmpty().allSatisfy(action -> assertThat(
                ((PlacementAction.TransferLeadership) action).to()).isEqualTo(3));
        assertThat(PlacementPolicy.plan(List.copyOf(cluster.nodes.values()), List.copyOf(cluster.groups.values()),
                cluster.leaders, Set.of(1), cluster.config, NOW)).isEmpty();
    }

    @Test
    void leadersOnDownNodesAreNotCounted() {
        Cluster cluster = Cluster.initial(3, 4);
        cluster.groups.keySet().forEach(group -> cluster.leaders.put(group, 1));
        cluster.down(1, NOW.minusSeconds(5));
        assertThat(cluster.plan()).isEmpty();
    }

    @Test
    void neverTwoMembersOfOneGroupOnANodeWhateverHappens() {
        Random random = new Random(16);
        for (int run = 0; run < 200; run++) {
            int initial = 1 + random.nextInt(5);
            Cluster cluster = Cluster.initial(initial, 1 + random.nextInt(4));
            int next = initial + 1;
            for (int event = 0; event < 6; event++) {
                int kind = random.nextInt(4);
                List<Integer> up = cluster.upNodes();
                if (kind == 0 || up.size() < 2) {
                    cluster.join(next++);
                } else if (kind == 1) {
                    cluster.down(up.get(random.nextInt(up.size())), NOW.minus(Duration.ofHours(1)));
                } else if (kind == 2) {
                    cluster.down(up.get(random.nextInt(up.size())), NOW.minusSeconds(1));
                } else {
                    cluster.groups.keySet().forEach(group -> cluster.leaders.put(group,
                            cluster.groups.get(group).members().get(0)));
                }
                cluster.converge();
            }
        }
    }

    /** A cluster's registry and groups, changed by applying actions; every step checks the invariants. */
    private static final class Cluster {
        final TreeMap<Integer, NodeDescriptor> nodes = new TreeMap<>();
        final TreeMap<Long, GroupPlacement> groups = new TreeMap<>();
        final Map<Long, Integer> leaders = new HashMap<>();
        final List<List<PlacementAction>> history = new ArrayList<>();
        private long nextGroupId;

        static Cluster initial(int nodeCount, int groupsPerNode) {
            Cluster cluster = new Cluster();
            for (int node = 1; node <= nodeCount; node++) {
                cluster.join(node);
            }
            for (GroupPlacement group : StaticPlacement.dataGroups(nodeCount, groupsPerNode)) {
                cluster.groups.put(group.groupId(), group);
                cluster.leaders.put(group.groupId(), group.preferredLeader());
            }
            cluster.nextGroupId = cluster.groups.size() + 1;
            cluster.config = new PlacementConfig(3, groupsPerNode, TIMEOUT);
            return cluster;
        }

        private PlacementConfig config = CONFIG;

        void join(int node) {
            nodes.put(node, new NodeDescriptor(new NodeAddress(node, "127.0.0.1", 8000 + node, 9000 + node,
                    10000 + node), NodeState.UP, NOW.minus(Duration.ofDays(1))));
        }

        void down(int node, Instant since) {
            nodes.put(node, nodes.get(node).withState(NodeState.DOWN, since));
        }

        List<Integer> upNodes() {
            return nodes.values().stream().filter(node -> node.state() == NodeState.UP)
                    .map(NodeDescriptor::nodeId).toList();
        }

        List<PlacementAction> plan() {
            return PlacementPolicy.plan(List.copyOf(nodes.values()), List.copyOf(groups.values()), leaders, config,
                    NOW);
        }

        /** Plans and applies until nothing is left to do (bounded: a plan that never settles fails). */
        void converge() {
            for (int round = 0; round < 100; round++) {
                List<PlacementAction> plan = plan();
                if (plan.isEmpty()) {
                    return;
                }
                history.add(plan);
                plan.forEach(this::apply);
                check();
            }
            throw new AssertionError("placement did not settle: " + plan());
        }

        void apply(PlacementAction action) {
            if (action instanceof PlacementAction.CreateGroup create) {
                long id = nextGroupId++;
                groups.put(id, new GroupPlacement(id, create.members(), create.preferredLeader()));
                leaders.put(id, create.preferredLeader());
            } else if (action instanceof PlacementAction.AddMember add) {
                assertThat(groups.get(add.groupId()).members()).doesNotContain(add.node());
                groups.put(add.groupId(), new GroupPlacement(add.groupId(), add.members(), add.preferredLeader()));
            } else if (action instanceof PlacementAction.ReplaceMember replace) {
                assertThat(groups.get(replace.groupId()).members()).contains(replace.removed())
                        .doesNotContain(replace.added());
                groups.put(replace.groupId(), new GroupPlacement(replace.groupId(), replace.members(),
                        replace.preferredLeader()));
                if (Integer.valueOf(replace.removed()).equals(leaders.get(replace.groupId()))) {
                    leaders.put(replace.groupId(), replace.members().get(0));
                }
            } else {
                PlacementAction.TransferLeadership transfer = (PlacementAction.TransferLeadership) action;
                assertThat(leaders.get(transfer.groupId())).isEqualTo(transfer.from());
                assertThat(groups.get(transfer.groupId()).members()).contains(transfer.to());
                leaders.put(transfer.groupId(), transfer.to());
            }
        }

        void check() {
            for (GroupPlacement group : groups.values()) {
                assertThat(group.members()).doesNotHaveDuplicates();
                assertThat(group.members()).allMatch(nodes::containsKey);
            }
        }

        Map<Integer, Integer> memberCounts() {
            Map<Integer, Integer> counts = new TreeMap<>();
            nodes.keySet().forEach(node -> counts.put(node, 0));
            groups.values().forEach(group -> group.members().forEach(node -> counts.merge(node, 1, Integer::sum)));
            return counts;
        }

        int spread() {
            return spread(upNodes());
        }

        int spread(List<Integer> among) {
            Map<Integer, Integer> counts = memberCounts();
            int most = among.stream().mapToInt(counts::get).max().orElse(0);
            int fewest = among.stream().mapToInt(counts::get).min().orElse(0);
            return most - fewest;
        }
    }
}
