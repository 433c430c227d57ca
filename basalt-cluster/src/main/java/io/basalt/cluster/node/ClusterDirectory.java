package io.basalt.cluster.node;

import static java.util.Objects.requireNonNull;

import io.basalt.replication.raft.RaftTransport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A cluster's data directory: {@code node-1 .. node-N}, each with its {@code node.json} (docs/design/cluster.md §3,
 * §13.1). Creating it chooses one random cluster id and each node's ports: the API port given (or a free one), RPC
 * and Ratis ports found free at creation, all then kept; and records the cluster's Raft transport in each.
 */
public final class ClusterDirectory {
    private static final SecureRandom RANDOM = new SecureRandom();

    private ClusterDirectory() {
    }

    /** The directory of node {@code nodeId}: {@code node-<id>}. */
    public static Path nodeDirectory(Path dataDirectory, int nodeId) {
        return dataDirectory.resolve("node-" + nodeId);
    }

    /** How many of the nodes {@code 1..nodes} already have a {@code node.json}. */
    public static int existingNodes(Path dataDirectory, int nodes) {
        int existing = 0;
        for (int node = 1; node <= nodes; node++) {
            if (NodeIdentityFile.exists(nodeDirectory(dataDirectory, node))) {
                existing++;
            }
        }
        return existing;
    }

    /**
     * Writes {@code node-1..node-N/node.json} of a new cluster.
     *
     * @param firstApiPort node k's API port is {@code firstApiPort + k − 1}; 0 finds a free port for each
     * @param transport the cluster's Raft transport, which every node's start then uses
     * @return the identities written, in node order
     */
    public static List<NodeIdentity> create(Path dataDirectory, String host, int nodes, int firstApiPort,
            int groupsPerNode, RaftTransport transport) throws IOException {
        if (nodes < 1) {
            throw new IllegalArgumentException("nodes must be positive: " + nodes);
        }
        return create(dataDirectory, Collections.nCopies(nodes, host), firstApiPort, groupsPerNode, transport);
    }

    /**
     * Writes {@code node-1..node-N/node.json} of a new cluster whose node k binds and advertises {@code hosts[k − 1]}
     * (one address per node: the fault tests give each node its own network namespace, docs/design/cluster.md step
     * 14). Ports are chosen free on the loopback address, a heuristic where the host is another address.
     *
     * @param firstApiPort node k's API port is {@code firstApiPort + k − 1}; 0 finds a free port for each
     * @param transport the cluster's Raft transport, which every node's start then uses
     * @return the identities written, in node order
     */
    public static List<NodeIdentity> create(Path dataDirectory, List<String> hosts, int firstApiPort,
            int groupsPerNode, RaftTransport transport) throws IOException {
        requireNonNull(hosts, "hosts is null");
        requireNonNull(transport, "transport is null");
        int nodes = hosts.size();
        if (nodes < 1) {
            throw new IllegalArgumentException("nodes must be positive: " + nodes);
        }
        long clusterId = RANDOM.nextLong();
        Set<Integer> taken = new HashSet<>();
        List<NodeAddress> addresses = new ArrayList<>(nodes);
        for (int node = 1; node <= nodes; node++) {
            int apiPort = firstApiPort == 0 ? freePort(taken) : firstApiPort + node - 1;
            taken.add(apiPort);
            addresses.add(new NodeAddress(node, hosts.get(node - 1), apiPort, freePort(taken), freePort(taken)));
        }
        List<NodeIdentity> identities = new ArrayList<>(nodes);
        for (NodeAddress address : addresses) {
            NodeIdentity identity = new NodeIdentity(clusterId, address.nodeId(), addresses, groupsPerNode,
                    transport);
            NodeIdentityFile.write(nodeDirectory(dataDirectory, address.nodeId()), identity);
            identities.add(identity);
        }
        return identities;
    }

    /** A port free now on the loopback address and not among {@code taken} (which it joins). */
    private static int freePort(Set<Integer> taken) throws IOException {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
                int port = socket.getLocalPort();
                if (taken.add(port)) {
                    return port;
                }
            }
        }
    }
}
