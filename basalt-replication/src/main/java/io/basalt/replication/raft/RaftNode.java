package io.basalt.replication.raft;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.apply.GroupStateMachine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.util.ExitUtils;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.GroupManagementRequest;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.protocol.TransferLeadershipRequest;
import org.apache.ratis.protocol.exceptions.AlreadyExistsException;
import org.apache.ratis.protocol.exceptions.GroupMismatchException;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.statemachine.StateMachine;

/**
 * One node's Raft side: a single {@code RaftServer} (one gRPC port, one storage directory {@code raft/}) hosting a
 * member of each of the node's replication groups (docs/design/cluster.md §2–§3). The server's state-machine
 * registry makes each group's {@link RatisGroupStateMachine} and wires its {@link GroupMember}; groups on disk come
 * back at start. A group's Ratis id is {@code UUID(clusterId, groupId)}.
 *
 * <p>Close it: Ratis leaves non-daemon threads behind (DEPENDENCIES.md). Thread-safe.
 */
public final class RaftNode implements AutoCloseable {
    /** What the node's owner decides for each group it hosts. */
    public interface GroupSetup {
        /** Tells a freshly opened state machine which partitions the group holds (until step 2's records). */
        Consumer<GroupStateMachine> partitionOpener(long groupId);

        /** Builds an epoch's partition leaders over the member's storage, proposing through its replicator. */
        GroupLeadership.EpochFactory epochFactory(long groupId, RatisGroupStateMachine stateMachine,
                RaftReplicator replicator);
    }

    /**
     * The proposer's default window per group: one submission awaiting Ratis' answer (docs/design/cluster.md §7.1).
     * While it is in flight, later writes wait and go together in the next {@link io.basalt.partition.log.MultiEntry}:
     * a group commit, as the single node's local log does. A wide window (64 until s18) submitted each write alone as
     * it arrived, and a 3-node cluster then spent 25-40x the single node's CPU per write on Raft entries (gRPC,
     * protobuf, log workers, commit events); one in flight cut it 5x at 32 connections without slowing one write at
     * a time (docs/design/cluster.md, "Step 15 as built: cluster writes", s18).
     */
    public static final int DEFAULT_WINDOW = 1;

    static {
        // Ratis 3.3.0 answers a gRPC server that cannot bind its port (GrpcServicesImpl.startImpl) with
        // ExitUtils.terminate, which calls System.exit unless disabled: a JVM hosting several nodes (tests, the
        // in-JVM cluster) vanished without a trace when one member's port had been taken (cluster.md "s18
        // robustness"). Disabled, it throws, and start() reports the port instead.
        ExitUtils.disableSystemExit();
    }

    private final String id;
    private final long clusterId;
    /** Ratis' storage directory: each group member's files are in {@code <directory>/<group uuid>/}. */
    private final Path directory;
    private final RaftConfig config;
    private final GroupStorageFactory storageFactory;
    private final GroupSetup setup;
    private final Duration ambiguousTimeout;
    private final int maxInFlight;
    private final ScheduledExecutorService timer;
    /** Submits the groups' entries and handles Ratis' replies, off callers' and Ratis' threads (§7.1). */
    private final ExecutorService submitter;
    /** Tells the groups' leadership listeners, in order, off Ratis' threads (see {@link RatisGroupStateMachine}). */
    private final ExecutorService leadership;
    private final Map<Long, GroupMember> members = new ConcurrentHashMap<>();
    private final ClientId adminClient = ClientId.randomId();
    private final AtomicLong adminCalls = new AtomicLong();
    private volatile RaftServer server;

