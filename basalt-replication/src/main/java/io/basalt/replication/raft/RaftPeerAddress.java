package io.basalt.replication.raft;

import static java.util.Objects.requireNonNull;

/** One Raft member's identity and Ratis address ({@code host:port}), as a group's configuration names it. */
public record RaftPeerAddress(String id, String address) {
    public RaftPeerAddress {
        requireNonNull(id, "id is null");
        requireNonNull(address, "address is null");
        if (id.isEmpty()) {
            throw new IllegalArgumentException("id is empty");
        }
    }
}
