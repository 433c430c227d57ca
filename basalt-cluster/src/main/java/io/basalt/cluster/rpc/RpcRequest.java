package io.basalt.cluster.rpc;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.MetaCommand;
import io.basalt.cluster.PartitionClient;
import io.basalt.cluster.node.NodeAddress;
import io.basalt.partition.GlobalIndexBatch;
import io.basalt.partition.ItemOperation;
import io.basalt.partition.PartitionId;
import io.basalt.partition.read.ReadPlan;
import io.basalt.replication.raft.RaftPeerAddress;
import java.util.List;

/** The content of a request frame (docs/design/cluster.md §12.2): plain data, one record per kind. */
public sealed interface RpcRequest {
    /** The frame kind this request travels as. */
    RpcKind kind();

    /** Which images a write's answer must carry (§8.3): bits of {@link Write#returnImages}. */
    int RETURN_OLD_IMAGE = 1;
    int RETURN_NEW_IMAGE = 2;
    int RETURN_ALL_IMAGES = RETURN_OLD_IMAGE | RETURN_NEW_IMAGE;

    /**
     * One write to evaluate on the partition's leader.
     *
     * @param mapVersion the partition map version the sender routed by (0 until the map exists, step 2), for the
     *     WRONG_PARTITION answer
     * @param itemKey the item's storage key in the partition
     * @param returnImages which images the answer carries ({@link #RETURN_OLD_IMAGE}, {@link #RETURN_NEW_IMAGE})
     */
    record Write(PartitionId partition, long mapVersion, byte[] itemKey, ItemOperation operation, int returnImages)
            implements RpcRequest {
        public Write {
            requireNonNull(partition, "partition is null");
            requireNonNull(itemKey, "itemKey is null");
            requireNonNull(operation, "operation is null");
            if ((returnImages & ~RETURN_ALL_IMAGES) != 0) {
                throw new IllegalArgumentException("unknown image bits " + returnImages);
            }
        }

        @Override
        public RpcKind kind() {
            return RpcKind.WRITE;
        }
    }

    /** A point read (GetItem) of one item of a partition. */
    record PointRead(PartitionId partition, byte[] itemKey, boolean consistent) implements RpcRequest {
        public PointRead {
            requireNonNull(partition, "partition is null");
            requireNonNull(itemKey, "itemKey is null");
        }

        @Override
        public RpcKind kind() {
            return RpcKind.READ;
        }
    }

    /**
     * A Query or Scan page of a partition (§9.1), planned by the sender and cut to the partition's range
     * ({@link PartitionClient#readPage}); answered by a {@link io.basalt.partition.read.ReadResult}.
     */
    record PageRead(PartitionId partition, ReadPlan plan) implements RpcRequest {
        public PageRead {
            requireNonNull(partition, "partition is null");
            requireNonNull(plan, "plan is null");
        }

        @Override
        public RpcKind kind() {
            return RpcKind.READ;
        }
    }

    /** The point reads of a BatchGetItem that one node serves, grouped by partition (§12.4). */
    record BatchRead(List<PartitionClient.KeyGroup> groups) implements RpcRequest {
        public BatchRead {
            groups = List.copyOf(groups);
        }

        @Override
        public RpcKind kind() {
            return RpcKind.BATCH_READ;
        }
    }

    /** The writes of a BatchWriteItem that one node serves (§12.4); answered per write. */
    record BatchWrite(List<Write> writes) implements RpcRequest {
        public BatchWrite {
            writes = List.copyOf(writes);
        }

        @Override
        public RpcKind kind() {
            return RpcKind.BATCH_WRITE;
        }
    }

    /** A transaction's first phase on one partition; {@code ledgerKey} names its row in the ledger table. */
    record Prepare(PartitionId partition, long transaction, long timestamp, String ledgerKey, List<byte[]> itemKeys,
            List<ItemOperation> operations) implements RpcRequest {
        public Prepare {
            requireNonNull(partition, "partition is null");
            requireNonNull(ledgerKey, "ledgerKey is null");
            itemKeys = List.copyOf(itemKeys);
            operations = List.copyOf(operations);
            if (itemKeys.size() != operations.size()) {
                throw new IllegalArgumentException("one item key per operation");
            }
        }

        @Override
        public RpcKind kind() {
            return RpcKind.TXN_PREPARE;
        }
    }

