package io.basalt.cluster.node;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.MetaCommand;
import io.basalt.cluster.MetadataGroup;
import io.basalt.cluster.TableDefinition;
import io.basalt.cluster.TableMetadata;
import io.basalt.cluster.rpc.MetaCommandAnswer;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import io.basalt.partition.apply.GroupStateMachine;
import io.basalt.partition.log.MetaEntry;
import io.basalt.replication.raft.GroupLeadership;
import io.basalt.replication.raft.GroupStorageFactory;
import io.basalt.replication.raft.RaftConfig;
import io.basalt.replication.raft.RaftNode;
import io.basalt.replication.raft.RaftPeerAddress;
import io.basalt.replication.raft.RaftReplicator;
import io.basalt.replication.raft.RatisGroupStateMachine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
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
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A cluster node's Raft side (docs/design/cluster.md §3, §13.1): reads {@code node.json}, starts one {@link RaftNode}
 * on the node's Ratis port over {@code raft/} and hosts this node's members of the metadata group (group 0) and of
 * the data groups the static placement gives it. On the first start each member is added with the placement's peers
 * (every initial node builds the identical groups); at later starts Ratis reopens the groups it finds on disk and
 * only members still missing are added. The metadata group's member keeps this node's catalog ({@link
 * MetadataGroup}); the node answers {@link ClusterTopology} from it, the placement and Ratis' leader knowledge.
 *
 * <p>Thread-safe. Close it: Ratis leaves non-daemon threads behind.
 */
public final class ClusterNode implements ClusterTopology, AutoCloseable {
    private static final Duration AMBIGUOUS_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_IN_FLIGHT = 64;

    private final NodeIdentity identity;
    private final Map<Long, GroupPlacement> groups;
    private final MetadataGroup metadata;
    private final RaftNode raft;

    private ClusterNode(NodeIdentity identity, Map<Long, GroupPlacement> groups, MetadataGroup metadata,
            RaftNode raft) {
        this.identity = identity;
        this.groups = groups;
        this.metadata = metadata;
        this.raft = raft;
    }

    /**
     * Starts the node whose directory is {@code nodeDirectory} (holding {@code node.json}).
     *
     * @param storage opens each member's database (the opener chooses the engine: basalt-cluster sees none)
     * @throws IOException when {@code node.json} cannot be read or Ratis cannot start (a port taken, for one)
     */
    public static ClusterNode start(Path nodeDirectory, RaftConfig config, GroupStorageFactory storage)
            throws IOException {
        NodeIdentity identity = NodeIdentityFile.read(nodeDirectory);
        Map<Long, GroupPlacement> groups = new LinkedHashMap<>();
        int nodes = identity.initialNodes().size();
        groups.put(StaticPlacement.METADATA_GROUP, StaticPlacement.metadataGroup(nodes));
        for (GroupPlacement group : StaticPlacement.dataGroups(nodes, identity.groupsPerNode())) {
            groups.put(group.groupId(), group);
        }
        NodeAddress self = identity.self();
        AtomicReference<RaftNode> started = new AtomicReference<>();
        MetadataGroup metadata = new MetadataGroup(entry -> metadataProposal(started.get(), entry));
        RaftNode raft = RaftNode.start(self.raftPeerId(), identity.clusterId(), nodeDirectory.resolve("raft"),
                self.host(), self.raftPort(), config, storage, new Setup(metadata), AMBIGUOUS_TIMEOUT, MAX_IN_FLIGHT);
        started.set(raft);
        ClusterNode node = new ClusterNode(identity, Map.copyOf(groups), metadata, raft);
        try {
            node.addMissingMembers();
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        }
        return node;
    }

    private static CompletableFuture<Void> metadataProposal(RaftNode raft, MetaEntry entry) {
        if (raft == null || raft.tryMember(StaticPlacement.METADATA_GROUP).isEmpty()) {
            return CompletableFuture.failedFuture(new IllegalStateException("this node hosts no member of the "
                    + "metadata group"));
        }
        return raft.member(StaticPlacement.METADATA_GROUP).proposer().proposeMeta(entry);
    }

    private void addMissingMembers() throws IOException {
        for (GroupPlacement group : groups.values()) {
            if (group.members().contains(identity.nodeId()) && raft.tryMember(group.groupId()).isEmpty()) {
                List<RaftPeerAddress> peers = new ArrayList<>();
                for (int member : group.members()) {
                    NodeAddress address = identity.initialNodes().get(member - 1);
                    // The preferred leader has the higher priority: Ratis hands leadership to it once it has caught up.
                    peers.add(new RaftPeerAddress(address.raftPeerId(), address.raftAddress(),
                            member == group.preferredLeader() ? 1 : 0));
                }
                raft.addGroup(group.groupId(), peers);
            }
        }
    }

    /**
     * What each member runs: the metadata group's member feeds this node's catalog ({@link MetadataGroup}). Data
     * groups do not run partitions yet (the rest of step 12), so no epoch has partition leaders; the groups elect,
     * replicate and recover all the same.
     */
    private record Setup(MetadataGroup metadata) implements RaftNode.GroupSetup {
        @Override
        public Consumer<GroupStateMachine> partitionOpener(long groupId) {
            return groupId == StaticPlacement.METADATA_GROUP ? metadata::attach : machine -> { };
        }

        @Override
        public GroupLeadership.EpochFactory epochFactory(long groupId, RatisGroupStateMachine stateMachine,
                RaftReplicator replicator) {
            return epoch -> Map.of();
        }
    }

    public NodeIdentity identity() {
        return identity;
    }

    /** Every group of the cluster, by id (the metadata group and the data groups). */
    public Map<Long, GroupPlacement> groups() {
        return groups;
    }

    /** The groups this node hosts a member of, in id order. */
    public List<Long> hostedGroups() {
        return groups.values().stream().filter(group -> group.members().contains(identity.nodeId()))
                .map(GroupPlacement::groupId).sorted().toList();
    }

    /** This node's Raft server, for tests that look at members. */
    public RaftNode raft() {
        return raft;
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
        return Math.max(4, groups.size() - 1);
    }

    /** The data groups of {@code count} new partitions, each to the group with the fewest partitions (§13.2). */
    private List<Long> placePartitions(int count) {
        Map<Long, Integer> counts = new HashMap<>();
        groups.keySet().stream().filter(id -> id != StaticPlacement.METADATA_GROUP).forEach(id -> counts.put(id, 0));
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
        GroupPlacement group = groups.get(groupId);
        return group == null ? List.of() : group.members();
    }

    @Override
    public OptionalInt leaderHint(long groupId) {
        if (raft.tryMember(groupId).isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            return raft.leaderId(groupId).map(id -> OptionalInt.of(Integer.parseInt(id.substring(1))))
                    .orElse(OptionalInt.empty());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Optional<NodeAddress> node(int nodeId) {
        List<NodeAddress> nodes = identity.initialNodes();
        return nodeId >= 1 && nodeId <= nodes.size() ? Optional.of(nodes.get(nodeId - 1)) : Optional.empty();
    }

    @Override
    public int selfId() {
        return identity.nodeId();
    }

    /** Whether this node's member of the group is its Raft leader and ready. */
    public boolean leads(long groupId) {
        try {
            return raft.tryMember(groupId).isPresent() && raft.isReadyLeader(groupId);
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        raft.close();
    }
}
