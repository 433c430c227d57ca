package io.basalt.replication.raft;

import static java.util.Objects.requireNonNull;

/**
 * One Raft member's identity and Ratis address ({@code host:port}), as a group's configuration names it.
 *
 * @param priority Ratis' peer priority: a leader yields to a caught-up member of higher priority, which is how a
 *     group's preferred leader is expressed (docs/design/cluster.md §13.2; 1 for the preferred member, else 0)
 */
public record RaftPeerAddress(String id, String address, int priority) {
    public RaftPeerAddress {
        requireNonNull(id, "id is null");
        requireNonNull(address, "address is null");
        if (id.isEmpty()) {
            throw new IllegalArgumentException("id is empty");
        }
        if (priority < 0) {
            throw new IllegalArgumentException("priority must not be negative: " + priority);
        }
    }

    /** A member without a preference (priority 0). */
    public RaftPeerAddress(String id, String address) {
        this(id, address, 0);
    }
}
