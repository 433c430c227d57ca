package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.node.GroupPlacement;
import io.basalt.cluster.node.NodeAddress;
import io.basalt.cluster.node.NodeDescriptor;
import io.basalt.cluster.node.NodeState;
import java.time.Instant;
import java.util.List;

/**
 * A change of the node's (later: the cluster's) metadata, as data: what the metadata state machine evaluates on
 * its control sequencer and logs as the result (docs/design/cluster.md §11). Validation that depends on the
 * current state (a name in use, a table missing, a table changed since it was read) happens in that evaluation;
 * the log holds only its result, so replaying it never re-evaluates. Byte form: {@link MetaCommandCodec}.
 */
public sealed interface MetaCommand {
    /**
     * Creates a table. Its id comes from {@link MetaStateMachine#allocateTableId()} (the one allocator of ids), so
     * the command carries the result of the allocation; the table starts CREATING.
     */
    record CreateTable(TableMetadata table) implements MetaCommand {
        public CreateTable {
            requireNonNull(table, "table is null");
        }
    }

    /** Changes a table's metadata. */
    record UpdateTable(String tableName, TableChange change) implements MetaCommand {
        public UpdateTable {
            requireNonNull(tableName, "tableName is null");
            requireNonNull(change, "change is null");
        }
    }

    /**
     * Deletes a table with all its data, if it is still exactly {@code table} (the version the caller checked
     * DynamoDB's preconditions against).
     */
    record DeleteTable(TableMetadata table) implements MetaCommand {
        public DeleteTable {
            requireNonNull(table, "table is null");
        }
    }

    /**
     * Registers a node that joins the cluster (docs/design/cluster.md §13.1), {@link NodeState#UP} since its
     * registration. Its id comes from {@link MetaStateMachine#allocateNodeId()}, like a table's.
     */
    record RegisterNode(NodeDescriptor node) implements MetaCommand {
        public RegisterNode {
            requireNonNull(node, "node is null");
        }
    }

    /** Records that a node is up or down since {@code since} (stamped by the metadata leader, §13.1). */
    record SetNodeState(int nodeId, NodeState state, Instant since) implements MetaCommand {
        public SetNodeState {
            requireNonNull(state, "state is null");
            requireNonNull(since, "since is null");
        }
    }

    /**
     * Records a new replication group (members and preferred leader; §13.2). Its id comes from
     * {@link MetaStateMachine#allocateGroupId()}. The members' Ratis divisions are added by their nodes.
     */
    record CreateGroup(GroupPlacement group) implements MetaCommand {
        public CreateGroup {
            requireNonNull(group, "group is null");
        }
    }

    /** Records a group's members after a Ratis membership change (§13.2). */
    record SetGroupMembers(GroupPlacement group) implements MetaCommand {
        public SetGroupMembers {
            requireNonNull(group, "group is null");
        }
    }

    /**
     * Records the nodes and groups of a cluster created before the registry existed (every initial node and the
     * static placement of {@code node.json}; §13): the first metadata leader of such a cluster submits it. Only
     * what is not yet recorded is written, so it is idempotent and a new leader may submit it again.
     *
     * @param groups the metadata group and the data groups as {@code StaticPlacement} lays them out
     * @param at when the nodes are recorded as up
     */
    record BootstrapMembership(List<NodeAddress> nodes, List<GroupPlacement> groups, Instant at)
            implements MetaCommand {
        public BootstrapMembership {
            nodes = List.copyOf(requireNonNull(nodes, "nodes is null"));
            groups = List.copyOf(requireNonNull(groups, "groups is null"));
            requireNonNull(at, "at is null");
        }
    }
}
