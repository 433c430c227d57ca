package io.basalt.cluster.node;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.ClusterRegistry;
import io.basalt.cluster.MetaCommand;
import io.basalt.replication.raft.RaftPeerAddress;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One round of the metadata group's own membership on its leader (docs/design/cluster.md §11, §13, step 13 as
 * built): its voters grow to min(3, nodes) — a one- or two-node cluster's metadata group grows as nodes join, one
 * voter per round — and every other UP node is a Ratis listener of it, which receives and applies the log without
 * voting, so that every node holds the catalog and the registry (routing, DescribeTable) whatever its role. A node
 * new to the group adds its member first (with the new voters and listeners), then the group's leader sets them, then
 * the registry records the voters. A voter whose node is DOWN past the node-down timeout is replaced by an UP
 * listener, promoted in one configuration change; listeners on nodes DOWN past the timeout are dropped.
 */
final class MetadataVoters {
    static final int MAX_VOTERS = 3;

    private final ClusterNode node;
    private final ClusterRegistry registry;
    private final MemberFrames frames;
    private final PlacementConfig config;
    private final Instant now;
    private final Duration timeout;

    MetadataVoters(ClusterNode node, ClusterRegistry registry, MemberFrames frames, PlacementConfig config,
            Instant now, Duration timeout) {
        this.node = requireNonNull(node, "node is null");
        this.registry = requireNonNull(registry, "registry is null");
        this.frames = requireNonNull(frames, "frames is null");
        this.config = requireNonNull(config, "config is null");
        this.now = requireNonNull(now, "now is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
    }

    void reconcile() throws IOException {
        GroupPlacement group = registry.tryGetGroup(StaticPlacement.METADATA_GROUP).orElse(null);
        if (group == null) {
            return;
        }
        Map<Integer, NodeDescriptor> nodes = new HashMap<>();
        registry.nodes().forEach(described -> nodes.put(described.nodeId(), described));
        Set<String> currentPeers = ids(node.raft().peers(StaticPlacement.METADATA_GROUP));
        Set<String> currentListeners = ids(node.raft().listeners(StaticPlacement.METADATA_GROUP));

        List<Integer> voters = new ArrayList<>(group.members());
        int preferredLeader = group.preferredLeader();
        if (voters.size() < MAX_VOTERS) {
            registry.nodes().stream()
                    .filter(described -> described.state() == NodeState.UP && !voters.contains(described.nodeId())
                            && !currentListeners.contains(described.address().raftPeerId()))
                    .findFirst().ifPresent(added -> voters.add(added.nodeId()));
        } else {
            // A voter DOWN past the timeout is replaced by an UP listener, which holds the log already: Ratis moves it
            // from listener to voter in one configuration change (one new voter: the one-at-a-time rule holds).
            Integer dead = voters.stream().filter(id -> writtenOff(nodes.get(id))).findFirst().orElse(null);
            NodeDescriptor promoted = registry.nodes().stream()
                    .filter(described -> described.state() == NodeState.UP && !voters.contains(described.nodeId())
                            && currentListeners.contains(described.address().raftPeerId()))
                    .findFirst().orElse(null);
            if (dead != null && promoted != null) {
                voters.set(voters.indexOf(dead), promoted.nodeId());
                if (preferredLeader == dead) {
                    preferredLeader = node.selfId();
                }
            }
        }
        List<Integer> listeners = new ArrayList<>();
        for (NodeDescriptor described : registry.nodes()) {
            if (voters.contains(described.nodeId())) {
                continue;
            }
            boolean listening = currentListeners.contains(described.address().raftPeerId());
            if (described.state() == NodeState.UP || (listening && !writtenOff(described))) {
                listeners.add(described.nodeId());
            }
        }
        List<RaftPeerAddress> peerAddresses = addresses(voters, nodes);
        List<RaftPeerAddress> listenerAddresses = addresses(listeners, nodes);
        boolean raftAgrees = currentPeers.equals(ids(peerAddresses)) && currentListeners.equals(ids(listenerAddresses));
        if (!raftAgrees) {
            for (int id : concat(voters, listeners)) {
                NodeAddress address = nodes.get(id).address();
                if (!currentPeers.contains(address.raftPeerId()) && !currentListeners.contains(address.raftPeerId())) {
                    frames.addMember(address, StaticPlacement.METADATA_GROUP, peerAddresses, listenerAddresses);
                }
            }
            node.raft().requestConfiguration(StaticPlacement.METADATA_GROUP,
                    node.raft().peers(StaticPlacement.METADATA_GROUP), peerAddresses, listenerAddresses, timeout);
        }
        if (!voters.equals(group.members())) {
            node.metadata().executeMembership(new MetaCommand.SetGroupMembers(new GroupPlacement(
                    StaticPlacement.METADATA_GROUP, voters, preferredLeader)));
        }
    }

    /** Whether the node has been DOWN for the node-down timeout: its replicas are re-created elsewhere. */
    private boolean writtenOff(NodeDescriptor described) {
        return described != null && described.state() == NodeState.DOWN
                && !now.isBefore(described.since().plus(config.nodeDownTimeout()));
    }

    private static List<Integer> concat(List<Integer> first, List<Integer> second) {
        List<Integer> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    /** Every member at Ratis priority 0: the preferred leader is Basalt's ({@link PreferredLeaders}). */
    private static List<RaftPeerAddress> addresses(List<Integer> ids, Map<Integer, NodeDescriptor> nodes) {
        List<RaftPeerAddress> addresses = new ArrayList<>(ids.size());
        for (int id : ids) {
            NodeAddress address = nodes.get(id).address();
            addresses.add(new RaftPeerAddress(address.raftPeerId(), address.raftAddress()));
        }
        return addresses;
    }

    private static Set<String> ids(List<RaftPeerAddress> peers) {
        Set<String> ids = new HashSet<>();
        peers.forEach(peer -> ids.add(peer.id()));
        return ids;
    }
}
