package io.basalt.cluster.node;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.ClusterPartitions;
import io.basalt.cluster.DaemonThreads;
import io.basalt.cluster.GroupGlobalIndexes;
import io.basalt.cluster.ClusterRegistry;
import io.basalt.cluster.MetaCommand;
import io.basalt.cluster.MetadataGroup;
import io.basalt.cluster.TableDefinition;
import io.basalt.cluster.TableMetadata;
import io.basalt.cluster.rpc.MetaCommandAnswer;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import io.basalt.partition.apply.GroupStateMachine;
import io.basalt.partition.log.MetaEntry;
import io.basalt.replication.GlobalIndexLeader;
import io.basalt.replication.PartitionLeader;
import io.basalt.replication.raft.GroupLeadership;
import io.basalt.replication.raft.GroupStorageFactory;
import io.basalt.replication.raft.RaftConfig;
import io.basalt.replication.raft.RaftNode;
import io.basalt.replication.raft.RaftPeerAddress;
import io.basalt.replication.raft.RaftReplicator;
import io.basalt.replication.raft.RaftTransport;
import io.basalt.replication.raft.RatisGroupStateMachine;
import io.basalt.storage.StorageReader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster node's Raft side (docs/design/cluster.md §3, §13.1): reads {@code node.json}, starts one {@link RaftNode}
 * on the node's Ratis port over {@code raft/} and hosts this node's members of the metadata group (group 0) and of
 * data groups. On an initial node's first start each member of the static placement is added with the placement's
 * peers (every initial node builds the identical groups); at later starts Ratis reopens the groups it finds on disk,
 * and once the registry records the groups, members change only by the metadata leader's reconcile loop ({@link
 * NodeMembership}). A joined node starts with none. The metadata group's member keeps this node's catalog ({@link
 * MetadataGroup}); the node answers {@link ClusterTopology} from it, the placement and Ratis' leader knowledge, and
 * {@link ClusterPartitions} through {@link MemberPartitions} (its members' partitions, reads and refusals).
 *
 * <p>Thread-safe. Close it: Ratis leaves non-daemon threads behind.
 */
public final class ClusterNode implements ClusterTopology, ClusterPartitions, AutoCloseable {
    private static final Duration AMBIGUOUS_TIMEOUT = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);

    private final NodeIdentity identity;
    /** The static placement of an initial node's cluster: the groups until the registry records them (§13.1). */
    private final Map<Long, GroupPlacement> staticGroups;
    private final MetadataGroup metadata;
    private final RaftNode raft;
    private final ExecutorService partitionPool;
    private final ScheduledExecutorService reconciler;
    /** Runs {@link PreferredLeaders}: its transfers wait up to 2 s, which must not hold the partitions' reconcile. */
    private final ScheduledExecutorService handBack;
    /** What the data groups' epochs build for global secondary indexes (cluster.md §15). */
    private final GroupGlobalIndexes globalIndexes;
    /** The partitions of this node's members, as the serving side reaches them. */
    private final MemberPartitions partitions;

    private ClusterNode(NodeIdentity identity, Map<Long, GroupPlacement> staticGroups, MetadataGroup metadata,
            RaftNode raft, ExecutorService partitionPool, ScheduledExecutorService reconciler,
            GroupGlobalIndexes globalIndexes) {
        this.identity = identity;
        this.staticGroups = staticGroups;
        this.metadata = metadata;
        this.raft = raft;
        this.partitionPool = partitionPool;
        this.reconciler = reconciler;
        this.handBack = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("basalt-node-"
                + identity.nodeId() + "-preferred-"));
        this.globalIndexes = globalIndexes;
        this.partitions = new MemberPartitions(raft, globalIndexes, identity.nodeId());
    }

    /**
     * Starts the node whose directory is {@code nodeDirectory} (holding {@code node.json}).
     *
     * @param config Ratis' settings; its transport must be the one {@code node.json} records (§18: a node on another
     *     than its peers' cannot talk to them)
     * @param storage opens each member's database (the opener chooses the engine: basalt-cluster sees none)
     * @throws IOException when {@code node.json} cannot be read or Ratis cannot start (a port taken, for one)
     * @throws IllegalArgumentException when {@code config}'s transport is not the recorded one
     */
    public static ClusterNode start(Path nodeDirectory, RaftConfig config, GroupStorageFactory storage)
            throws IOException {
        NodeIdentity identity = NodeIdentityFile.read(nodeDirectory);
        identity.transportFor(Optional.of(config.transport()));
        Map<Long, GroupPlacement> groups = new LinkedHashMap<>();
        // A joined node has no static placement: the metadata leader gives it members (GROUP_MEMBER_ADD, §13.2).
        int nodes = identity.initialNodes().size();
        if (!identity.isJoined()) {
            groups.put(StaticPlacement.METADATA_GROUP, StaticPlacement.metadataGroup(nodes));
            for (GroupPlacement group : StaticPlacement.dataGroups(nodes, identity.groupsPerNode())) {
                groups.put(group.groupId(), group);
            }
        }
        NodeAddress self = identity.self();
        AtomicReference<RaftNode> started = new AtomicReference<>();
        MetadataGroup metadata = new MetadataGroup(entry -> metadataProposal(started.get(), entry));
        String name = "basalt-node-" + identity.nodeId();
        ExecutorService partitionPool = Executors.newFixedThreadPool(Math.max(2,
                Runtime.getRuntime().availableProcessors()), DaemonThreads.named(name + "-partition-"));
        ScheduledExecutorService reconciler = Executors.newSingleThreadScheduledExecutor(
                DaemonThreads.named(name + "-reconcile-"));
        GroupGlobalIndexes globalIndexes = new GroupGlobalIndexes(metadata, Clock.systemUTC(), name + "-");
        DataGroupPartitions dataGroups = new DataGroupPartitions(metadata, started::get, partitionPool, reconciler,
                globalIndexes);
        RaftNode raft;
        try {
            raft = RaftNode.start(self.raftPeerId(), identity.clusterId(), nodeDirectory.resolve("raft"),
                    self.host(), self.raftPort(), config, storage, new Setup(metadata, dataGroups), AMBIGUOUS_TIMEOUT,
                    RaftNode.DEFAULT_WINDOW);
        } catch (IOException | RuntimeException e) {
            partitionPool.shutdownNow();
            reconciler.shutdownNow();
            globalIndexes.close();
            throw e;
        }
        started.set(raft);
        ClusterNode node = new ClusterNode(identity, Map.copyOf(groups), metadata, raft, partitionPool, reconciler,
                globalIndexes);
        try {
            node.addMissingMembers();
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        }
        // A data group's leader follows the catalog: at each change, and once a second in case a proposal failed.
        metadata.addChangeListener(dataGroups::reconcileSoon);
        metadata.addChangeListener(globalIndexes::catalogChanged);
        reconciler.scheduleWithFixedDelay(() -> {
            try {
                dataGroups.reconcileAll();
            } catch (RuntimeException e) {
                LOG.warn("Reconciling the data groups' partitions failed; retried in a second", e);
            }
        }, 1, 1, TimeUnit.SECONDS);
        PreferredLeaders preferred = new PreferredLeaders(raft, identity.nodeId(), node::groups, node::node,
                Clock.systemUTC());
        node.handBack.scheduleWithFixedDelay(() -> {
            try {
                preferred.run();
            } catch (RuntimeException e) {
                LOG.warn("Handing groups to their preferred leaders failed; retried in a second", e);
            }
        }, 1, 1, TimeUnit.SECONDS);
        return node;
    }


    private static CompletableFuture<Void> metadataProposal(RaftNode raft, MetaEntry entry) {
        if (raft == null || raft.tryMember(StaticPlacement.METADATA_GROUP).isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalStateException("this node hosts no member of the "
                    + "metadata group"));
        }
        return raft.member(StaticPlacement.METADATA_GROUP).proposer().proposeMeta(entry);
    }

    /**
     * The first start of an initial node: the members the static placement gives it. Once the registry holds the
     * groups (the metadata leader bootstraps it), members change only by the leader's reconcile loop; a restarted
     * node's members are the divisions Ratis reopens.
     */
    private void addMissingMembers() throws IOException {
        if (metadata.isOpen() && !metadata.registry().isEmpty()) {
            addRegisteredMembers(metadata.registry());
            return;
        }
        for (GroupPlacement group : staticGroups.values()) {
            if (group.members().contains(identity.nodeId()) && raft.tryMember(group.groupId()).isEmpty()) {
                List<RaftPeerAddress> peers = new ArrayList<>();
                for (int member : group.members()) {
                    NodeAddress address = identity.initialNodes().get(member - 1);
                    // Every member at priority 0: PreferredLeaders hands the group to its preferred one (§20).
                    peers.add(new RaftPeerAddress(address.raftPeerId(), address.raftAddress()));
                }
                raft.addGroup(group.groupId(), peers);
            }
        }
    }

    /**
     * A restart once the registry holds the groups: the members it names on this node that Ratis did not reopen (a
     * directory lost, or an add that did not complete) are added with the registry's peers and catch up from their
     * group's leader. A registry read from this node's own storage may be a little behind: a member added here that
     * was moved away meanwhile is not in its group's configuration, and is removed once the registry no longer names
     * it ({@link NodeMembership}).
     */
    private void addRegisteredMembers(ClusterRegistry registry) throws IOException {
        for (GroupPlacement group : registry.groups()) {
            if (!group.members().contains(identity.nodeId()) || raft.tryMember(group.groupId()).isPresent()) {
                continue;
            }
            List<RaftPeerAddress> peers = new ArrayList<>();
            for (int member : group.members()) {
                Optional<NodeDescriptor> node = registry.tryGetNode(member);
                if (node.isEmpty()) {
                    peers = null;
                    break;
                }
                NodeAddress address = node.get().address();
                peers.add(new RaftPeerAddress(address.raftPeerId(), address.raftAddress()));
            }
            if (peers != null) {
                LOG.info("Adding this node's member of group {}, which the registry names", group.groupId());
                raft.addGroup(group.groupId(), peers);
            }
        }
    }

    /**
     * What each member runs: the metadata group's member feeds this node's catalog ({@link MetadataGroup}); a data
     * group's state machine reopens its partitions from its own storage, and its epochs build their leaders from the
     * catalog ({@link DataGroupPartitions}).
     */
    private record Setup(MetadataGroup metadata, DataGroupPartitions dataGroups) implements RaftNode.GroupSetup {
        @Override
        public Consumer<GroupStateMachine> partitionOpener(long groupId) {
            return groupId == StaticPlacement.METADATA_GROUP ? metadata::attach : machine -> { };
        }

        @Override
        public GroupLeadership.EpochFactory epochFactory(long groupId, RatisGroupStateMachine stateMachine,
                RaftReplicator replicator) {
            return groupId == StaticPlacement.METADATA_GROUP ? epoch -> Map.of()
                    : dataGroups.epochFactory(groupId, stateMachine, replicator);
        }
    }

    public NodeIdentity identity() {
        return identity;
    }

    /**
     * Every group of the cluster, by id (the metadata group and the data groups): the registry's once the metadata
     * leader has recorded them (§13, step 13), before that the static placement of the initial nodes.
     */
    public Map<Long, GroupPlacement> groups() {
        Optional<ClusterRegistry> registry = registry();
        if (registry.isEmpty()) {
            return staticGroups;
        }
        Map<Long, GroupPlacement> groups = new LinkedHashMap<>();
        registry.get().groups().forEach(group -> groups.put(group.groupId(), group));
        return groups;
    }

    /** The registry of this node's catalog, when its metadata member is open and the registry recorded anything. */
    public Optional<ClusterRegistry> registry() {
        if (!metadata.isOpen()) {
            return Optional.empty();
        }
        ClusterRegistry registry = metadata.registry();
        return registry.isEmpty() ? Optional.empty() : Optional.of(registry);
    }

    /** The groups this node hosts a member of, in id order. */
    public List<Long> hostedGroups() {
        return groups().values().stream().filter(group -> group.members().contains(identity.nodeId()))
                .map(GroupPlacement::groupId).sorted().toList();
    }

    /** This node's Raft server, for tests that look at members. */
    public RaftNode raft() {
        return raft;
    }

    /**
     * The Raft transport this node runs on: the one its {@code node.json} records ({@link #start} refuses another),
     * or for a {@code node.json} from before s21, which records none, the one it was started with.
     */
    public RaftTransport raftTransport() {
        return raft.transport();
    }

    /** This node's copy of the catalog (its metadata-group member's applied state). */
    public MetadataGroup metadata() {
        return metadata;
    }

    /**
     * Creates a table through the metadata group on this node, which must lead it (tests; clients go through the
     * {@link ClusterControlPlane}, which forwards to the leader).
     *
     * @throws RuntimeException the metadata group's refusal when this node does not lead it (nothing applied)
     */
    public TableMetadata createTable(TableDefinition definition) {
        Instant now = Instant.now();
        return executeMeta(new MetaCommand.CreateTable(MetadataGroup.draft(definition, now, Duration.ZERO)), now)
                .table();
    }

    /**
     * Evaluates a table command on this node's member of the metadata group, which must lead it: new tables and
     * global indexes get {@link #partitionsPerTable()} partitions each, placed in the data groups with the fewest
     * partitions (§13.2).
     */
    MetaCommandAnswer executeMeta(MetaCommand command, Instant now) {
        return metadata.execute(command, now, partitionsPerTable(), this::placePartitions);
    }

    /** How many partitions a new table (and each of its global indexes) gets: enough to give every data group one. */
    public int partitionsPerTable() {
        return Math.max(4, groups().size() - 1);
    }

    /** The data groups of {@code count} new partitions, each to the group with the fewest partitions (§13.2). */
    private List<Long> placePartitions(int count) {
        Map<Long, Integer> counts = new HashMap<>();
        groups().keySet().stream().filter(id -> id != StaticPlacement.METADATA_GROUP)
                .forEach(id -> counts.put(id, 0));
        for (TableMetadata table : metadata.tables()) {
            table.partitions().forEach(partition -> counts.computeIfPresent(partition.groupId(),
                    (group, partitions) -> partitions + 1));
            table.indexPartitions().forEach(partition -> counts.computeIfPresent(partition.groupId(),
                    (group, partitions) -> partitions + 1));
        }
        List<Long> placed = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long group = StaticPlacement.groupForNewPartition(counts);
            counts.merge(group, 1, Integer::sum);
            placed.add(group);
        }
        return placed;
    }

    @Override
    public Optional<Long> groupOf(PartitionId partition) {
        requireNonNull(partition, "partition is null");
        for (TableMetadata table : metadata.tables()) {
            for (PartitionDescriptor descriptor : table.partitions()) {
                if (descriptor.id().equals(partition)) {
                    return Optional.of(descriptor.groupId());
                }
            }
            for (PartitionDescriptor descriptor : table.indexPartitions()) {
                if (descriptor.id().equals(partition)) {
                    return Optional.of(descriptor.groupId());
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public List<Integer> members(long groupId) {
        GroupPlacement group = groups().get(groupId);
        return group == null ? List.of() : group.members();
    }

    @Override
    public OptionalInt leaderHint(long groupId) {
        return partitions.leaderHint(groupId);
    }

    @Override
    public Optional<NodeAddress> node(int nodeId) {
        Optional<NodeAddress> registered = registry().flatMap(registry -> registry.tryGetNode(nodeId))
                .map(NodeDescriptor::address);
        if (registered.isPresent()) {
            return registered;
        }
        return identity.knownNodes().stream().filter(node -> node.nodeId() == nodeId).findFirst();
    }

    @Override
    public int selfId() {
        return identity.nodeId();
    }

    /** The groups whose Raft leader this node's member is now (its heartbeat reports them, §13.1). */
    public List<Long> ledGroups() {
        List<Long> led = new ArrayList<>();
        for (long groupId : raft.groupIds()) {
            if (leads(groupId)) {
                led.add(groupId);
            }
        }
        return led;
    }

    /** Whether this node's member of the group is its Raft leader and ready. */
    public boolean leads(long groupId) {
        try {
            return raft.tryMember(groupId).isPresent() && raft.isReadyLeader(groupId);
        } catch (IOException e) {
            return false;
        }
    }

    // ---- ClusterPartitions: the partitions of this node's members (MemberPartitions) ----

    @Override
    public PartitionLeader leader(long groupId, PartitionId partition) {
        return partitions.leader(groupId, partition);
    }

    @Override
    public GlobalIndexLeader indexLeader(long groupId, PartitionId partition) {
        return partitions.indexLeader(groupId, partition);
    }

    @Override
    public GroupGlobalIndexes globalIndexes() {
        return partitions.globalIndexes();
    }

    @Override
    public <T> T read(long groupId, boolean consistent, Function<StorageReader, T> read) {
        return partitions.read(groupId, consistent, read);
    }

    @Override
    public <T> T readReplica(long groupId, Function<StorageReader, T> read) {
        return partitions.readReplica(groupId, read);
    }

    @Override
    public <T> CompletableFuture<T> readAsync(long groupId, boolean consistent, Function<StorageReader, T> read) {
        return partitions.readAsync(groupId, consistent, read);
    }

    @Override
    public List<PartitionLeader> ledPartitions() {
        return partitions.ledPartitions();
    }

    @Override
    public Throwable routingFailure(Throwable failure) {
        return partitions.routingFailure(failure);
    }

    @Override
    public void close() throws IOException {
        reconciler.shutdownNow();
        handBack.shutdownNow();
        try {
            raft.close();
        } finally {
            globalIndexes.close();
            partitionPool.shutdownNow();
        }
    }
}