    /** A transaction's second phase on one partition: the partition applies the writes it kept from the prepare. */
    record Commit(PartitionId partition, long transaction, long timestamp) implements RpcRequest {
        public Commit {
            requireNonNull(partition, "partition is null");
        }

        @Override
        public RpcKind kind() {
            return RpcKind.TXN_COMMIT;
        }
    }

    /** Lets go of what a cancelled transaction held on one partition. */
    record Release(PartitionId partition, long transaction, List<byte[]> itemKeys) implements RpcRequest {
        public Release {
            requireNonNull(partition, "partition is null");
            itemKeys = List.copyOf(itemKeys);
        }

        @Override
        public RpcKind kind() {
            return RpcKind.TXN_RELEASE;
        }
    }

    /** A transactional read's first round on one partition. */
    record ReadRound(PartitionId partition, List<byte[]> itemKeys) implements RpcRequest {
        public ReadRound {
            requireNonNull(partition, "partition is null");
            itemKeys = List.copyOf(itemKeys);
        }

        @Override
        public RpcKind kind() {
            return RpcKind.TXN_READ_ROUND;
        }
    }

    /** A transactional read's second round: the watch the serving node keeps under {@code watch}. */
    record Validate(PartitionId partition, long watch) implements RpcRequest {
        public Validate {
            requireNonNull(partition, "partition is null");
        }

        @Override
        public RpcKind kind() {
            return RpcKind.TXN_VALIDATE;
        }
    }

    /** Whether the peer answers at all. */
    record Ping() implements RpcRequest {
        @Override
        public RpcKind kind() {
            return RpcKind.PING;
        }
    }

    /**
     * A {@code GSI_APPLY} batch for one global index partition (cluster.md §15): entry operations from one source
     * partition, tagged with their positions; the answer is the position the index partition has reached for that
     * source. A batch without operations only asks for the position.
     */
    record GlobalIndexApply(PartitionId indexPartition, GlobalIndexBatch batch) implements RpcRequest {
        public GlobalIndexApply {
            requireNonNull(indexPartition, "indexPartition is null");
            requireNonNull(batch, "batch is null");
        }

        @Override
        public RpcKind kind() {
            return RpcKind.GSI_APPLY;
        }
    }

    /**
     * A table command for the metadata group's leader (cluster.md §11), sent by a node that does not lead the
     * group; answered by a {@link MetaCommandAnswer}, or NOT_LEADER with the leader the receiver knows.
     */
    record MetaCommandCall(MetaCommand command) implements RpcRequest {
        public MetaCommandCall {
            requireNonNull(command, "command is null");
        }

        @Override
        public RpcKind kind() {
            return RpcKind.META_COMMAND;
        }
    }

    /**
     * A node asks to join the cluster (docs/design/cluster.md §13.1), sent to any node, which hands it to the
     * metadata leader: the joining node's host and the ports it chose. Answered by a {@link NodeJoinAnswer}; a join
     * retried from the same endpoints gets the same node id.
     */
    record NodeJoin(String host, int apiPort, int rpcPort, int raftPort) implements RpcRequest {
        public NodeJoin {
            requireNonNull(host, "host is null");
            // The ports are checked as NodeAddress checks them: the answer names the node by them.
            new NodeAddress(1, host, apiPort, rpcPort, raftPort);
        }

        @Override
        public RpcKind kind() {
            return RpcKind.NODE_JOIN;
        }
    }

    /**
     * Asks the receiving node to add its member of a group whose members are {@code peers} (docs/design/cluster.md
     * §13.2): a new group's member, or a member joining an existing group, whose leader then sets {@code peers}. The
     * node calls {@code RaftNode.addGroup}; an add repeated after a lost answer is success. Answered with nothing.
     * {@code listeners} are the group's non-voting members (the metadata group's nodes beyond its voters, step 13);
     * the receiving node is among the peers or the listeners.
     */
    record GroupMemberAdd(long groupId, List<RaftPeerAddress> peers, List<RaftPeerAddress> listeners)
            implements RpcRequest {
        public GroupMemberAdd {
            peers = List.copyOf(requireNonNull(peers, "peers is null"));
            listeners = List.copyOf(requireNonNull(listeners, "listeners is null"));
            if (peers.isEmpty()) {
                throw new IllegalArgumentException("a group has at least one member");
            }
        }

        /** A member of a group without listeners (every data group). */
        public GroupMemberAdd(long groupId, List<RaftPeerAddress> peers) {
            this(groupId, peers, List.of());
        }

        @Override
        public RpcKind kind() {
            return RpcKind.GROUP_MEMBER_ADD;
        }
    }

