package io.basalt.cluster.node;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.ClusterRegistry;
import io.basalt.cluster.MetaCommand;
import io.basalt.cluster.MetadataGroup;
import io.basalt.cluster.rpc.MembershipHandler;
import io.basalt.cluster.rpc.NodeJoinAnswer;
import io.basalt.cluster.rpc.RpcRequest;
import io.basalt.cluster.rpc.RpcResponse;
import io.basalt.cluster.rpc.RpcTransport;
import io.basalt.model.BasaltException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster node's part in membership (docs/design/cluster.md §13, step 13 as built). On every node: a heartbeat to
 * the metadata leader each second (the groups this node leads), the membership frames served ({@link
 * MembershipHandler}: a join is registered by the metadata leader or forwarded to it; a member add or remove is done
 * on this node's Raft server), and the removal of data-group divisions the registry has stopped naming. On the
 * metadata leader, a reconcile loop every {@link #ROUND} (thread {@code basalt-membership-N}): it bootstraps the
 * registry from the static placement when it is empty, marks nodes DOWN after {@link #SILENCE} without a heartbeat
 * (and UP again when they are heard), keeps the metadata group's voters at min(3, nodes) with every other node a Ratis
 * listener (so every node holds the catalog), and runs a {@link MembershipReconciler} round over the data groups.
 *
 * <p>Heartbeats are soft state on the leader, never logged; a new leader counts every node as heard when it became
 * leader, so a failover marks nobody DOWN. Thread-safe; close it before the node.
 */
public final class NodeMembership implements MembershipHandler, AutoCloseable {
    static final Duration HEARTBEAT = Duration.ofSeconds(1);
    static final Duration ROUND = Duration.ofSeconds(2);
    /** A node not heard for this long is DOWN: several heartbeats, so one lost frame or a GC pause is not. */
    static final Duration SILENCE = Duration.ofSeconds(5);
    /** A node heard from within this long (two heartbeats and a margin) may be handed a group's leadership. */
    static final Duration LIVE = Duration.ofMillis(2_500);
    /** A division the registry has not named for this long is removed (a member replaced while its node was down). */
    static final Duration UNNAMED_GRACE = Duration.ofSeconds(60);
    /** How long one membership change may take (a new member's catch-up included). */
    static final Duration CHANGE_TIMEOUT = Duration.ofSeconds(30);
    /** How long {@link #close} waits for a round, heartbeat or join in flight to end once interrupted. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(10);
    private static final int METADATA_VOTERS = 3;
    private static final Logger LOG = LoggerFactory.getLogger(NodeMembership.class);

    private final ClusterNode node;
    private final PlacementConfig config;
    private final Clock clock;
    private final ScheduledExecutorService heartbeats;
    private final ScheduledExecutorService rounds;
    private final ExecutorService admin;
    private final MemberFrames frames;
    private final MembershipReconciler reconciler;
    private final Map<Integer, Long> lastHeard = new ConcurrentHashMap<>();
    private final Map<Integer, List<Long>> ledGroups = new ConcurrentHashMap<>();
    private final Map<Long, Long> unnamedSince = new HashMap<>();
    /** When this node last became the metadata leader (System.nanoTime), 0 while it does not lead. */
    private volatile long leaderSince;

    private NodeMembership(ClusterNode node, Function<InetSocketAddress, RpcTransport> transports,
            PlacementConfig config, Clock clock) {
        this.node = node;
        this.config = config;
        this.clock = clock;
        String id = String.valueOf(node.selfId());
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(named("basalt-heartbeat-" + id));
        this.rounds = Executors.newSingleThreadScheduledExecutor(named("basalt-membership-" + id));
        this.admin = Executors.newSingleThreadExecutor(named("basalt-member-admin-" + id));
        this.frames = new MemberFrames(node, transports);
        this.reconciler = new MembershipReconciler(node.raft(), new RegistryOnLeader(), frames, config,
                CHANGE_TIMEOUT);
    }

    /**
     * Starts the heartbeats and the reconcile loop.
     *
     * @param transports the RPC transport to a peer's RPC address
     */
    public static NodeMembership start(ClusterNode node, Function<InetSocketAddress, RpcTransport> transports,
            PlacementConfig config, Clock clock) {
        NodeMembership membership = new NodeMembership(requireNonNull(node, "node is null"),
                requireNonNull(transports, "transports is null"), requireNonNull(config, "config is null"),
                requireNonNull(clock, "clock is null"));
        membership.heartbeats.scheduleWithFixedDelay(membership::heartbeat, 0, HEARTBEAT.toMillis(),
                TimeUnit.MILLISECONDS);
        membership.rounds.scheduleWithFixedDelay(membership::round, ROUND.toMillis(), ROUND.toMillis(),
                TimeUnit.MILLISECONDS);
        return membership;
    }

    private static ThreadFactory named(String name) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, counter.getAndIncrement() == 0 ? name : name + "-"
                    + counter.get());
            thread.setDaemon(true);
            return thread;
        };
    }

    private MetadataGroup metadata() {
        return node.metadata();
    }

    // ---- every node ----

    /** Tells the metadata leader this node is alive and which groups it leads. */
    private void heartbeat() {
        try {
            List<Long> led = node.ledGroups();
            if (node.leads(StaticPlacement.METADATA_GROUP)) {
                heard(node.selfId(), led);
            } else {
                RpcRequest.NodeHeartbeat beat = new RpcRequest.NodeHeartbeat(node.selfId(), led);
                int leader = node.leaderHint(StaticPlacement.METADATA_GROUP).orElse(0);
                List<NodeAddress> targets = leader != 0 && leader != node.selfId()
                        ? node.node(leader).map(List::of).orElse(List.of()) : everyOtherNode();
                for (NodeAddress target : targets) {
                    frames.sendQuietly(target, beat, HEARTBEAT);
                }
            }
            removeUnnamedDivisions();
        } catch (RuntimeException e) {
            LOG.debug("A heartbeat round failed", e);
        }
    }

    /**
     * Where a node that knows no metadata leader sends its heartbeat: every other node it knows (the non-leaders
     * answer NOT_LEADER). Not only the voters it knows: a node back after being replaced knows an old list of them,
     * and may not know the node that leads now.
     */
    private List<NodeAddress> everyOtherNode() {
        List<NodeAddress> nodes = new ArrayList<>();
        node.registry().ifPresentOrElse(
                registry -> registry.nodes().forEach(described -> nodes.add(described.address())),
                () -> nodes.addAll(node.identity().knownNodes()));
        nodes.removeIf(other -> other.nodeId() == node.selfId());
        return nodes;
    }

    private void heard(int nodeId, List<Long> led) {
        lastHeard.put(nodeId, System.nanoTime());
        ledGroups.put(nodeId, List.copyOf(led));
    }

    /**
     * Removes this node's data-group divisions that the registry has not named for {@link #UNNAMED_GRACE}: a member
     * replaced while the node was down (§13.2). The grace covers a member just added, which the registry records only
     * after the group's leader has set the new configuration.
     */
    private void removeUnnamedDivisions() {
        Optional<ClusterRegistry> registry = node.registry();
        if (registry.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        for (long groupId : node.raft().groupIds()) {
            if (groupId == StaticPlacement.METADATA_GROUP) {
                continue;
            }
            boolean named = registry.get().tryGetGroup(groupId)
                    .map(group -> group.members().contains(node.selfId())).orElse(false);
            if (named) {
                unnamedSince.remove(groupId);
                continue;
            }
            long since = unnamedSince.computeIfAbsent(groupId, id -> now);
            if (now - since > UNNAMED_GRACE.toNanos()) {
                try {
                    LOG.info("Removing this node's member of group {}: the registry no longer names it", groupId);
                    node.raft().removeGroup(groupId);
                    unnamedSince.remove(groupId);
                } catch (IOException e) {
                    LOG.warn("Removing the member of group {} failed; retried", groupId, e);
                }
            }
        }
    }

    @Override
    public CompletableFuture<RpcResponse> handle(RpcRequest request) {
        if (request instanceof RpcRequest.NodeHeartbeat beat) {
            if (!node.leads(StaticPlacement.METADATA_GROUP)) {
                return CompletableFuture.completedFuture(notLeader());
            }
            heard(beat.nodeId(), beat.ledGroups());
            return CompletableFuture.completedFuture(new RpcResponse.Ok(null));
        }
        if (request instanceof RpcRequest.NodeJoin join) {
            return join(join);
        }
        if (request instanceof RpcRequest.GroupMemberAdd add) {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    replaceStaleDivision(add);
                    node.raft().addGroup(add.groupId(), add.peers(), add.listeners());
                    return new RpcResponse.Ok(null);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, admin);
        }
        RpcRequest.GroupMemberRemove remove = (RpcRequest.GroupMemberRemove) request;
        return CompletableFuture.supplyAsync(() -> {
            try {
                node.raft().removeGroup(remove.groupId());
                return new RpcResponse.Ok(null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, admin);
    }

    /**
     * A division this node kept from before it was replaced (it was down past the timeout, and comes back) has a
     * configuration in which its role differs from the one it is asked to take — a former voter of the metadata group
     * asked to be a listener — and Ratis does not bring it back into the group (in the one run recorded, the returned
     * voter's division closed and the leader's change making it a listener made no progress). It is removed, and the
     * member is added afresh; it catches up from the leader. An add repeated after success finds the same role, and
     * changes nothing.
     */
    private void replaceStaleDivision(RpcRequest.GroupMemberAdd add) throws IOException {
        var raft = node.raft();
        if (!raft.hostsGroup(add.groupId())) {
            return;
        }
        String self = node.identity().self().raftPeerId();
        boolean sameRole;
        try {
            sameRole = raft.peers(add.groupId()).stream().anyMatch(peer -> peer.id().equals(self))
                    == add.peers().stream().anyMatch(peer -> peer.id().equals(self))
                    && raft.listeners(add.groupId()).stream().anyMatch(peer -> peer.id().equals(self))
                    == add.listeners().stream().anyMatch(peer -> peer.id().equals(self));
        } catch (IOException | RuntimeException e) {
            sameRole = false;
        }
        if (!sameRole) {
            LOG.info("Replacing this node's stale member of group {} (its role changed while the node was away)",
                    add.groupId());
            raft.removeGroup(add.groupId());
        }
    }

    /** On the metadata leader: registers the joining node; elsewhere: forwards the join to the leader. */
    private CompletableFuture<RpcResponse> join(RpcRequest.NodeJoin join) {
        if (!node.leads(StaticPlacement.METADATA_GROUP)) {
            int leader = node.leaderHint(StaticPlacement.METADATA_GROUP).orElse(0);
            if (leader == 0 || leader == node.selfId() || node.node(leader).isEmpty()) {
                return CompletableFuture.completedFuture(new RpcResponse.NotReady());
            }
            // A leader that cannot be reached now is looked for again: the joining node asks once more.
            return frames.send(node.node(leader).get(), join, CHANGE_TIMEOUT)
                    .exceptionally(failure -> new RpcResponse.NotReady());
        }
        return CompletableFuture.supplyAsync(() -> {
            ClusterRegistry registry = metadata().registry();
            if (registry.isEmpty()) {
                // The leader has not bootstrapped the registry yet: the joining node asks again.
                return new RpcResponse.NotReady();
            }
            NodeDescriptor joined;
            try {
                joined = metadata().registerNode(join.host(), join.apiPort(), join.rpcPort(), join.raftPort(),
                        clock.instant());
            } catch (IllegalArgumentException refused) {
                // Endpoints another node is registered with: the join is refused, and says why (a Basalt text: the
                // joining node prints it; no DynamoDB client sees it).
                return new RpcResponse.Error(BasaltException.validation(refused.getMessage()));
            } catch (RuntimeException e) {
                // The leadership moved, or the entry could not be logged: a join retried from the same endpoints
                // gets the node registered by this attempt if it was, so the joining node asks again.
                LOG.debug("Registering a joining node failed; it asks again", e);
                return new RpcResponse.NotReady();
            }
            heard(joined.nodeId(), List.of());
            ClusterRegistry now = metadata().registry();
            List<NodeAddress> nodes = now.nodes().stream().map(NodeDescriptor::address).toList();
            List<Integer> voters = now.tryGetGroup(StaticPlacement.METADATA_GROUP).map(GroupPlacement::members)
                    .orElse(List.of());
            return new RpcResponse.Ok(new NodeJoinAnswer(node.identity().clusterId(), joined.nodeId(),
                    node.identity().groupsPerNode(), nodes, voters));
        }, admin);
    }

    private RpcResponse notLeader() {
        int hint = node.leaderHint(StaticPlacement.METADATA_GROUP).orElse(0);
        return new RpcResponse.NotLeader(StaticPlacement.METADATA_GROUP, hint == node.selfId() ? 0 : hint);
    }

    // ---- the metadata leader ----

    private void round() {
        try {
            if (!node.leads(StaticPlacement.METADATA_GROUP) || !metadata().isOpen()) {
                leaderSince = 0;
                return;
            }
            long nowNanos = System.nanoTime();
            if (leaderSince == 0) {
                leaderSince = nowNanos;
            }
            Instant now = clock.instant();
            if (metadata().registry().isEmpty()) {
                bootstrap(now);
                return;
            }
            markNodes(nowNanos, now);
            new MetadataVoters(node, metadata().registry(), frames, config, now, CHANGE_TIMEOUT).reconcile();
            List<PlacementAction> taken = reconciler.reconcile(leaders(nowNanos), live(nowNanos), now);
            if (!taken.isEmpty()) {
                LOG.info("Membership round took {}", taken);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("A membership round failed; the next one plans again", e);
        }
    }

    /** The registry of a cluster created before it: the initial nodes and the static placement (§13, step 13). */
    private void bootstrap(Instant now) {
        NodeIdentity identity = node.identity();
        if (identity.isJoined()) {
            return;
        }
        int nodes = identity.initialNodes().size();
        List<GroupPlacement> groups = new ArrayList<>();
        groups.add(StaticPlacement.metadataGroup(nodes));
        groups.addAll(StaticPlacement.dataGroups(nodes, identity.groupsPerNode()));
        metadata().executeMembership(new MetaCommand.BootstrapMembership(identity.initialNodes(), groups, now));
        LOG.info("Recorded the cluster's {} nodes and {} groups in the registry", nodes, groups.size());
    }

    /** DOWN for a node silent longer than {@link #SILENCE} (counted from this leadership's start), UP once heard. */
    private void markNodes(long nowNanos, Instant now) {
        for (NodeDescriptor described : metadata().registry().nodes()) {
            int id = described.nodeId();
            boolean alive;
            if (id == node.selfId()) {
                alive = true;
            } else {
                long heard = Math.max(lastHeard.getOrDefault(id, leaderSince), leaderSince);
                alive = nowNanos - heard < SILENCE.toNanos();
            }
            if (alive && described.state() == NodeState.DOWN && lastHeard.containsKey(id)) {
                LOG.info("Node {} is UP again", id);
                metadata().executeMembership(new MetaCommand.SetNodeState(id, NodeState.UP, now));
            } else if (!alive && described.state() == NodeState.UP) {
                LOG.info("Node {} is DOWN: no heartbeat for {}", id, SILENCE);
                metadata().executeMembership(new MetaCommand.SetNodeState(id, NodeState.DOWN, now));
            }
        }
    }

    /**
     * The nodes heard from within {@link #LIVE} (and this one): the only ones a leadership is handed to. A node is
     * DOWN only after {@link #SILENCE}, counted from this leadership's start; a leader transfer to a node that died
     * meanwhile kept its group's writes refused until the transfer timed out (s18 failover, cluster.md).
     */
    private Set<Integer> live(long nowNanos) {
        Set<Integer> live = new HashSet<>();
        live.add(node.selfId());
        lastHeard.forEach((nodeId, heard) -> {
            if (nowNanos - heard < LIVE.toNanos()) {
                live.add(nodeId);
            }
        });
        return live;
    }

    /** Each group's leader as the heartbeats heard within {@link #SILENCE} report it. */
    private Map<Long, Integer> leaders(long nowNanos) {
        Map<Long, Integer> leaders = new HashMap<>();
        ledGroups.forEach((nodeId, groups) -> {
            Long heard = lastHeard.get(nodeId);
            if (heard != null && nowNanos - heard < SILENCE.toNanos()) {
                groups.forEach(group -> leaders.put(group, nodeId));
            }
        });
        return leaders;
    }

    /** The reconciler's view of the registry and its commands, on this node as the metadata leader. */
    private final class RegistryOnLeader implements MembershipReconciler.Registry {
        @Override
        public List<NodeDescriptor> nodes() {
            return metadata().registry().nodes();
        }

        @Override
        public List<GroupPlacement> dataGroups() {
            return metadata().registry().dataGroups();
        }

        @Override
        public long allocateGroupId() {
            return metadata().allocateGroupId();
        }

        @Override
        public void submit(MetaCommand command) {
            metadata().executeMembership(command);
        }
    }

    /**
     * Stops the heartbeats, the reconcile loop and the join/member-frame work, interrupting what runs, and waits up to
     * {@link #CLOSE_WAIT} for it to end: the node's RPC and Raft side close after this, and a round still in a
     * membership change or a registration then would fail against them midway (and log it as a failure).
     */
    @Override
    public void close() {
        rounds.shutdownNow();
        heartbeats.shutdownNow();
        admin.shutdownNow();
        long until = System.nanoTime() + CLOSE_WAIT.toNanos();
        try {
            for (ExecutorService executor : List.of(rounds, heartbeats, admin)) {
                if (!executor.awaitTermination(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    LOG.warn("Node {}'s membership work did not stop within {}", node.selfId(), CLOSE_WAIT);
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