    private RaftNode(String id, long clusterId, Path directory, RaftConfig config, GroupStorageFactory storageFactory,
            GroupSetup setup, Duration ambiguousTimeout, int maxInFlight) {
        this.id = requireNonNull(id, "id is null");
        this.clusterId = clusterId;
        this.directory = requireNonNull(directory, "directory is null");
        this.config = requireNonNull(config, "config is null");
        this.storageFactory = requireNonNull(storageFactory, "storageFactory is null");
        this.setup = requireNonNull(setup, "setup is null");
        this.ambiguousTimeout = requireNonNull(ambiguousTimeout, "ambiguousTimeout is null");
        this.maxInFlight = maxInFlight;
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "basalt-raft-" + id + "-timer");
            thread.setDaemon(true);
            return thread;
        });
        // Every write schedules its ambiguous-write timeout and cancels it when resolved: drop cancelled ones.
        scheduler.setRemoveOnCancelPolicy(true);
        this.timer = scheduler;
        AtomicLong submitters = new AtomicLong();
        // Unbounded but small: each group runs at most one drain at a time, which may wait inside Ratis for its
        // division's lock (commit processing holds it); a fixed pool let one group's wait hold up the others'
        // submissions. Idle threads go after a minute.
        this.submitter = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "basalt-raft-" + id + "-submit-" + submitters.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.leadership = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "basalt-raft-" + id + "-leadership");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Starts the node's Raft server on {@code host:port} with its storage under {@code directory}; groups found
     * there rejoin.
     *
     * @param maxInFlight the proposer's window per group (§7.1; {@link #DEFAULT_WINDOW} unless a test varies it)
     */
    public static RaftNode start(String id, long clusterId, Path directory, String host, int port, RaftConfig config,
            GroupStorageFactory storageFactory, GroupSetup setup, Duration ambiguousTimeout, int maxInFlight)
            throws IOException {
        RaftNode node = new RaftNode(id, clusterId, directory, config, storageFactory, setup, ambiguousTimeout,
                maxInFlight);
        RaftProperties properties = config.toProperties(directory, host, port);
        StateMachine.Registry registry = raftGroupId -> node.createStateMachine(raftGroupId);
        RaftServer server = RaftServer.newBuilder()
                .setServerId(RaftPeerId.valueOf(id))
                .setProperties(properties)
                .setStateMachineRegistry(registry)
                .build();
        node.server = server;
        try {
            server.start();
        } catch (ExitUtils.ExitException e) {
            node.close();
            throw new IOException("cannot start the Raft server of " + id + " on " + host + ":" + port + ": "
                    + e.getMessage(), e);
        } catch (IOException e) {
            // Ratis' Netty server that cannot bind fails the start with an IOException, after the divisions started
            // (their storage directories locked); Ratis then puts the server back to NEW, whose close() closes
            // nothing, so the divisions are closed here, or a retried start would find the directories locked.
            closeDivisions(server);
            node.close();
            throw new IOException("cannot start the Raft server of " + id + " on " + host + ":" + port + ": "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        return node;
    }

    /** Closes every division a server that failed to start holds (see {@link #start}). */
    private static void closeDivisions(RaftServer server) {
        try {
            for (RaftGroupId groupId : server.getGroupIds()) {
                server.getDivision(groupId).close();
            }
        } catch (IOException | RuntimeException e) {
            // A division that cannot be found or closed was not started: nothing of it is left to release.
        }
    }

    public String id() {
        return id;
    }

    /** The Raft transport this node's server and group clients run on. */
    public RaftTransport transport() {
        return config.transport();
    }

    private RaftServer server() {
        RaftServer current = server;
        if (current == null) {
            throw new IllegalStateException("node " + id + " is not started");
        }
        return current;
    }

    public RaftGroupId raftGroupId(long groupId) {
        return RaftGroupId.valueOf(new UUID(clusterId, groupId));
    }

    private StateMachine createStateMachine(RaftGroupId raftGroupId) {
        long groupId = raftGroupId.getUuid().getLeastSignificantBits();
        RatisGroupStateMachine stateMachine = new RatisGroupStateMachine(groupId, storageFactory,
                setup.partitionOpener(groupId), leadership);
        GroupProposer proposer = new GroupProposer(this::server, raftGroupId, maxInFlight, 1024 * 1024,
                config.appenderByteLimit(), submitter);
        stateMachine.guardAppendsWith(proposer);
        RaftReplicator replicator = new RaftReplicator(proposer, timer, ambiguousTimeout);
        stateMachine.addApplyListener(replicator);
        GroupLeadership leadership = new GroupLeadership(groupId, setup.epochFactory(groupId, stateMachine,
                replicator), stateMachine::lastAppliedIndex, timer);
        // The append guard's generation moves on Ratis' thread, at the leadership change itself (GroupSubmitter
        // fails what waited on its executor); the epochs open and close on the leadership thread after it.
        stateMachine.addLeadershipGuard(new LeadershipListener() {
            @Override
            public void leaderReady(long commitIndex) {
                // Before the leadership's listener opens the epoch: its writes are of the new generation.
                proposer.leaderReady();
            }

            @Override
            public void notLeader() {
                proposer.abandonWaiting();
            }
        });
        stateMachine.addLeadershipListener(leadership);
        stateMachine.addPartitionsListener(leadership);
        members.put(groupId, new GroupMember(groupId, stateMachine, proposer, replicator, leadership,
                new GroupReads(this::server, raftGroupId, submitter, config.transport(),
                        stateMachine::lastAppliedIndex, timer, config.readTimeout())));
        return stateMachine;
    }

    /**
     * Adds this node's member of a new group whose members are {@code peers} (this node among them): the static
     * bootstrap, where every initial member is added with the identical peer list.
     */
    public void addGroup(long groupId, List<RaftPeerAddress> peers) throws IOException {
        add(groupId, peers, List.of());
    }

    /**
     * Adds this node's member of a group whose voters are {@code peers} and whose non-voting members (Ratis
     * listeners: they receive and apply the log, never vote or lead) are {@code listeners}; this node is one of either.
     * A listener of the metadata group holds the catalog on a node that is not one of its voters (docs/design/
     * cluster.md §11, step 13). For an existing group, its leader then sets the same configuration
     * ({@link #requestConfiguration(long, List, List, List, Duration)}).
     */
    public void addGroup(long groupId, List<RaftPeerAddress> peers, List<RaftPeerAddress> listeners)
            throws IOException {
        if (peers.stream().noneMatch(peer -> peer.id().equals(id))
                && listeners.stream().noneMatch(peer -> peer.id().equals(id))) {
            throw new IllegalArgumentException("node " + id + " is neither a peer nor a listener of " + peers + " / "
                    + listeners);
        }
        add(groupId, peers, listeners);
    }

    /**
     * Adds this node's member of an existing group whose configuration its leader is about to change to
     * {@code newPeers} (this node among them; docs/design/cluster.md §13.2): the first half of a membership change,
     * {@link #setConfiguration} on the leader being the second. The member starts empty and catches up from the
     * leader, by log or by snapshot (the leader's checkpoint, §6.5), once the leader's configuration names it.
     *
     * <p>Until then it may start elections with {@code newPeers}; the members of the current configuration refuse
     * it (it is not in theirs), and {@link #setConfiguration} refuses a change in which new members could elect one
     * of themselves without them.
     */
    public void joinGroup(long groupId, List<RaftPeerAddress> newPeers) throws IOException {
        if (newPeers.stream().noneMatch(peer -> peer.id().equals(id))) {
            throw new IllegalArgumentException("node " + id + " is not one of the new peers " + newPeers);
        }
        add(groupId, newPeers, List.of());
    }

    private void add(long groupId, List<RaftPeerAddress> peers, List<RaftPeerAddress> listeners) throws IOException {
        List<RaftPeer> all = new ArrayList<>(GroupClients.voters(peers));
        all.addAll(GroupClients.listeners(listeners));
        RaftGroup group = RaftGroup.valueOf(raftGroupId(groupId), all);
        try {
            addOnce(groupId, group);
        } catch (IOException first) {
            // A failed add leaves its directory behind, and every later add fails with "Failed to FORMAT"
            // (DEPENDENCIES.md): when Ratis has no division for the group, nothing uses the directory; drop it and
            // add again once.
            if (hostsGroup(groupId)) {
                throw first;
            }
            forget(groupId);
            if (!Files.exists(groupDirectory(groupId))) {
                throw first;
            }
            deleteRecursively(groupDirectory(groupId));
            try {
                addOnce(groupId, group);
            } catch (IOException second) {
                if (!hostsGroup(groupId)) {
                    forget(groupId);
                }
                second.addSuppressed(first);
                throw second;
            }
        }
    }

    private void addOnce(long groupId, RaftGroup group) throws IOException {
        RaftClientReply reply;
        try {
            reply = server().groupManagement(GroupManagementRequest.newAdd(adminClient, server().getId(),
                    adminCalls.incrementAndGet(), group));
        } catch (AlreadyExistsException e) {
            // A retried add (DEPENDENCIES.md: adds under load outlive client timeouts): the member is there.
            return;
        }
        if (!reply.isSuccess()) {
            throw new IOException("adding group " + groupId + " to node " + id + " failed: " + reply.getException());
        }
    }

    /**
     * On the group's leader: changes the group's members to {@code newPeers} (Ratis' joint consensus; returns once
     * the new configuration is committed). Members new to the group must have {@link #joinGroup joined} first; Ratis
     * catches them up before it commits the change. A member left out stops taking part; its node then removes its
     * division with {@link #removeGroup}. Uses the {@code List} form of the request: the array overload of
     * {@code AdminApi.setConfiguration} in 3.3.0 sets the listeners twice and no servers (cluster.md §13.2).
     *
     * @throws IllegalArgumentException when the members new to the group would be a majority of {@code newPeers}:
     *     having joined with {@code newPeers}, they could elect one of themselves before the leader reaches them;
     *     change one member at a time instead (1 → 2 → 3)
     * @throws IOException when this node is not the leader, or the change failed (nothing changed, or unknown)
     */
    public void setConfiguration(long groupId, List<RaftPeerAddress> newPeers) throws IOException {
        GroupClients.checkNewMembersAreFew(groupId, peers(groupId), newPeers);
        SetConfigurationRequest.Arguments arguments = SetConfigurationRequest.Arguments.newBuilder()
                .setServersInNewConf(GroupClients.voters(newPeers))
                .setMode(SetConfigurationRequest.Mode.SET_UNCONDITIONALLY)
                .build();
        RaftClientReply reply = server().setConfiguration(new SetConfigurationRequest(adminClient, server().getId(),
                raftGroupId(groupId), adminCalls.incrementAndGet(), arguments));
        if (!reply.isSuccess()) {
            throw new IOException("changing the members of group " + groupId + " to " + newPeers + " on node " + id
                    + " failed: " + reply.getException());
        }
    }

    /**
     * From any node, member of the group or not (the metadata leader's reconcile loop, docs/design/cluster.md §13.2):
     * asks the group's leader, wherever it is, to change the members from {@code currentPeers} to {@code newPeers},
     * as {@link #setConfiguration} does on the leader itself. A Ratis client of the group carries the request over
     * Ratis' own port and follows its NotLeader answers; a request it retries after a timeout finds the change made
     * and succeeds. Members new to the group must have {@link #joinGroup joined} first (on their own node).
     *
     * @throws IllegalArgumentException when the new members would be a majority of {@code newPeers}
     * @throws IOException when no leader made the change within {@code timeout}
     */
    public void requestConfiguration(long groupId, List<RaftPeerAddress> currentPeers,
            List<RaftPeerAddress> newPeers, Duration timeout) throws IOException {
        requestConfiguration(groupId, currentPeers, newPeers, List.of(), timeout);
    }

    /**
     * {@link #requestConfiguration(long, List, List, Duration)} with Ratis listeners (non-voting members that apply
     * the log) in the new configuration; a listener moved into {@code newPeers} becomes a voter (one at a time, as
     * for any new member).
     */
    public void requestConfiguration(long groupId, List<RaftPeerAddress> currentPeers,
            List<RaftPeerAddress> newPeers, List<RaftPeerAddress> newListeners, Duration timeout) throws IOException {
        GroupClients.checkNewMembersAreFew(groupId, currentPeers, newPeers);
        try (RaftClient client = GroupClients.open(config.transport(), raftGroupId(groupId), currentPeers,
                timeout)) {
            RaftClientReply reply = client.admin().setConfiguration(SetConfigurationRequest.Arguments.newBuilder()
                    .setServersInNewConf(GroupClients.voters(newPeers))
                    .setListenersInNewConf(GroupClients.listeners(newListeners))
                    .setMode(SetConfigurationRequest.Mode.SET_UNCONDITIONALLY)
                    .build());
            if (!reply.isSuccess()) {
                throw new IOException("changing the members of group " + groupId + " to " + newPeers + " failed: "
                        + reply.getException());
            }
        }
    }

    /**
     * From any node: asks the group's leader, wherever it is, to hand leadership to {@code newLeaderId} (the
     * reconcile loop's leader spreading, §13.2).
     *
     * @throws IOException when the transfer did not happen within {@code timeout}
     */
    public void requestLeadershipTransfer(long groupId, List<RaftPeerAddress> peers, String newLeaderId,
            Duration timeout) throws IOException {
        try (RaftClient client = GroupClients.open(config.transport(), raftGroupId(groupId), peers, timeout)) {
            RaftClientReply reply = client.admin().transferLeadership(RaftPeerId.valueOf(newLeaderId),
                    timeout.toMillis());
            if (!reply.isSuccess()) {
                throw new IOException("transferring the leadership of group " + groupId + " to " + newLeaderId
                        + " failed: " + reply.getException());
            }
        }
    }

    /**
     * Removes this node's member of the group and deletes its directory (its Ratis log and its database, §3). For a
     * member the group's configuration no longer names; removing one it still names loses a replica. Nothing to do
     * when the node has no member of the group.
     */
    public void removeGroup(long groupId) throws IOException {
        RaftClientReply reply;
        try {
            reply = server().groupManagement(GroupManagementRequest.newRemove(adminClient, server().getId(),
                    adminCalls.incrementAndGet(), raftGroupId(groupId), true, false));
        } catch (GroupMismatchException e) {
            forget(groupId);
            return;
        }
        if (!reply.isSuccess() && !(reply.getException() instanceof GroupMismatchException)) {
            throw new IOException("removing group " + groupId + " from node " + id + " failed: "
                    + reply.getException());
        }
        forget(groupId);
    }

    private void forget(long groupId) {
        GroupMember member = members.remove(groupId);
        if (member != null) {
            member.replicator().close();
            member.reads().close();
        }
    }

    /** The members of the group's current configuration as this node's member knows it (priority included). */
    public List<RaftPeerAddress> peers(long groupId) throws IOException {
        List<RaftPeerAddress> peers = new ArrayList<>();
        for (RaftPeer peer : server().getDivision(raftGroupId(groupId)).getRaftConf().getCurrentPeers()) {
            peers.add(new RaftPeerAddress(peer.getId().toString(), peer.getAddress(), peer.getPriority()));
        }
        peers.sort(Comparator.comparing(RaftPeerAddress::id));
        return peers;
    }

    /** The listeners (non-voting members) of the group's current configuration as this node's member knows it. */
    public List<RaftPeerAddress> listeners(long groupId) throws IOException {
        List<RaftPeerAddress> listeners = new ArrayList<>();
        for (RaftPeer peer : server().getDivision(raftGroupId(groupId)).getRaftConf()
                .getCurrentPeers(RaftPeerRole.LISTENER)) {
            listeners.add(new RaftPeerAddress(peer.getId().toString(), peer.getAddress(), peer.getPriority()));
        }
        listeners.sort(Comparator.comparing(RaftPeerAddress::id));
        return listeners;
    }

    /** The groups this node has a member of (Ratis divisions), in id order. */
    public Set<Long> groupIds() {
        Set<Long> ids = new TreeSet<>();
        for (RaftGroupId groupId : server().getGroupIds()) {
            if (groupId.getUuid().getMostSignificantBits() == clusterId) {
                ids.add(groupId.getUuid().getLeastSignificantBits());
            }
        }
        return ids;
    }

    public boolean hostsGroup(long groupId) {
        RaftGroupId wanted = raftGroupId(groupId);
        for (RaftGroupId hosted : server().getGroupIds()) {
            if (hosted.equals(wanted)) {
                return true;
            }
        }
        return false;
    }

    /** Where Ratis keeps this node's member of the group (its log, and the state machine's {@code sm/}). */
    public Path groupDirectory(long groupId) {
        return directory.resolve(raftGroupId(groupId).getUuid().toString());
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** This node's member of the group. */
    public GroupMember member(long groupId) {
        GroupMember member = members.get(groupId);
        if (member == null) {
            throw new IllegalArgumentException("node " + id + " has no member of group " + groupId);
        }
        return member;
    }

    public Optional<GroupMember> tryMember(long groupId) {
        return Optional.ofNullable(members.get(groupId));
    }

    /** The group's leader as this member knows it. */
    public Optional<String> leaderId(long groupId) throws IOException {
        RaftPeerId leader = server().getDivision(raftGroupId(groupId)).getInfo().getLeaderId();
        return Optional.ofNullable(leader).map(RaftPeerId::toString);
    }

    /** Whether this member is the group's Raft leader and ready (its term's first entry committed). */
    public boolean isReadyLeader(long groupId) throws IOException {
        var info = server().getDivision(raftGroupId(groupId)).getInfo();
        return info.isLeader() && info.isLeaderReady();
    }

    /** Ratis' commit index of this member's log for the group. */
    public long commitIndex(long groupId) throws IOException {
        return server().getDivision(raftGroupId(groupId)).getRaftLog().getLastCommittedIndex();
    }

    /**
     * On the group's leader: whether the member {@code peerId} answered within {@code maxSilence} and has committed
     * to within {@code maxLag} entries of this leader (the preferred-leader hand-back, cluster.md §20).
     */
    public boolean isCaughtUpFollower(long groupId, String peerId, Duration maxSilence, long maxLag)
            throws IOException {
        return FollowerProgress.isCaughtUp(server().getDivision(raftGroupId(groupId)), peerId, maxSilence, maxLag);
    }

    /** Ratis' first index still in this member's log for the group (what a purge left). */
    public long logStartIndex(long groupId) throws IOException {
        return server().getDivision(raftGroupId(groupId)).getRaftLog().getStartIndex();
    }

    /**
     * Asks this node, the group's leader, to hand leadership to {@code newLeaderId} (waits up to {@code timeout}).
     *
     * @throws IOException when the transfer did not happen
     */
    public void transferLeadership(long groupId, String newLeaderId, Duration timeout) throws IOException {
        RaftClientReply reply = server().transferLeadership(new TransferLeadershipRequest(adminClient,
                server().getId(), raftGroupId(groupId), adminCalls.incrementAndGet(), RaftPeerId.valueOf(newLeaderId),
                timeout.toMillis()));
        if (!reply.isSuccess()) {
            throw new IOException("transferring the leadership of group " + groupId + " to " + newLeaderId
                    + " failed: " + reply.getException());
        }
    }

    /** Stops the server (taking a snapshot of each group first, as configured) and the node's timer. */
    @Override
    public void close() throws IOException {
        try {
            RaftServer current = server;
            if (current != null) {
                current.close();
            }
        } finally {
            members.values().forEach(member -> {
                member.replicator().close();
                member.reads().close();
            });
            timer.shutdownNow();
            submitter.shutdownNow();
            leadership.shutdownNow();
        }
    }
}
