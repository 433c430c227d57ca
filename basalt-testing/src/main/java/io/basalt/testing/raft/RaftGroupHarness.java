package io.basalt.testing.raft;

import static java.util.Objects.requireNonNull;

import io.basalt.model.AttributeType;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import io.basalt.replication.PartitionLeader;
import io.basalt.replication.raft.GroupMember;
import io.basalt.replication.raft.GroupStorageFactory;
import io.basalt.replication.raft.RaftConfig;
import io.basalt.replication.raft.RaftNode;
import io.basalt.replication.raft.RaftPeerAddress;
import io.basalt.storage.rocksdb.RocksDbResources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * N Raft nodes in one JVM, each a {@link RaftNode} on 127.0.0.1 with a free port (bound to port 0 first) and its own
 * directory, all members of the same groups (or the first few of them: {@link Builder#initialMembers}; more nodes
 * and membership changes with {@link #addNode} and {@link #changeMembers}), each member on its own RocksDB
 * (sharing its node's {@link RocksDbResources}) or, when asked, in memory. Group {@code g} holds
 * {@code partitionsPerGroup} partitions of table {@link #tableId tableId(g)}, whose items have one string hash key
 * {@code pk}. Nodes can be stopped (their directories stay) and restarted on the same port. Close it: Ratis leaves
 * non-daemon threads behind. What a group holds is {@link HarnessGroupSetup}'s; the waits and comparisons over the
 * running members (leaders, checksums, convergence) are {@link RaftGroupChecks}'.
 */
public final class RaftGroupHarness implements AutoCloseable {
    /** The key schema of every harness table. */
    public static final KeySchema SCHEMA = KeySchema.of(new KeyAttribute("pk", AttributeType.S));
    /** How long a (re)start waits for its node's port while another process holds it (see startNode). */
    private static final Duration PORT_WAIT = Duration.ofSeconds(10);

    private final Path directory;
    private final RaftConfig config;
    private final List<Long> groups;
    private final int partitionsPerGroup;
    private final Duration ambiguousTimeout;
    private final int maxInFlight;
    private final boolean inMemory;
    private final int initialMembers;
    /** Each group's members (node indexes), as the harness last configured them. */
    private final Map<Long, List<Integer>> membership = new ConcurrentHashMap<>();
    private final List<Integer> ports = new ArrayList<>();
    private final List<RaftNode> nodes = new ArrayList<>();
    private final List<RocksDbResources> resources = new ArrayList<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(4, runnable -> {
        Thread thread = new Thread(runnable, "raft-harness-sequencer");
        thread.setDaemon(true);
        return thread;
    });
    /** The waits and comparisons over the running members (leaders, checksums, convergence). */
    private final RaftGroupChecks checks = new RaftGroupChecks(this);

    private RaftGroupHarness(Builder builder) {
        this.directory = builder.directory;
        this.config = builder.config;
        this.groups = List.copyOf(builder.groups);
        this.partitionsPerGroup = builder.partitionsPerGroup;
        this.ambiguousTimeout = builder.ambiguousTimeout;
        this.maxInFlight = builder.maxInFlight;
        this.inMemory = builder.inMemory;
        this.initialMembers = builder.initialMembers;
    }

    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    /** The harness' options; {@link #start()} builds and starts it. */
    public static final class Builder {
        private final Path directory;
        private int nodes = 3;
        private List<Long> groups = List.of(1L);
        private int partitionsPerGroup = 1;
        private RaftConfig config = testConfig();
        private Duration ambiguousTimeout = Duration.ofSeconds(10);
        private int maxInFlight = RaftNode.DEFAULT_WINDOW;
        private boolean inMemory;
        private int initialMembers = -1;

        private Builder(Path directory) {
            this.directory = requireNonNull(directory, "directory is null");
        }

        public Builder nodes(int count) {
            this.nodes = count;
            return this;
        }

        public Builder groups(List<Long> ids) {
            this.groups = List.copyOf(ids);
            return this;
        }

        public Builder partitionsPerGroup(int count) {
            this.partitionsPerGroup = count;
            return this;
        }

        public Builder config(RaftConfig raftConfig) {
            this.config = requireNonNull(raftConfig, "raftConfig is null");
            return this;
        }

        public Builder ambiguousTimeout(Duration timeout) {
            this.ambiguousTimeout = requireNonNull(timeout, "timeout is null");
            return this;
        }

        public Builder maxInFlight(int window) {
            this.maxInFlight = window;
            return this;
        }

        /** Members on in-memory storage (snapshots are sorted dumps) instead of RocksDB. */
        public Builder inMemory(boolean enabled) {
            this.inMemory = enabled;
            return this;
        }

        /**
         * Every group starts with members on the first {@code count} nodes only (default: on every node); the
         * others start with no member, ready for {@link RaftGroupHarness#changeMembers}.
         */
        public Builder initialMembers(int count) {
            this.initialMembers = count;
            return this;
        }

        public RaftGroupHarness start() throws IOException {
            RaftGroupHarness harness = new RaftGroupHarness(this);
            try {
                harness.startAll(nodes);
            } catch (IOException | RuntimeException e) {
                harness.close();
                throw e;
            }
            return harness;
        }
    }

    /**
     * The design's settings with timers for tests: elections in 0.5–1 s (the lease is 0.9 × 0.5 s), a first
     * election in 200–400 ms.
     */
    public static RaftConfig testConfig() {
        RaftConfig defaults = RaftConfig.defaults().withElectionTimeouts(Duration.ofMillis(500),
                Duration.ofMillis(1000));
        return new RaftConfig(defaults.electionTimeoutMin(), defaults.electionTimeoutMax(), Duration.ofMillis(200),
                Duration.ofMillis(400), defaults.slownessTimeout(), defaults.leaderLease(),
                defaults.leaderLeaseRatio(), Duration.ofSeconds(3), defaults.appenderByteLimit(),
                defaults.writeBufferSize(), defaults.segmentSizeMax(), defaults.preallocatedSize(),
                defaults.segmentCacheNumMax(), defaults.segmentCacheSizeMax(), defaults.appenderRetryPolicy(),
                defaults.snapshotChunkSizeMax(), defaults.snapshotAutoTriggerThreshold(),
                defaults.purgeUptoSnapshotIndex(), defaults.purgePreservationLogNum(), defaults.purgeGap(),
                defaults.writeElementLimit(), defaults.writeByteLimit(), defaults.transport());
    }

    public static long tableId(long groupId) {
        return 100 + groupId;
    }

    /**
     * The partition at position {@code index} of a group's table: its hash range is the {@code index}-th of
     * {@link #partitionsPerGroup()} equal ranges, its id {@code 1000 × groupId + 1 + index}.
     */
    public PartitionDescriptor descriptor(long groupId, int index) {
        return PartitionDescriptor.equalRanges(tableId(groupId), KeyLayout.BASE_TABLE_INDEX, 1000 * groupId + 1,
                partitionsPerGroup, groupId).get(index);
    }

    public PartitionId partition(long groupId, int index) {
        return descriptor(groupId, index).id();
    }

    public int partitionsPerGroup() {
        return partitionsPerGroup;
    }

    private void startAll(int count) throws IOException {
        for (int i = 0; i < count; i++) {
            ports.add(TakenPorts.freePort());
            nodes.add(null);
            resources.add(null);
        }
        for (int i = 0; i < count; i++) {
            startNode(i);
        }
        int hosting = initialMembers < 0 ? count : initialMembers;
        if (hosting < 1 || hosting > count) {
            throw new IllegalArgumentException("initial members must be 1.." + count + ": " + hosting);
        }
        List<Integer> initial = new ArrayList<>();
        for (int i = 0; i < hosting; i++) {
            initial.add(i);
        }
        for (long group : groups) {
            membership.put(group, List.copyOf(initial));
            for (int i : initial) {
                nodes.get(i).addGroup(group, peers(initial));
            }
        }
    }

    /** The node's Ratis address ({@code host:port}). */
    public String raftAddress(int node) {
        return "127.0.0.1:" + ports.get(node);
    }

    private List<RaftPeerAddress> peers(List<Integer> members) {
        List<RaftPeerAddress> peers = new ArrayList<>();
        for (int i : members) {
            peers.add(new RaftPeerAddress(nodeId(i), raftAddress(i)));
        }
        return peers;
    }

    /** Starts one more node, with no member of any group; returns its index. */
    public int addNode() throws IOException {
        int node = nodes.size();
        ports.add(TakenPorts.freePort());
        nodes.add(null);
        resources.add(null);
        startNode(node);
        return node;
    }

    /** The group's members (node indexes), as last configured. */
    public List<Integer> members(long groupId) {
        return membership.get(groupId);
    }

    /**
     * Changes the group's members to {@code newMembers} (docs/design/cluster.md §13.2): each node new to the group
     * joins it with the new peer list, the group's leader sets the new configuration (retried on a leader change
     * until {@code timeout}), and each running node left out removes its member and directory.
     */
    public void changeMembers(long groupId, List<Integer> newMembers, Duration timeout) throws IOException {
        List<Integer> current = members(groupId);
        List<RaftPeerAddress> newPeers = peers(newMembers);
        for (int node : newMembers) {
            if (!current.contains(node)) {
                node(node).joinGroup(groupId, newPeers);
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            int leader = awaitLeader(groupId, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            try {
                node(leader).setConfiguration(groupId, newPeers);
                break;
            } catch (IOException e) {
                // The leader moved (or lost its majority for a moment): ask the next one.
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                RaftGroupChecks.sleep(100);
            }
        }
        membership.put(groupId, List.copyOf(newMembers));
        for (int node : current) {
            if (!newMembers.contains(node) && isRunning(node)) {
                node(node).removeGroup(groupId);
            }
        }
    }

    /** Records the group's members after a change made without {@link #changeMembers} (by a test itself). */
    public void recordMembers(long groupId, List<Integer> members) {
        membership.put(groupId, List.copyOf(members));
    }

    /** Where a node keeps its member of the group (present while it has one). */
    public Path groupDirectory(int node, long groupId) {
        return node(node).groupDirectory(groupId);
    }

    static String nodeId(int node) {
        return "n" + (node + 1);
    }

    private void startNode(int node) throws IOException {
        startNode(node, PORT_WAIT);
    }

    /**
     * Starts a node on its port. A port is chosen free once and kept (the peers know the member by it), so between a
     * stop and a restart — or between choosing it and the first start — another process may hold it for a moment:
     * on a busy machine an outgoing connection (the peers' own reconnect attempts among them) can take a freed
     * port as its local one. While the port cannot be bound the start is retried, up to {@code portWait}.
     */
    private void startNode(int node, Duration portWait) throws IOException {
        long deadline = System.nanoTime() + portWait.toNanos();
        while (true) {
            RocksDbResources shared = RocksDbResources.create(32L * 1024 * 1024, 16L * 1024 * 1024);
            try {
                RaftNode started = RaftNode.start(nodeId(node), 0x6261_7361_6c74L,
                        directory.resolve("node-" + (node + 1)), "127.0.0.1", ports.get(node), config,
                        inMemory ? GroupStorageFactory.inMemory() : GroupStorageFactory.rocksDb(shared),
                        new HarnessGroupSetup(this, pool), ambiguousTimeout, maxInFlight);
                resources.set(node, shared);
                nodes.set(node, started);
                return;
            } catch (IOException | RuntimeException e) {
                shared.close();
                if (!(TakenPorts.isBindFailure(e) || !TakenPorts.isFree(ports.get(node)))
                        || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for port " + ports.get(node), e);
            }
        }
    }

    public int nodeCount() {
        return nodes.size();
    }

    public boolean isRunning(int node) {
        return nodes.get(node) != null;
    }

    public RaftNode node(int node) {
        RaftNode running = nodes.get(node);
        if (running == null) {
            throw new IllegalStateException("node " + node + " is stopped");
        }
        return running;
    }

    public GroupMember member(int node, long groupId) {
        return node(node).member(groupId);
    }

    /** Waits until a running node has an open epoch for the group, and returns it. */
    public int awaitLeader(long groupId, Duration timeout) {
        return checks.awaitLeader(groupId, timeout);
    }

    /**
     * Waits until the group has one leader that its running members agree on, and returns it: that node's epoch is
     * open, no other running node's is, and every running member's Ratis names it as the leader. Unlike
     * {@link #awaitLeader}, never a deposed leader whose epoch has not closed yet (a node learns of a newer term, and
     * closes its epoch, a moment after the others elected), so a test can ask it for what only the leader does.
     */
    public int awaitAgreedLeader(long groupId, Duration timeout) {
        return checks.awaitAgreedLeader(groupId, timeout);
    }

    /** The partition's leader in the current epoch of {@code node}. */
    public PartitionLeader leader(int node, long groupId, int partitionIndex) {
        return member(node, groupId).leadership().leader(partition(groupId, partitionIndex));
    }

    /** Stops a node (its directory stays for {@link #restart}). */
    public void stop(int node) throws IOException {
        RaftNode running = nodes.set(node, null);
        if (running != null) {
            running.close();
        }
        RocksDbResources shared = resources.set(node, null);
        if (shared != null) {
            shared.close();
        }
    }

    /** Starts a stopped node again on its port, from its directory. */
    public void restart(int node) throws IOException {
        restart(node, PORT_WAIT);
    }

    /**
     * Starts a stopped node again on its port, from its directory, waiting up to {@code portWait} while something
     * else holds the port.
     *
     * @throws IOException naming the port when it stayed taken
     */
    public void restart(int node, Duration portWait) throws IOException {
        if (nodes.get(node) != null) {
            throw new IllegalStateException("node " + node + " is running");
        }
        startNode(node, portWait);
    }

    /** The Raft port of {@code node}, kept across restarts. */
    public int port(int node) {
        return ports.get(node);
    }

    /**
     * A digest of every key and value in the member's storage (SHA-256 over length-prefixed pairs in key order),
     * with the pair count.
     */
    public String checksum(int node, long groupId) {
        return checks.checksum(node, groupId);
    }

    /**
     * Waits until every running member of the group has applied the same index and holds the same data.
     *
     * @return the common checksum
     */
    public String awaitConverged(long groupId, Duration timeout) {
        return checks.awaitConverged(groupId, timeout);
    }

    /** The running node at index {@code node}, or null while it is stopped. */
    RaftNode runningNode(int node) {
        return nodes.get(node);
    }

    @Override
    public void close() {
        List<Exception> failures = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            try {
                stop(i);
            } catch (IOException | RuntimeException e) {
                failures.add(e);
            }
        }
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!failures.isEmpty()) {
            UncheckedIOException failure = new UncheckedIOException(new IOException("closing the harness failed",
                    failures.get(0)));
            failures.subList(1, failures.size()).forEach(failure::addSuppressed);
            throw failure;
        }
    }
}
