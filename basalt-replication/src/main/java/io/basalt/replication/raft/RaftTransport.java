package io.basalt.replication.raft;

import java.util.Locale;
import org.apache.ratis.rpc.SupportedRpcType;

/**
 * Which of Ratis' transports carries a node's Raft messages and its membership clients (docs/design/cluster.md §18,
 * "transport"). Every node of a cluster must use the same one: a gRPC node and a Netty node cannot talk.
 */
public enum RaftTransport {
    /** Ratis' gRPC transport with {@link CommitPushingGrpc}'s appender: streamed, pipelined appends. */
    GRPC(CommitPushingGrpc.class.getName(), SupportedRpcType.GRPC),
    /**
     * Ratis' Netty transport with {@link CommitPushingNetty}'s appender: one synchronous append at a time per
     * follower, less CPU per write (cluster.md §20 step 15, "s19 writes" and "s20 netty").
     */
    NETTY(CommitPushingNetty.class.getName(), SupportedRpcType.NETTY);

    private final String serverRpcType;
    private final SupportedRpcType clientRpcType;

    RaftTransport(String serverRpcType, SupportedRpcType clientRpcType) {
        this.serverRpcType = serverRpcType;
        this.clientRpcType = clientRpcType;
    }

    /** {@code raft.rpc.type} of a node's server: Basalt's factory, named by class for Ratis' reflection. */
    public String serverRpcType() {
        return serverRpcType;
    }

    /** {@code raft.rpc.type} of a short-lived client (membership calls, a follower's read index): Ratis' own. */
    public String clientRpcType() {
        return clientRpcType.name();
    }

    /** The name of {@code --raft-transport} ({@code grpc}, {@code netty}). */
    public String flagValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code --raft-transport}'s value, case-insensitively. */
    public static RaftTransport fromFlag(String value) {
        for (RaftTransport transport : values()) {
            if (transport.flagValue().equalsIgnoreCase(value)) {
                return transport;
            }
        }
        throw new IllegalArgumentException("unknown Raft transport '" + value + "' (expected grpc or netty)");
    }
}
