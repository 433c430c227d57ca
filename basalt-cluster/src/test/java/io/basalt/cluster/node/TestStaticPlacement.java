package io.basalt.cluster.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TestStaticPlacement {
    @Test
    void threeNodesFourGroupsPerNodeMakeFourGroupsOnEveryNode() {
        List<GroupPlacement> groups = StaticPlacement.dataGroups(3, 4);
        assertThat(groups).extracting(GroupPlacement::groupId).containsExactly(1L, 2L, 3L, 4L);
        groups.forEach(group -> assertThat(group.members()).containsExactlyInAnyOrder(1, 2, 3));
        assertThat(leadersPerNode(groups)).containsExactlyInAnyOrderEntriesOf(Map.of(1, 2, 2, 1, 3, 1));
    }

    @Test
    void membersAndLeadersSpreadEvenlyOverManyNodes() {
        for (int nodes = 1; nodes <= 9; nodes++) {
            for (int perNode = 1; perNode <= 5; perNode++) {
                List<GroupPlacement> groups = StaticPlacement.dataGroups(nodes, perNode);
                int replicationFactor = Math.min(3, nodes);
                int nodeCount = nodes;
                assertThat(groups).hasSize((nodes * perNode + replicationFactor - 1) / replicationFactor);
                Map<Integer, Integer> members = new HashMap<>();
                for (GroupPlacement group : groups) {
                    assertThat(group.members()).hasSize(replicationFactor).doesNotHaveDuplicates()
                            .allMatch(node -> node >= 1 && node <= nodeCount);
                    group.members().forEach(node -> members.merge(node, 1, Integer::sum));
                }
                assertThat(members.keySet()).hasSize(nodes);
                assertThat(spread(members)).as("members per node, %d nodes", nodes).isLessThanOrEqualTo(1);
                Map<Integer, Integer> leaders = leadersPerNode(groups);
                int most = leaders.values().stream().max(Integer::compare).orElse(0);
                assertThat(most).as("leaders on one node, %d nodes × %d", nodes, perNode)
                        .isLessThanOrEqualTo((groups.size() + nodes - 1) / nodes + 1);
            }
        }
    }

    @Test
    void placementIsAPureFunction() {
        assertThat(StaticPlacement.dataGroups(5, 3)).isEqualTo(StaticPlacement.dataGroups(5, 3));
    }

    @Test
    void metadataGroupIsTheFirstThreeNodes() {
        assertThat(StaticPlacement.metadataGroup(5).members()).containsExactly(1, 2, 3);
        assertThat(StaticPlacement.metadataGroup(2).members()).containsExactly(1, 2);
        assertThat(StaticPlacement.metadataGroup(5).groupId()).isEqualTo(StaticPlacement.METADATA_GROUP);
    }

    @Test
    void aNewPartitionGoesToTheGroupWithFewestTiesToTheLowestId() {
        Map<Long, Integer> counts = new LinkedHashMap<>();
        counts.put(3L, 1);
        counts.put(1L, 2);
        counts.put(2L, 1);
        assertThat(StaticPlacement.groupForNewPartition(counts)).isEqualTo(2L);
        counts.put(2L, 5);
        assertThat(StaticPlacement.groupForNewPartition(counts)).isEqualTo(3L);
        assertThatThrownBy(() -> StaticPlacement.groupForNewPartition(Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> StaticPlacement.dataGroups(0, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GroupPlacement(1, List.of(1, 1), 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GroupPlacement(1, List.of(1, 2), 3))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Map<Integer, Integer> leadersPerNode(List<GroupPlacement> groups) {
        Map<Integer, Integer> leaders = new HashMap<>();
        groups.forEach(group -> leaders.merge(group.preferredLeader(), 1, Integer::sum));
        return leaders;
    }

    private static int spread(Map<Integer, Integer> counts) {
        int max = counts.values().stream().max(Integer::compare).orElseThrow();
        int min = counts.values().stream().min(Integer::compare).orElseThrow();
        return max - min;
    }
}
