package io.basalt.testing.raft;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.cluster.MetaCommand;
import io.basalt.cluster.node.GroupPlacement;
import io.basalt.cluster.node.MembershipReconciler;
import io.basalt.cluster.node.NodeAddress;
import io.basalt.cluster.node.NodeDescriptor;
import io.basalt.cluster.node.NodeState;
import io.basalt.cluster.node.PlacementAction;
import io.basalt.cluster.node.PlacementConfig;
import io.basalt.partition.EvaluatedWrite;
import io.basalt.replication.raft.RaftPeerAddress;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reconcile round (docs/design/cluster.md §13.2, step 13 as built) on real Raft groups: a registry kept in the
 * test (what the metadata group would hold) and the harness' nodes as member hosts. A node down past the timeout
 * has its members re-created on a fourth node; a one-node cluster grows its group as nodes register.
 */
@Tag("raft")
@Timeout(180)
class TestMembershipReconciler {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

    @TempDir
    Path directory;

    /**
     * Once hung in one clean-clone CI run: {@code RaftNode.requestConfiguration}'s group client retried a count of
     * attempts each allowed the whole timeout, so a change that could not complete kept it in Ratis' retry loop for
     * minutes; its retries now stop at the deadline (cluster.md, step 13 as built).
     */
    @Test
    void membersOfANodeDownPastTheTimeoutAreRecreatedOnTheOthers() throws Exception {
        try (RaftGroupHarness harness = RaftGroupHarness.builder(directory).groups(List.of(1L, 2L)).start()) {
            for (long group : List.of(1L, 2L)) {
                harness.awaitLeader(group, TIMEOUT);
                write(harness, group, "before", 30);
            }
            int fourth = harness.addNode();
            FakeRegistry registry = new FakeRegistry();
            for (int node = 0; node <= fourth; node++) {
                registry.register(harness, node);
            }
            registry.groups.put(1L, new GroupPlacement(1, List.of(1, 2, 3), 1));
            registry.groups.put(2L, new GroupPlacement(2, List.of(1, 2, 3), 2));

            harness.stop(2);
            registry.nodes.put(3, registry.nodes.get(3).withState(NodeState.DOWN, NOW.minusSeconds(60)));
            MembershipReconciler reconciler = new MembershipReconciler(harness.node(0), registry,
                    new HarnessHosts(harness), new PlacementConfig(3, 2, Duration.ofSeconds(30)), TIMEOUT);
            List<PlacementAction> taken = reconciler.reconcile(Map.of(), NOW);

            assertThat(taken).filteredOn(PlacementAction.ReplaceMember.class::isInstance).hasSize(2);
            for (long group : List.of(1L, 2L)) {
                assertThat(registry.groups.get(group).members()).containsExactlyInAnyOrder(1, 2, 4);
                harness.recordMembers(group, List.of(0, 1, fourth));
                int leader = harness.awaitLeader(group, TIMEOUT);
                assertThat(harness.node(leader).peers(group)).extracting(RaftPeerAddress::id)
                        .containsExactlyInAnyOrder("n1", "n2", "n4");
                write(harness, group, "after", 30);
                harness.awaitConverged(group, TIMEOUT);
                for (String prefix : List.of("before", "after")) {
                    for (int i = 0; i < 30; i++) {
                        byte[] key = RaftTestItems.itemKey(harness, group, prefix + i);
                        byte[] stored = harness.member(fourth, group).stateMachine()
                                .readStorage(storage -> storage.get(key));
                        assertThat(stored).as("group %d item %s%d on node 4", group, prefix, i).isNotNull();
                    }
                }
            }
            // Placed: the next round has nothing to do.
            assertThat(reconciler.reconcile(Map.of(), NOW)).isEmpty();
        }
    }

