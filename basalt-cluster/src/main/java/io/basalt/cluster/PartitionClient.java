package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.EvaluatedWrite;
import io.basalt.partition.GlobalIndexBatch;
import io.basalt.partition.IndexPosition;
import io.basalt.partition.ItemOperation;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionState;
import io.basalt.partition.PrepareOutcome;
import io.basalt.partition.TransactionWatch;
import io.basalt.partition.encoding.StoredItem;
import io.basalt.partition.read.ReadPlan;
import io.basalt.partition.read.ReadResult;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The calls a node makes on a partition, wherever the partition's leader is (docs/design/cluster.md §12): writes,
 * point reads and their batches, Query and Scan pages, and the rounds of transactions. Every call names its
 * partition by {@link PartitionId} and carries only data, so that it can travel as an RPC frame
 * ({@code io.basalt.cluster.rpc}); on one node it is an interface call on {@link LocalPartitionClient}.
 *
 * <p>Failures a client may see (a failed condition, a conflict, a table deleted meanwhile) complete the futures,
 * or are thrown by the synchronous reads, as {@link io.basalt.model.BasaltException}s with DynamoDB's texts.
 */
public interface PartitionClient {
    /**
     * Evaluates {@code operation} against the item stored under {@code itemKey} on the partition's leader and makes
     * the result durable (and, with synchronous global index propagation, visible in the table's global indexes).
     * The result carries no log entry: that stays with the partition.
     */
    CompletableFuture<EvaluatedWrite> write(PartitionId partition, byte[] itemKey, ItemOperation operation);

    /**
     * The writes of a BatchWriteItem that one node serves (§12.4), each evaluated as {@link #write} evaluates it:
     * one future per write, in order; a refused write fails its own future only.
     */
    List<CompletableFuture<EvaluatedWrite>> writeBatch(List<ItemWrite> writes);

    /**
     * The durable image of the item stored under {@code itemKey}, or null when it does not exist.
     *
     * @param consistent whether the read must be strongly consistent (served by the leader, §10); on one node every
     *     read is
     */
    StoredItem get(PartitionId partition, byte[] itemKey, boolean consistent);

    /**
     * The point reads of a BatchGetItem that fall on one node, grouped by partition (§12.4): per group, per key in
     * order, the item's image or null; a whole group is null when its partition could not be reached (a routed
     * client only, see {@link #getBatchAsync}).
     */
    List<List<StoredItem>> getBatch(List<KeyGroup> groups);

    /**
     * {@link #get} for a read that may cross a hop (docs/design/cluster.md §20 step 12): the answer arrives on
     * whichever thread brought it. The one-node path keeps calling {@link #get}, which allocates no future.
     */
    default CompletableFuture<StoredItem> getAsync(PartitionId partition, byte[] itemKey, boolean consistent) {
        try {
            return CompletableFuture.completedFuture(get(partition, itemKey, consistent));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * {@link #getBatch} for reads that may cross a hop. A group whose partition could not be reached before the
     * routing deadline is answered by {@code null} instead of a list: its keys belong in the response's
     * {@code UnprocessedKeys} (§12.3).
     */
    default CompletableFuture<List<List<StoredItem>>> getBatchAsync(List<KeyGroup> groups) {
        try {
            return CompletableFuture.completedFuture(getBatch(groups));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * One Query or Scan page of one partition (§9.2): the page {@code plan} describes, read on one consistent view
     * of the partition's storage (with a local index's fetch of table items inside it).
     *
     * <p>The caller cuts the plan to the partition: its key range must lie within the partition's hash range (a
     * Query's range does by itself, since its items share one partition key; a Scan segment that spans several
     * partitions is cut by {@code ReadService}, which carries what is left of Limit and the byte budget from one
     * partition's page to the next). The serving side reads exactly that range and needs no schema of its own:
     * the plan carries the key schema and the index. A page that is {@code consistent} goes to the partition's
     * leader; an eventual one may later be served by any replica (§10).
     */
    CompletableFuture<ReadResult> readPage(PartitionId partition, ReadPlan plan);

    /**
     * A transaction's first phase on one partition ({@link io.basalt.replication.PartitionLeader#prepare}): per
     * operation, in order, what became of it. The partition keeps the staged writes in its prepare record.
     *
     * @param ledgerKey the key of the transaction's row in the ledger table, kept in the prepare record for the
     *     partition's resolver
     */
    CompletableFuture<List<PrepareOutcome>> prepare(PartitionId partition, long transaction, long timestamp,
            String ledgerKey, List<byte[]> itemKeys, List<ItemOperation> operations);

    /**
     * A transaction's second phase on one partition: applies the writes its prepare staged, which the partition
     * kept; a partition that no longer holds the transaction commits nothing.
     */
    CompletableFuture<List<EvaluatedWrite>> commit(PartitionId partition, long transaction, long timestamp);

    /** Lets go of what a cancelled transaction held on one partition (and of its prepare record). */
    CompletableFuture<Void> release(PartitionId partition, long transaction, List<byte[]> itemKeys);

    /** A transactional read's first round on one partition ({@link PartitionState#readForTransaction}). */
    CompletableFuture<PartitionState.ReadRound> readForTransaction(PartitionId partition, List<byte[]> itemKeys);

    /** A transactional read's second round: per item of the first round, whether it was written since. */
    CompletableFuture<boolean[]> validate(PartitionId partition, TransactionWatch watch);

    /**
     * Applies a {@code GSI_APPLY} batch on the leader of a global index partition (docs/design/cluster.md §15):
     * completes with the position the partition has reached for the batch's source once what the batch changed is
     * applied (a batch without operations only asks it). Applying is idempotent by position, so a batch may be sent
     * again after any failure, an ambiguous one included.
     */
    CompletableFuture<IndexPosition> applyGlobalIndex(PartitionId indexPartition, GlobalIndexBatch batch);

    /** One write of a batch: its partition, the item's storage key and the operation. */
    record ItemWrite(PartitionId partition, byte[] itemKey, ItemOperation operation) {
        public ItemWrite {
            requireNonNull(partition, "partition is null");
            requireNonNull(itemKey, "itemKey is null");
            requireNonNull(operation, "operation is null");
        }
    }

    /** Point reads of one partition: the item keys, in the order their images come back. */
    record KeyGroup(PartitionId partition, List<byte[]> itemKeys, boolean consistent) {
        public KeyGroup {
            requireNonNull(partition, "partition is null");
            itemKeys = List.copyOf(itemKeys);
        }
    }
}
