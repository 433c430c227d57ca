package io.basalt.testing.cluster;

import io.basalt.cluster.rpc.RpcFault;
import io.basalt.replication.raft.RaftPeerCut;
import java.net.InetSocketAddress;

/**
 * One node of a serving in-JVM {@link BasaltTestCluster} cut off from the others, both ways, while it goes on running
 * (what {@code TestClusterIsolation} in basalt-cli does to node processes with network namespaces): its Raft peer by
 * {@link RaftPeerCut} (the others elect among themselves; it believes it still leads), and every Basalt RPC frame
 * between it and the others dropped unanswered, counted as written (a frame into a silent network). One at a time;
 * {@link #close} heals.
 */
final class CutOffNode implements AutoCloseable {
    private final BasaltTestCluster cluster;
    private final int node;
    private final RaftPeerCut raft;

    private CutOffNode(BasaltTestCluster cluster, int node, RaftPeerCut raft) {
        this.cluster = cluster;
        this.node = node;
        this.raft = raft;
    }

    static CutOffNode cut(BasaltTestCluster cluster, int node) {
        CutOffNode cut = new CutOffNode(cluster, node,
                RaftPeerCut.cut(cluster.node(node).identity().self().raftPeerId()));
        cut.eachDirection((from, to) -> cluster.server(from).transport().injectFault(address(cluster, to),
                RpcFault.drop()));
        return cut;
    }

    @Override
    public void close() {
        raft.close();
        eachDirection((from, to) -> cluster.server(from).transport().clearFault(address(cluster, to)));
    }

    /** Each direction between the cut node and another running node. */
    private void eachDirection(Direction direction) {
        for (int other = 1; other <= cluster.size(); other++) {
            if (other != node && cluster.isRunning(other)) {
                direction.between(node, other);
                direction.between(other, node);
            }
        }
    }

    @FunctionalInterface
    private interface Direction {
        void between(int from, int to);
    }

    private static InetSocketAddress address(BasaltTestCluster cluster, int node) {
        return cluster.node(node).identity().self().rpcSocketAddress();
    }
}
