package io.basalt.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.cluster.node.GroupPlacement;
import io.basalt.cluster.node.MembershipCodec;
import io.basalt.cluster.node.NodeAddress;
import io.basalt.cluster.node.NodeDescriptor;
import io.basalt.cluster.node.NodeState;
import io.basalt.cluster.node.StaticPlacement;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.apply.ApplyOutcome;
import io.basalt.partition.apply.GroupStateMachine;
import io.basalt.partition.log.LogEntryCodec;
import io.basalt.storage.StorageIterator;
import io.basalt.storage.memory.InMemoryStorageEngine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The node registry and group membership in the metadata state machine (docs/design/cluster.md §13): each
 * membership command's entry, the registry cache following the applied entries, the bootstrap of a cluster created
 * before the registry (idempotent), replay and reload, and the commands' byte form (golden bytes, round trips).
 */
class TestMembershipCommands {
    private static final Instant T0 = Instant.parse("2026-12-07T09:00:00Z");

    private final InMemoryStorageEngine storage = new InMemoryStorageEngine();
    private final GroupStateMachine group = new GroupStateMachine(storage, GroupStateMachine.LOCAL_GROUP_ID);
    private final List<byte[]> logged = new ArrayList<>();
    private final Catalog catalog = new Catalog(storage);
    private final MetaStateMachine meta;

    TestMembershipCommands() {
        group.addMetaListener(catalog::apply);
        meta = new MetaStateMachine(catalog, new Object(), entry -> {
            logged.add(LogEntryCodec.encode(entry));
            assertThat(group.applyNext(List.of(entry), true)).containsExactly(ApplyOutcome.APPLIED);
            return CompletableFuture.completedFuture(null);
        });
    }

    @AfterEach
    void close() {
        storage.close();
    }

    private static NodeAddress address(int id) {
        return new NodeAddress(id, "127.0.0.1", 8000 + id, 9000 + id, 10000 + id);
    }

    private static List<NodeAddress> initialNodes(int count) {
        List<NodeAddress> nodes = new ArrayList<>();
        for (int id = 1; id <= count; id++) {
            nodes.add(address(id));
        }
        return nodes;
    }

    /** What the first metadata leader of a cluster made from node.json submits: its nodes and static placement. */
    private static MetaCommand.BootstrapMembership bootstrapOf(int nodes, int groupsPerNode) {
        List<GroupPlacement> groups = new ArrayList<>();
        groups.add(StaticPlacement.metadataGroup(nodes));
        groups.addAll(StaticPlacement.dataGroups(nodes, groupsPerNode));
        return new MetaCommand.BootstrapMembership(initialNodes(nodes), groups, T0);
    }

    @Test
    void bootstrapRecordsTheInitialNodesAndGroupsOnceAndMovesTheCounters() {
        assertThat(catalog.registry().isEmpty()).isTrue();
        MetaCommand.BootstrapMembership bootstrap = bootstrapOf(3, 2);
        meta.submit(bootstrap);
        ClusterRegistry registry = catalog.registry();
        assertThat(registry.nodes()).extracting(NodeDescriptor::nodeId).containsExactly(1, 2, 3);
        assertThat(registry.nodes()).allSatisfy(node -> {
            assertThat(node.state()).isEqualTo(NodeState.UP);
            assertThat(node.since()).isEqualTo(T0);
        });
        assertThat(registry.groups()).isEqualTo(bootstrap.groups());
        assertThat(registry.dataGroups()).extracting(GroupPlacement::groupId).containsExactly(1L, 2L);
        assertThat(registry.nextNodeId()).isEqualTo(4);
        assertThat(registry.nextGroupId()).isEqualTo(3);
        assertThat(MembershipCodec.decodeNode(storage.get(KeyLayout.nodeDescriptorKey(2))).address())
                .isEqualTo(address(2));
        assertThat(MembershipCodec.decodeGroup(storage.get(KeyLayout.groupKey(0))))
                .isEqualTo(StaticPlacement.metadataGroup(3));

        // A new metadata leader submits it again: nothing is logged, later changes stay.
        int entries = logged.size();
        meta.submit(new MetaCommand.SetNodeState(2, NodeState.DOWN, T0.plusSeconds(5)));
        meta.submit(bootstrap);
        assertThat(logged).hasSize(entries + 1);
        assertThat(registry.tryGetNode(2).orElseThrow().state()).isEqualTo(NodeState.DOWN);
    }

