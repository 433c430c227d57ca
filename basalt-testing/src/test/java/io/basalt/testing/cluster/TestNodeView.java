package io.basalt.testing.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.TableMetadata;
import io.basalt.cluster.node.ClusterNode;
import io.basalt.cluster.node.GroupPlacement;
import io.basalt.cluster.node.NodeAddress;
import io.basalt.cluster.routing.ClusterState;
import io.basalt.cluster.routing.ClusterView;
import io.basalt.cluster.routing.ReplicationGroup;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionMap;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * A test stand-in for the cluster view until the real one is wired: the partition map from this node's catalog,
 * each group's members from the placement and its leader hint from this node's Ratis member, the nodes' RPC
 * addresses from {@code node.json}. A new version whenever any of it changed.
 */
final class TestNodeView implements ClusterView {
    private final ClusterNode node;
    private ClusterState last;
    private List<PartitionDescriptor> lastDescriptors;

    TestNodeView(ClusterNode node) {
        this.node = requireNonNull(node, "node is null");
    }

    @Override
    public synchronized ClusterState current() {
        List<PartitionDescriptor> descriptors = new ArrayList<>();
        for (TableMetadata table : node.metadata().tables()) {
            descriptors.addAll(table.partitions());
        }
        Map<Long, ReplicationGroup> groups = new HashMap<>();
        for (GroupPlacement group : node.groups().values()) {
            OptionalInt hint = node.leaderHint(group.groupId());
            groups.put(group.groupId(), new ReplicationGroup(group.groupId(),
                    group.members().stream().map(Integer::longValue).toList(),
                    hint.isPresent() ? hint.getAsInt() : group.preferredLeader()));
        }
        Map<Long, InetSocketAddress> nodes = new HashMap<>();
        for (NodeAddress address : node.identity().initialNodes()) {
            nodes.put((long) address.nodeId(), new InetSocketAddress(address.host(), address.rpcPort()));
        }
        if (last == null || !descriptors.equals(lastDescriptors) || !last.groups().equals(groups)) {
            last = new ClusterState(last == null ? 1 : last.version() + 1, PartitionMap.of(descriptors), groups,
                    nodes);
            lastDescriptors = descriptors;
        }
        return last;
    }

    @Override
    public ClusterState refresh(long atLeastVersion) {
        return current();
    }
}
