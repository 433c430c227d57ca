package io.basalt.cluster.node;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A registered node as the metadata group records it (key space {@code 0x11}, docs/design/cluster.md §4.1, §13):
 * its endpoints, whether it is up, and since when (an instant the metadata leader stamped, so replaying the entry
 * gives the same value). Byte form: {@link MembershipCodec}.
 *
 * @param since when the node entered {@code state} (its registration, for a node that never changed state)
 */
public record NodeDescriptor(NodeAddress address, NodeState state, Instant since) {
    public NodeDescriptor {
        requireNonNull(address, "address is null");
        requireNonNull(state, "state is null");
        requireNonNull(since, "since is null");
    }

    public int nodeId() {
        return address.nodeId();
    }

    /** The same node in {@code newState} since {@code at}. */
    public NodeDescriptor withState(NodeState newState, Instant at) {
        return new NodeDescriptor(address, newState, at);
    }
}
