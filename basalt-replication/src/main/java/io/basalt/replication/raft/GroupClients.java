package io.basalt.replication.raft;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.util.TimeDuration;

/**
 * What {@link RaftNode}'s membership calls share (docs/design/cluster.md §13.2): Ratis peers from Basalt's addresses,
 * the one-new-member-at-a-time rule, and the short-lived group client that reaches a group's leader from any node.
 */
final class GroupClients {
    /** The pause between a group client's attempts. */
    private static final RetryPolicy.Action RETRY_SLEEP = () -> TimeDuration.valueOf(100, TimeUnit.MILLISECONDS);

    private GroupClients() {
    }

    /**
     * A short-lived Ratis client of the group that gives up at {@code timeout} from now. Each attempt may take the
     * whole time (a membership change answers once the new members caught up and the change committed), and a failed
     * attempt is retried every 100 ms only while the deadline has not passed, so a call returns within about twice
     * {@code timeout}. A retry count alone did not bound it: {@code timeout / 100} attempts of up to {@code timeout}
     * each kept the reconciler's test in Ratis' retry loop for minutes once a group's node had stopped (a retried
     * change that finds itself made, or still in progress, is answered success or retried, never done twice).
     * {@code transport} is the nodes' ({@link RaftConfig#transport()}).
     */
    static RaftClient open(RaftTransport transport, RaftGroupId groupId, List<RaftPeerAddress> peers,
            Duration timeout) {
        RaftProperties properties = new RaftProperties();
        // The node's own transport: a Netty node's port speaks no gRPC (§18, "transport").
        properties.set("raft.rpc.type", transport.clientRpcType());
        RaftClientConfigKeys.Rpc.setRequestTimeout(properties,
                TimeDuration.valueOf(timeout.toMillis(), TimeUnit.MILLISECONDS));
        long deadline = System.nanoTime() + timeout.toNanos();
        RetryPolicy untilDeadline = event -> System.nanoTime() - deadline < 0 ? RETRY_SLEEP
                : RetryPolicy.NO_RETRY_ACTION;
        return RaftClient.newBuilder()
                .setRaftGroup(RaftGroup.valueOf(groupId, voters(peers)))
                .setProperties(properties)
                .setRetryPolicy(untilDeadline)
                .build();
    }

    /**
     * Refuses a change whose new members would be a majority of the new configuration: having joined with it, they
     * could elect one of themselves before the leader reaches them (change one member at a time: 1 → 2 → 3).
     */
    static void checkNewMembersAreFew(long groupId, List<RaftPeerAddress> currentPeers,
            List<RaftPeerAddress> newPeers) {
        if (newPeers.isEmpty()) {
            throw new IllegalArgumentException("a group keeps at least one member");
        }
        Set<String> current = new TreeSet<>();
        currentPeers.forEach(peer -> current.add(peer.id()));
        long added = newPeers.stream().filter(peer -> !current.contains(peer.id())).count();
        if (added >= newPeers.size() / 2 + 1) {
            throw new IllegalArgumentException("group " + groupId + ": " + added + " new members of " + newPeers.size()
                    + " would be a majority; add them one at a time");
        }
    }

    /** Voting Ratis peers, each with its priority (the preferred leader's is 1). */
    static List<RaftPeer> voters(List<RaftPeerAddress> peers) {
        return peers.stream()
                .map(peer -> RaftPeer.newBuilder().setId(peer.id()).setAddress(peer.address())
                        .setPriority(peer.priority()).build())
                .toList();
    }

    /** Ratis listeners: non-voting members that receive and apply the log. */
    static List<RaftPeer> listeners(List<RaftPeerAddress> listeners) {
        return listeners.stream()
                .map(peer -> RaftPeer.newBuilder().setId(peer.id()).setAddress(peer.address())
                        .setPriority(0).setStartupRole(RaftPeerRole.LISTENER).build())
                .toList();
    }
}
