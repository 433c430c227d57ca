package io.basalt.cluster;

import io.basalt.cluster.node.GroupPlacement;
import io.basalt.cluster.node.MembershipCodec;
import io.basalt.cluster.node.NodeAddress;
import io.basalt.cluster.node.NodeDescriptor;
import io.basalt.cluster.node.NodeState;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.log.MetaEntry;
import io.basalt.partition.log.OperationList;

/**
 * How the metadata state machine evaluates the membership commands (docs/design/cluster.md §13): each against the
 * applied {@link ClusterRegistry}, to the absolute puts its entry logs ({@code 0x11} node records, {@code 0x10}
 * group records, the {@code next-node-id}/{@code next-group-id} counters), or to nothing when the command changes
 * nothing. A command that contradicts the registry (an id given before, an unknown node, an address in use) is a
 * caller's bug: {@link IllegalArgumentException}, nothing logged. Called holding the control sequencer.
 */
final class MembershipCommands {
    private MembershipCommands() {
    }

    /** The entry {@code command} logs; null when it changes nothing. */
    static MetaEntry evaluate(ClusterRegistry registry, MetaCommand command) {
        if (command instanceof MetaCommand.RegisterNode register) {
            return registerNode(registry, register.node());
        }
        if (command instanceof MetaCommand.SetNodeState state) {
            return setNodeState(registry, state);
        }
        if (command instanceof MetaCommand.CreateGroup create) {
            return createGroup(registry, create.group());
        }
        if (command instanceof MetaCommand.SetGroupMembers members) {
            return setGroupMembers(registry, members.group());
        }
        return bootstrap(registry, (MetaCommand.BootstrapMembership) command);
    }

    private static MetaEntry registerNode(ClusterRegistry registry, NodeDescriptor node) {
        if (node.nodeId() < registry.nextNodeId()) {
            throw new IllegalArgumentException("node id " + node.nodeId() + " was given before");
        }
        NodeAddress address = node.address();
        registry.tryGetNodeAt(address.host(), address.rpcPort(), address.raftPort()).ifPresent(existing -> {
            throw new IllegalArgumentException("node " + existing.nodeId() + " is registered at " + address.host()
                    + " with the same RPC or Ratis port");
        });
        OperationList.Builder operations = OperationList.builder(2);
        operations.put(KeyLayout.nodeDescriptorKey(node.nodeId()), MembershipCodec.encodeNode(node));
        operations.put(ClusterRegistry.NEXT_NODE_ID_KEY, Catalog.encodeCounter(node.nodeId() + 1L));
        return new MetaEntry(operations.build());
    }

    private static MetaEntry setNodeState(ClusterRegistry registry, MetaCommand.SetNodeState command) {
        NodeDescriptor current = registry.tryGetNode(command.nodeId()).orElseThrow(
                () -> new IllegalArgumentException("node " + command.nodeId() + " is not registered"));
        if (current.state() == command.state()) {
            // Already so: the time it became so stays (a DOWN node's timeout runs from when it first went down).
            return null;
        }
        NodeDescriptor updated = current.withState(command.state(), command.since());
        OperationList.Builder operations = OperationList.builder(1);
        operations.put(KeyLayout.nodeDescriptorKey(updated.nodeId()), MembershipCodec.encodeNode(updated));
        return new MetaEntry(operations.build());
    }

    private static MetaEntry createGroup(ClusterRegistry registry, GroupPlacement group) {
        if (group.groupId() < registry.nextGroupId() || registry.tryGetGroup(group.groupId()).isPresent()) {
            throw new IllegalArgumentException("group id " + group.groupId() + " was given before");
        }
        checkMembersRegistered(registry, group);
        OperationList.Builder operations = OperationList.builder(2);
        operations.put(KeyLayout.groupKey(group.groupId()), MembershipCodec.encodeGroup(group));
        operations.put(ClusterRegistry.NEXT_GROUP_ID_KEY, Catalog.encodeCounter(group.groupId() + 1));
        return new MetaEntry(operations.build());
    }

    private static MetaEntry setGroupMembers(ClusterRegistry registry, GroupPlacement group) {
        GroupPlacement current = registry.tryGetGroup(group.groupId()).orElseThrow(
                () -> new IllegalArgumentException("group " + group.groupId() + " is not recorded"));
        checkMembersRegistered(registry, group);
        if (current.equals(group)) {
            return null;
        }
        OperationList.Builder operations = OperationList.builder(1);
        operations.put(KeyLayout.groupKey(group.groupId()), MembershipCodec.encodeGroup(group));
        return new MetaEntry(operations.build());
    }

    /**
     * Writes what the registry lacks of the initial nodes and groups; moves the counters past them. A node or group
     * already recorded is left as it is (it may have changed since), so submitting it twice changes nothing.
     */
    private static MetaEntry bootstrap(ClusterRegistry registry, MetaCommand.BootstrapMembership command) {
        OperationList.Builder operations = OperationList.builder(command.nodes().size() + command.groups().size() + 2);
        int nextNodeId = registry.nextNodeId();
        long nextGroupId = registry.nextGroupId();
        boolean changed = false;
        for (NodeAddress address : command.nodes()) {
            if (registry.tryGetNode(address.nodeId()).isEmpty()) {
                NodeDescriptor node = new NodeDescriptor(address, NodeState.UP, command.at());
                operations.put(KeyLayout.nodeDescriptorKey(address.nodeId()), MembershipCodec.encodeNode(node));
                nextNodeId = Math.max(nextNodeId, address.nodeId() + 1);
                changed = true;
            }
        }
        for (GroupPlacement group : command.groups()) {
            for (int member : group.members()) {
                if (registry.tryGetNode(member).isEmpty()
                        && command.nodes().stream().noneMatch(node -> node.nodeId() == member)) {
                    throw new IllegalArgumentException("group " + group.groupId() + " names node " + member
                            + ", which is neither registered nor an initial node");
                }
            }
            if (registry.tryGetGroup(group.groupId()).isEmpty()) {
                operations.put(KeyLayout.groupKey(group.groupId()), MembershipCodec.encodeGroup(group));
                nextGroupId = Math.max(nextGroupId, group.groupId() + 1);
                changed = true;
            }
        }
        if (!changed) {
            return null;
        }
        if (nextNodeId != registry.nextNodeId()) {
            operations.put(ClusterRegistry.NEXT_NODE_ID_KEY, Catalog.encodeCounter(nextNodeId));
        }
        if (nextGroupId != registry.nextGroupId()) {
            operations.put(ClusterRegistry.NEXT_GROUP_ID_KEY, Catalog.encodeCounter(nextGroupId));
        }
        return new MetaEntry(operations.build());
    }

    private static void checkMembersRegistered(ClusterRegistry registry, GroupPlacement group) {
        for (int member : group.members()) {
            if (registry.tryGetNode(member).isEmpty()) {
                throw new IllegalArgumentException("group " + group.groupId() + " names node " + member
                        + ", which is not registered");
            }
        }
    }
}