    /**
     * Asks the receiving node to remove its member of the group and delete its directory (§13.2), once the group's
     * configuration no longer names it. Removing a member the node does not have is success. Answered with nothing.
     */
    record GroupMemberRemove(long groupId) implements RpcRequest {
        @Override
        public RpcKind kind() {
            return RpcKind.GROUP_MEMBER_REMOVE;
        }
    }

    /**
     * A node's liveness report to the metadata leader, sent every second (docs/design/cluster.md §13.1): who sends it
     * and the groups whose Raft leader it is now (the placement's leader spreading reads them). Soft state on the
     * leader, never logged; answered with nothing, or NOT_LEADER by a node that does not lead the metadata group.
     */
    record NodeHeartbeat(int nodeId, List<Long> ledGroups) implements RpcRequest {
        public NodeHeartbeat {
            if (nodeId < 1) {
                throw new IllegalArgumentException("node ids start at 1: " + nodeId);
            }
            ledGroups = List.copyOf(requireNonNull(ledGroups, "ledGroups is null"));
        }

        @Override
        public RpcKind kind() {
            return RpcKind.NODE_HEARTBEAT;
        }
    }

    /**
     * One statistics record of a partition, as a {@code NODE_FIGURES} statistics read names it: the partition's own
     * record ({@code indexId} 0: the item count and size of a table's or a global index's partition), or the state
     * of local secondary index {@code indexId} beside a table's partition.
     */
    record StatisticsKey(long groupId, long tableId, PartitionId partition, int indexId) {
        public StatisticsKey {
            requireNonNull(partition, "partition is null");
            if (indexId < 0) {
                throw new IllegalArgumentException("index id is negative: " + indexId);
            }
        }
    }

    /**
     * Asks a node for statistics records from its replicas of their groups (docs/design/cluster.md, "s18 statistics
     * and index settings"), each once its replica has applied every write acknowledged before; answered by one
     * {@code TableStatistics} per key, in order, null where the node could not read it (no member, no leader).
     */
    record StatisticsRead(List<StatisticsKey> keys) implements RpcRequest {
        public StatisticsRead {
            keys = List.copyOf(requireNonNull(keys, "keys is null"));
        }

        @Override
        public RpcKind kind() {
            return RpcKind.NODE_FIGURES;
        }
    }

    /**
     * Asks a node how far global index {@code indexId} of table {@code tableId} is behind on the base partitions it
     * leads (its propagators' lag summed); answered by an {@code IndexLag}.
     */
    record IndexLagRead(long tableId, int indexId) implements RpcRequest {
        @Override
        public RpcKind kind() {
            return RpcKind.NODE_FIGURES;
        }
    }

    /**
     * Sets the receiving node's global index propagation (a test setting, {@code GlobalIndexPropagation}): whether
     * writes wait for their index entries, else the least delay before they are sent. Stamped by the node where it
     * was set ({@code setAtMillis} on its clock, then {@code setBy} to break ties): a node keeps the newest setting it
     * has heard of, so a late broadcast never undoes a newer one (docs/design/cluster.md, s19). Answered with nothing;
     * also the answer to a {@link PropagationRead}.
     */
    record PropagationSet(boolean synchronous, long delayMillis, long setAtMillis, int setBy) implements RpcRequest {
        public PropagationSet {
            if (delayMillis < 0) {
                throw new IllegalArgumentException("delay is negative: " + delayMillis);
            }
            if (setAtMillis < 0 || setBy < 0) {
                throw new IllegalArgumentException("stamp is negative: " + setAtMillis + " by " + setBy);
            }
        }

        /** Whether this setting was made after {@code other} (null: nothing set yet). */
        public boolean isNewerThan(PropagationSet other) {
            return other == null || setAtMillis > other.setAtMillis
                    || setAtMillis == other.setAtMillis && setBy > other.setBy;
        }

        @Override
        public RpcKind kind() {
            return RpcKind.NODE_FIGURES;
        }
    }

    /**
     * Asks a node for the newest propagation setting it has heard of: a node that starts or joins learns the
     * cluster's (docs/design/cluster.md, s19). Answered by a {@link PropagationSet}, or null when no setting was made
     * on the cluster since the node started (it runs on its own start options).
     */
    record PropagationRead() implements RpcRequest {
        @Override
        public RpcKind kind() {
            return RpcKind.NODE_FIGURES;
        }
    }
}
