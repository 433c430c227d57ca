package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.model.SecondaryIndex;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.encoding.StoredItem;
import io.basalt.partition.read.KeyRange;
import io.basalt.partition.read.PartitionReader;
import io.basalt.partition.read.ReadPlan;
import io.basalt.partition.read.ReadPlanner;
import io.basalt.partition.read.ReadResult;
import io.basalt.partition.read.ReadSource;
import io.basalt.partition.read.ReadSpec;
import io.basalt.partition.read.StopReason;
import io.basalt.storage.StorageReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Serves Query and Scan pages given as {@link ReadSpec}s: plans them against the table's schema and reads them
 * from the partitions that hold them (docs/design/cluster.md §9.2–§9.3).
 *
 * <p>A Query reads one partition: its items share one partition key, hence one hash (the table's partition for the
 * table and its local indexes, the index's own partition for a global index with partitions, since a global index
 * entry's key is hashed by the index partition key). A Scan segment is a hash range independent of the table's
 * partitions, so its page may span several: they are read in hash order, each continuing with what is left of the
 * page's Limit and byte budget, so that a page holds the same items, in the same order, as it would from one
 * partition. Each partition's share is cut to the partition's range here, the caller's side of
 * {@link PartitionClient#readPage}, and read through the node's partition client, which reaches the partition
 * wherever it is served.
 *
 * <p>On one node with one storage ({@code walkPartitions} false, the default) every partition is a key range of
 * that storage and adjacent partitions are adjacent ranges, so the page is read as one range on the calling thread,
 * exactly as before the partitions were walked: one iterator per page, no future, no hop. The walk is on when
 * partitions may be elsewhere (a routed node, the RPC test modes) and in tests.
 */
public final class ReadService {
    private final StorageReader storage;
    private final PartitionClient partitions;
    private final boolean walkPartitions;

    /**
     * @param storage the node's one storage, read directly when {@code walkPartitions} is false (may be null
     *     otherwise)
     * @param partitions how the node reaches a partition, for the walk
     */
    ReadService(StorageReader storage, PartitionClient partitions, boolean walkPartitions) {
        // A cluster node has no one storage: it always walks.
        this.storage = walkPartitions ? storage : requireNonNull(storage, "storage is null");
        this.partitions = requireNonNull(partitions, "partitions is null");
        this.walkPartitions = walkPartitions;
    }

    /**
     * Checks {@code spec} against {@code table} and fixes the key range it reads, without reading.
     *
     * @throws io.basalt.model.BasaltException when the ExclusiveStartKey lies outside the read (DynamoDB's texts)
     */
    public ReadPlan plan(TableMetadata table, ReadSpec spec) {
        if (spec.tableId() != table.id()) {
            throw new IllegalArgumentException("spec of table " + spec.tableId() + " planned on " + table.id());
        }
        return ReadPlanner.plan(spec, table.keySchema(), index(table, spec.source()));
    }

    /**
     * Reads the page {@code plan} describes of {@code table}, waiting for partitions served elsewhere.
     *
     * @throws io.basalt.model.BasaltException a partition's refusal, or ServiceUnavailable when one could not be
     *     reached before the routing deadline
     */
    public ReadResult read(TableMetadata table, ReadPlan plan) {
        if (!walkPartitions) {
            return PartitionReader.read(storage, plan);
        }
        List<PartitionDescriptor> holders = partitionsOf(table, plan.spec().source());
        if (plan.spec().isQuery()) {
            // The range starts with the key condition's [prefix][hash][partition key]: one hash, one partition,
            // whose range holds the whole Query range, so it goes as it is.
            long hash = KeyLayout.hashOfItemKey(plan.range().lowerInclusive());
            for (PartitionDescriptor partition : holders) {
                if (partition.owns(hash)) {
                    return join(partitions.readPage(partition.id(), plan));
                }
            }
            throw new IllegalStateException("no partition of table " + table.id() + " owns hash " + hash);
        }
        return walk(table, plan, holders);
    }

    private ReadResult walk(TableMetadata table, ReadPlan plan, List<PartitionDescriptor> holders) {
        ReadSpec spec = plan.spec();
        int indexId = spec.source().indexId();
        List<StoredItem> items = new ArrayList<>();
        int scanned = 0;
        long bytes = 0;
        long fetched = 0;
        for (PartitionDescriptor partition : holders) {
            // The keys of the read source (the table, or one of its indexes, under its id) whose hash the
            // partition owns.
            byte[] lower = partition.hashFirst() == 0 ? KeyLayout.indexStart(table.id(), indexId)
                    : KeyLayout.partitionStart(table.id(), indexId, partition.hashFirst());
            byte[] upper = partition.endsHashSpace() ? KeyLayout.indexEnd(table.id(), indexId)
                    : KeyLayout.partitionStart(table.id(), indexId, partition.hashLast() + 1);
            KeyRange part = intersect(plan.range(), lower, upper);
            if (part.isEmpty()) {
                continue;
            }
            ReadSpec remaining = spec.withRemaining(spec.limit() - scanned, spec.byteBudget() - bytes);
            ReadResult page = join(partitions.readPage(partition.id(), new ReadPlan(remaining, plan.schema(),
                    plan.index(), part)));
            items.addAll(page.items());
            scanned += page.scannedCount();
            bytes += page.scannedBytes();
            fetched += page.fetchedBytes();
            if (page.stopReason() != StopReason.EXHAUSTED) {
                return new ReadResult(items, scanned, bytes, fetched, page.stopReason(), page.lastEvaluatedKey());
            }
        }
        return new ReadResult(items, scanned, bytes, fetched, StopReason.EXHAUSTED, null);
    }

    /**
     * The partitions holding the read source's keys, in hash order: the table's for the table and its local
     * indexes (whose entries live with the table's items); a global index's own, hashed by the index partition
     * key, once it has them (until then its entries are cut by the table's hash ranges, under the index's id).
     */
    private static List<PartitionDescriptor> partitionsOf(TableMetadata table, ReadSource source) {
        if (source.kind() == ReadSource.Kind.GLOBAL_INDEX) {
            for (IndexMetadata index : table.indexes()) {
                if (index.id() == source.indexId() && !index.partitions().isEmpty()) {
                    return index.partitions();
                }
            }
        }
        return table.partitions();
    }

    /** The page of a partition, waited for; a partition's refusal is thrown as it is. */
    private static ReadResult join(CompletableFuture<ReadResult> page) {
        try {
            return page.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private static KeyRange intersect(KeyRange range, byte[] lower, byte[] upper) {
        byte[] from = Arrays.compareUnsigned(range.lowerInclusive(), lower) >= 0 ? range.lowerInclusive() : lower;
        byte[] to = Arrays.compareUnsigned(range.upperExclusive(), upper) <= 0 ? range.upperExclusive() : upper;
        return new KeyRange(from, to);
    }

    private static SecondaryIndex index(TableMetadata table, ReadSource source) {
        if (source.kind() == ReadSource.Kind.BASE) {
            return null;
        }
        for (IndexMetadata index : table.indexes()) {
            if (index.id() == source.indexId()) {
                return index.index();
            }
        }
        throw new IllegalArgumentException("table " + table.id() + " has no index " + source.indexId());
    }
}