    @Test
    void aOneNodeClusterGrowsItsGroupToThreeMembersAsNodesRegister() throws Exception {
        try (RaftGroupHarness harness = RaftGroupHarness.builder(directory).initialMembers(1).start()) {
            harness.awaitLeader(1, TIMEOUT);
            write(harness, 1, "one", 20);
            FakeRegistry registry = new FakeRegistry();
            registry.register(harness, 0);
            registry.groups.put(1L, new GroupPlacement(1, List.of(1), 1));
            MembershipReconciler reconciler = new MembershipReconciler(harness.node(0), registry,
                    new HarnessHosts(harness), new PlacementConfig(3, 1, Duration.ofSeconds(30)), TIMEOUT);
            assertThat(reconciler.reconcile(Map.of(), NOW)).isEmpty();

            registry.register(harness, 1);
            assertThat(reconciler.reconcile(Map.of(), NOW)).singleElement()
                    .isInstanceOf(PlacementAction.AddMember.class);
            registry.register(harness, 2);
            assertThat(reconciler.reconcile(Map.of(), NOW)).singleElement()
                    .isInstanceOf(PlacementAction.AddMember.class);
            assertThat(registry.groups.get(1L).members()).containsExactly(1, 2, 3);
            harness.recordMembers(1, List.of(0, 1, 2));
            write(harness, 1, "three", 20);
            String checksum = harness.awaitConverged(1, TIMEOUT);
            assertThat(harness.checksum(2, 1)).isEqualTo(checksum);
            assertThat(harness.node(2).peers(1)).extracting(RaftPeerAddress::id).containsExactly("n1", "n2", "n3");
        }
    }

    /** What the metadata group would hold, changed by the reconciler's commands. */
    private static final class FakeRegistry implements MembershipReconciler.Registry {
        final Map<Integer, NodeDescriptor> nodes = new TreeMap<>();
        final Map<Long, GroupPlacement> groups = new TreeMap<>();
        private long nextGroupId = 100;

        void register(RaftGroupHarness harness, int node) {
            String[] hostPort = harness.raftAddress(node).split(":");
            nodes.put(node + 1, new NodeDescriptor(new NodeAddress(node + 1, hostPort[0], 1000 + node, 2000 + node,
                    Integer.parseInt(hostPort[1])), NodeState.UP, NOW.minusSeconds(3600)));
        }

        @Override
        public List<NodeDescriptor> nodes() {
            return List.copyOf(nodes.values());
        }

        @Override
        public List<GroupPlacement> dataGroups() {
            return List.copyOf(groups.values());
        }

        @Override
        public long allocateGroupId() {
            return nextGroupId++;
        }

        @Override
        public void submit(MetaCommand command) {
            if (command instanceof MetaCommand.CreateGroup create) {
                groups.put(create.group().groupId(), create.group());
            } else {
                GroupPlacement group = ((MetaCommand.SetGroupMembers) command).group();
                groups.put(group.groupId(), group);
            }
        }
    }

    /** Member hosts in this JVM: node id n is the harness' node n − 1. */
    private record HarnessHosts(RaftGroupHarness harness) implements MembershipReconciler.MemberHosts {
        @Override
        public void addMember(NodeAddress node, long groupId, List<RaftPeerAddress> peers) throws IOException {
            harness.node(node.nodeId() - 1).joinGroup(groupId, peers);
        }

        @Override
        public void removeMember(NodeAddress node, long groupId) throws IOException {
            harness.node(node.nodeId() - 1).removeGroup(groupId);
        }
    }

    private static void write(RaftGroupHarness harness, long group, String prefix, int count) throws Exception {
        int leader = harness.awaitLeader(group, TIMEOUT);
        List<CompletableFuture<EvaluatedWrite>> writes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String pk = prefix + i;
            writes.add(harness.leader(leader, group, RaftTestItems.partitionOf(harness, group, pk))
                    .write(RaftTestItems.itemKey(harness, group, pk), RaftTestItems.put(pk, i)));
        }
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    }
}