    @Test
    void aJoiningNodeGetsTheNextIdAndARetriedJoinTheSameNode() {
        meta.submit(bootstrapOf(3, 2));
        NodeDescriptor fourth = meta.registerNode("127.0.0.1", 8004, 9004, 10004, T0.plusSeconds(60));
        assertThat(fourth.nodeId()).isEqualTo(4);
        assertThat(fourth.state()).isEqualTo(NodeState.UP);
        assertThat(fourth.since()).isEqualTo(T0.plusSeconds(60));
        assertThat(catalog.registry().tryGetNode(4)).contains(fourth);
        assertThat(catalog.registry().nextNodeId()).isEqualTo(5);

        int entries = logged.size();
        assertThat(meta.registerNode("127.0.0.1", 8004, 9004, 10004, T0.plusSeconds(70))).isEqualTo(fourth);
        assertThat(logged).as("a retried join logs nothing").hasSize(entries);
        assertThat(meta.registerNode("127.0.0.1", 8005, 9005, 10005, T0).nodeId()).isEqualTo(5);
    }

    @Test
    void refusedRegistrationsLogNothing() {
        meta.submit(bootstrapOf(3, 1));
        int entries = logged.size();
        assertThatThrownBy(() -> meta.submit(new MetaCommand.RegisterNode(new NodeDescriptor(address(2),
                NodeState.UP, T0)))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("given before");
        assertThatThrownBy(() -> meta.submit(new MetaCommand.RegisterNode(new NodeDescriptor(
                new NodeAddress(7, "127.0.0.1", 1, 9001, 2), NodeState.UP, T0))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node 1 is registered");
        assertThatThrownBy(() -> meta.submit(new MetaCommand.SetNodeState(9, NodeState.DOWN, T0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not registered");
        assertThat(logged).hasSize(entries);
    }

    @Test
    void aNodeGoesDownOnceAndComesBackUp() {
        meta.submit(bootstrapOf(3, 1));
        meta.submit(new MetaCommand.SetNodeState(3, NodeState.DOWN, T0.plusSeconds(10)));
        int entries = logged.size();
        // Reported down again later: the timeout still runs from the first time.
        meta.submit(new MetaCommand.SetNodeState(3, NodeState.DOWN, T0.plusSeconds(20)));
        assertThat(logged).hasSize(entries);
        assertThat(catalog.registry().tryGetNode(3).orElseThrow().since()).isEqualTo(T0.plusSeconds(10));
        meta.submit(new MetaCommand.SetNodeState(3, NodeState.UP, T0.plusSeconds(30)));
        NodeDescriptor back = catalog.registry().tryGetNode(3).orElseThrow();
        assertThat(back.state()).isEqualTo(NodeState.UP);
        assertThat(back.since()).isEqualTo(T0.plusSeconds(30));
        assertThat(back.address()).isEqualTo(address(3));
    }

    @Test
    void groupsAreCreatedWithFreshIdsAndTheirMembersChanged() {
        meta.submit(bootstrapOf(3, 2));
        meta.registerNode("127.0.0.1", 8004, 9004, 10004, T0);
        long id = meta.allocateGroupId();
        assertThat(id).isEqualTo(3);
        GroupPlacement created = new GroupPlacement(id, List.of(4, 1, 2), 4);
        meta.submit(new MetaCommand.CreateGroup(created));
        assertThat(catalog.registry().tryGetGroup(id)).contains(created);
        assertThat(catalog.registry().nextGroupId()).isEqualTo(4);
        assertThat(meta.allocateGroupId()).isEqualTo(4);

        GroupPlacement moved = new GroupPlacement(1, List.of(1, 2, 4), 1);
        meta.submit(new MetaCommand.SetGroupMembers(moved));
        assertThat(catalog.registry().tryGetGroup(1)).contains(moved);
        int entries = logged.size();
        meta.submit(new MetaCommand.SetGroupMembers(moved));
        assertThat(logged).as("unchanged members log nothing").hasSize(entries);

        assertThatThrownBy(() -> meta.submit(new MetaCommand.CreateGroup(new GroupPlacement(2, List.of(1), 1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("given before");
        assertThatThrownBy(() -> meta.submit(new MetaCommand.SetGroupMembers(new GroupPlacement(1, List.of(1, 8),
                1)))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node 8");
        assertThatThrownBy(() -> meta.submit(new MetaCommand.SetGroupMembers(new GroupPlacement(77, List.of(1),
                1)))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not recorded");
        assertThat(logged).hasSize(entries);
    }

    @Test
    void replayingAndReloadingRebuildTheSameRegistry() {
        meta.submit(bootstrapOf(3, 2));
        meta.registerNode("127.0.0.1", 8004, 9004, 10004, T0);
        meta.submit(new MetaCommand.CreateGroup(new GroupPlacement(meta.allocateGroupId(), List.of(4, 2, 3), 4)));
        meta.submit(new MetaCommand.SetNodeState(1, NodeState.DOWN, T0.plusSeconds(9)));
        meta.submit(new MetaCommand.SetGroupMembers(new GroupPlacement(1, List.of(4, 2, 3), 2)));

        InMemoryStorageEngine replayed = new InMemoryStorageEngine();
        try {
            GroupStateMachine machine = new GroupStateMachine(replayed, GroupStateMachine.LOCAL_GROUP_ID);
            for (int i = 0; i < logged.size(); i++) {
                assertThat(machine.apply(0, i + 1, LogEntryCodec.decode(logged.get(i))))
                        .containsExactly(ApplyOutcome.APPLIED);
            }
            assertThat(dump(replayed)).isEqualTo(dump(storage));
            ClusterRegistry rebuilt = new Catalog(replayed).registry();
            ClusterRegistry live = catalog.registry();
            assertThat(rebuilt.nodes()).isEqualTo(live.nodes()).hasSize(4);
            assertThat(rebuilt.groups()).isEqualTo(live.groups()).hasSize(4);
            assertThat(rebuilt.nextNodeId()).isEqualTo(live.nextNodeId()).isEqualTo(5);
            assertThat(rebuilt.nextGroupId()).isEqualTo(live.nextGroupId()).isEqualTo(4);
        } finally {
            replayed.close();
        }
    }

    @Test
    void membershipCommandsSurviveTheirCodec() {
        List<MetaCommand> commands = List.of(
                new MetaCommand.RegisterNode(new NodeDescriptor(address(4), NodeState.UP, T0)),
                new MetaCommand.SetNodeState(4, NodeState.DOWN, T0),
                new MetaCommand.CreateGroup(new GroupPlacement(5, List.of(4, 1, 2), 1)),
                new MetaCommand.SetGroupMembers(new GroupPlacement(5, List.of(4, 3, 2), 3)),
                bootstrapOf(3, 2), new MetaCommand.BootstrapMembership(List.of(), List.of(), T0));
        for (MetaCommand command : commands) {
            byte[] bytes = MetaCommandCodec.encode(command);
            assertThat(MetaCommandCodec.decode(bytes)).isEqualTo(command);
            for (int length = 0; length < bytes.length; length++) {
                byte[] truncated = Arrays.copyOf(bytes, length);
                assertThatThrownBy(() -> MetaCommandCodec.decode(truncated)).as("%s cut at %d", command, length)
                        .isInstanceOf(IllegalArgumentException.class);
            }
        }
    }

    @Test
    void goldenBytes() {
        // Node 4 at 127.0.0.1, API 8004 (c4 3e), RPC 9004 (ac 46), Ratis 10004 (94 4e), DOWN (2), since T0.
        String node = "04" + "09" + HexFormat.of().formatHex("127.0.0.1".getBytes()) + "c43e" + "ac46" + "944e";
        String since = String.format("%016x", T0.toEpochMilli());
        assertThat(hex(MembershipCodec.encodeNode(new NodeDescriptor(address(4), NodeState.DOWN, T0))))
                .isEqualTo("01" + node + "02" + since);
        assertThat(hex(MembershipCodec.encodeGroup(new GroupPlacement(5, List.of(4, 1, 2), 1))))
                .isEqualTo("01" + "0000000000000005" + "03" + "040102" + "01");
        assertThat(hex(MetaCommandCodec.encode(new MetaCommand.RegisterNode(new NodeDescriptor(address(4),
                NodeState.UP, T0))))).isEqualTo("0104" + "01" + node + "01" + since);
        assertThat(hex(MetaCommandCodec.encode(new MetaCommand.SetNodeState(4, NodeState.DOWN, T0))))
                .isEqualTo("0105" + "04" + "02" + since);
        assertThat(hex(MetaCommandCodec.encode(new MetaCommand.CreateGroup(new GroupPlacement(5, List.of(4, 1, 2),
                1))))).isEqualTo("0106" + "01" + "0000000000000005" + "03" + "040102" + "01");
        assertThat(hex(MetaCommandCodec.encode(new MetaCommand.SetGroupMembers(new GroupPlacement(5, List.of(4), 4)))))
                .isEqualTo("0107" + "01" + "0000000000000005" + "01" + "04" + "04");
        assertThat(hex(MetaCommandCodec.encode(new MetaCommand.BootstrapMembership(List.of(address(4)),
                List.of(new GroupPlacement(0, List.of(4), 4)), T0))))
                .isEqualTo("0108" + since + "01" + node + "01" + "0000000000000000" + "01" + "04" + "04");
        assertThatThrownBy(() -> MembershipCodec.decodeNode(HexFormat.of().parseHex("02" + node + "02" + since)))
                .hasMessageContaining("version 2");
        assertThatThrownBy(() -> MembershipCodec.decodeNode(HexFormat.of().parseHex("01" + node + "07" + since)))
                .hasMessageContaining("node state 7");
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static Map<String, String> dump(InMemoryStorageEngine engine) {
        Map<String, String> pairs = new TreeMap<>();
        try (StorageIterator iterator = engine.iterator(null, null)) {
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                pairs.put(hex(iterator.key()), hex(iterator.value()));
            }
        }
        return pairs;
    }
}
