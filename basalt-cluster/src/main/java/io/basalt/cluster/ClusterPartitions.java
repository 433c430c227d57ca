package io.basalt.cluster;

import io.basalt.partition.PartitionId;
import io.basalt.replication.GlobalIndexLeader;
import io.basalt.replication.PartitionLeader;
import io.basalt.storage.StorageReader;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Where a cluster node finds the partitions it serves (docs/design/cluster.md §7.2, §10): a partition's leader in the
 * open epoch of its group on this node, and the storage of this node's member of the group. {@link
 * LocalPartitionClient} reaches them through this instead of the single node's own table runtimes; the node's
 * {@code ClusterNode} implements it over its Raft members. Refusals are routing answers ({@link
 * io.basalt.cluster.rpc.RpcRefusedException}: NOT_LEADER with the leader this node knows, NOT_READY while an epoch
 * catches up), which the Router acts on. Thread-safe.
 */
public interface ClusterPartitions {
    /**
     * The leader of {@code partition} (of group {@code groupId}) in this node's open epoch.
     *
     * @throws io.basalt.cluster.rpc.RpcRefusedException when this node does not lead the group (NOT_LEADER), or
     *     leads it but has no leader for the partition yet (NOT_READY)
     */
    PartitionLeader leader(long groupId, PartitionId partition);

    /**
     * The leader of global index partition {@code partition} (of group {@code groupId}) in this node's open epoch
     * (cluster.md §15), which {@code GSI_APPLY} batches reach.
     *
     * @throws io.basalt.cluster.rpc.RpcRefusedException as {@link #leader} does
     */
    GlobalIndexLeader indexLeader(long groupId, PartitionId partition);

    /** What this node's data groups build for global secondary indexes, which the serving side binds. */
    GroupGlobalIndexes globalIndexes();

    /**
     * Runs {@code read} on this node's member of group {@code groupId}; a consistent read first passes the group's
     * read barrier (§10), so that storage holds every write acknowledged before it began.
     *
     * @throws io.basalt.cluster.rpc.RpcRefusedException when this node hosts no member of the group, or (consistent)
     *     does not lead it
     */
    <T> T read(long groupId, boolean consistent, Function<StorageReader, T> read);

    /**
     * {@link #read} for a caller that must not wait: a network transport's event loop, which also carries the
     * HTTP requests and other RPC frames of its connections (cluster.md §10, "s18 robustness"). A consistent read
     * completes once the group's read barrier has passed (or fails as {@link #read} throws, NOT_READY after the
     * same bound), and {@code read} then runs on the thread that completed the barrier, never the caller's unless
     * the answer is known at once. Never throws: every refusal fails the future.
     */
    <T> CompletableFuture<T> readAsync(long groupId, boolean consistent, Function<StorageReader, T> read);

    /**
     * Runs {@code read} on this node's member of group {@code groupId}, leader or not, once the member has applied
     * every write acknowledged before the call (a ReadIndex through the group's leader, §10): for what a node reads
     * from its own replicas, such as table statistics.
     *
     * @throws io.basalt.cluster.rpc.RpcRefusedException when this node hosts no member of the group, or the barrier
     *     fails (no leader)
     */
    <T> T readReplica(long groupId, Function<StorageReader, T> read);

    /** The leaders of every partition whose group this node leads now (for the transaction resolver's sweeps). */
    List<PartitionLeader> ledPartitions();

    /** Translates a write's failure on a group into the routing answer the Router acts on (others unchanged). */
    Throwable routingFailure(Throwable failure);
}
