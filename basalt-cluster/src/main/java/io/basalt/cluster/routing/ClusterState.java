package io.basalt.cluster.routing;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionMap;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;

/**
 * One version of what routing needs from the cluster map (docs/design/cluster.md §11, §12.3): the partition map
 * (whose descriptors name their group), each group's members and leader hint, and each node's RPC address.
 * Immutable; a newer version replaces it whole.
 */
public record ClusterState(long version, PartitionMap partitions, Map<Long, ReplicationGroup> groups,
        Map<Long, InetSocketAddress> nodes) {
    public ClusterState {
        requireNonNull(partitions, "partitions is null");
        groups = Map.copyOf(groups);
        nodes = Map.copyOf(nodes);
        if (version < 0) {
            throw new IllegalArgumentException("version is negative: " + version);
        }
    }

    public Optional<PartitionDescriptor> tryGetPartition(PartitionId partition) {
        return partitions.tryGet(partition);
    }

    public ReplicationGroup getGroup(long group) {
        ReplicationGroup found = groups.get(group);
        if (found == null) {
            throw new IllegalStateException("the cluster map names no group " + group);
        }
        return found;
    }

    public InetSocketAddress getAddress(long node) {
        InetSocketAddress address = nodes.get(node);
        if (address == null) {
            throw new IllegalStateException("the cluster map names no node " + node);
        }
        return address;
    }
}
