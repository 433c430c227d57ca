package io.basalt.cluster.node;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;

/**
 * Where one node of the cluster answers: its DynamoDB API, its Basalt RPC and its Ratis server (docs/design/cluster.md
 * §3). Ports are chosen once, when the node is created, and kept: a Raft configuration names peer addresses.
 *
 * @param nodeId the node's id in the cluster, 1..N for the initial nodes
 */
public record NodeAddress(int nodeId, String host, int apiPort, int rpcPort, int raftPort) {
    public NodeAddress {
        requireNonNull(host, "host is null");
        if (nodeId < 1) {
            throw new IllegalArgumentException("nodeId must be positive: " + nodeId);
        }
        checkPort(apiPort, "apiPort");
        checkPort(rpcPort, "rpcPort");
        checkPort(raftPort, "raftPort");
    }

    private static void checkPort(int port, String name) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(name + " out of range: " + port);
        }
    }

    /** The node's Ratis peer id: {@code n<nodeId>}. */
    public String raftPeerId() {
        return "n" + nodeId;
    }

    public String apiEndpoint() {
        return "http://" + host + ":" + apiPort;
    }

    public String raftAddress() {
        return host + ":" + raftPort;
    }

    public String rpcAddress() {
        return host + ":" + rpcPort;
    }

    /** Where the node's internal RPC listens (an unresolved address is resolved when connecting). */
    public InetSocketAddress rpcSocketAddress() {
        return new InetSocketAddress(host, rpcPort);
    }
}
