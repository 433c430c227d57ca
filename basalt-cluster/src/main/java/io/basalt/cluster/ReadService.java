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

/**
 * Serves Query and Scan pages given as {@link ReadSpec}s: plans them against the table's schema and reads them
 * from the partitions that hold them (docs/design/cluster.md §9.2–§9.3).
 *
 * <p>A Scan segment is a hash range independent of the table's partitions, so its page may span several
 * partitions: they are read in hash order, each continuing with what is left of the page's Limit and byte budget,
 * so that a page holds the same items, in the same order, as it would from one partition. Partitions whose
 * storage is this node's one engine are adjacent key ranges of it and are read as one range, exactly as before
 * the partitions were walked (one iterator per page); {@code walkPartitions} forces the walk (for tests, and for
 * the cluster, where neighbouring partitions live in different groups).
 */
public final class ReadService {
    /** Reads a page of one partition: on a cluster node, from its group member's storage (§9.2, §10). */
    @FunctionalInterface
    interface PartitionPages {
        ReadResult read(PartitionDescriptor partition, boolean consistent, ReadPlan plan);
    }

    private final StorageReader storage;
    private final boolean walkPartitions;
    /** A cluster node's partitions (null on one node, where every partition is in {@link #storage}). */
    private final PartitionPages pages;

    ReadService(StorageReader storage, boolean walkPartitions) {
        this.storage = requireNonNull(storage, "storage is null");
        this.walkPartitions = walkPartitions;
        this.pages = null;
    }

    /** A cluster node's reads: each partition's page from the storage {@code pages} reads it in. */
    ReadService(PartitionPages pages) {
        this.storage = null;
        this.walkPartitions = true;
        this.pages = requireNonNull(pages, "pages is null");
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

    /** Reads the page {@code plan} describes of {@code table}. */
    public ReadResult read(TableMetadata table, ReadPlan plan) {
        if (pages != null) {
            return readPartitions(table, plan);
        }
        if (!walkPartitions || plan.spec().isQuery() || table.partitionCount() == 1) {
            // A Query's items share one partition key, hence one partition.
            return PartitionReader.read(storage, plan);
        }
        return walk(table, plan, (partition, consistent, part) -> PartitionReader.read(storage, part));
    }

    /** A cluster node's read: a Query from its partition, a Scan walking the partitions it crosses. */
    private ReadResult readPartitions(TableMetadata table, ReadPlan plan) {
        byte[] lower = plan.range().lowerInclusive();
        if (plan.spec().isQuery() && lower.length >= ITEM_HASH_OFFSET + 8) {
            // A Query's range is within one partition key: its hash (after the table and index ids) places it; a
            // local index's entries live in the base table's partition of that hash.
            long hash = KeyLayout.readLong(lower, ITEM_HASH_OFFSET);
            for (PartitionDescriptor partition : table.partitions()) {
                if (partition.owns(hash)) {
                    return pages.read(partition, plan.spec().consistent(), plan);
                }
            }
        }
        return walk(table, plan, pages);
    }

    private ReadResult walk(TableMetadata table, ReadPlan plan, PartitionPages reader) {
        ReadSpec spec = plan.spec();
        List<PartitionDescriptor> partitions = table.partitions();
        int indexId = spec.source().indexId();
        List<StoredItem> items = new ArrayList<>();
        int scanned = 0;
        long bytes = 0;
        long fetched = 0;
        for (PartitionDescriptor partition : partitions) {
            // A local (and, until it has partitions of its own, a global) index's entries are cut by the base
            // table's hash ranges, under the index's id.
            byte[] lower = partition.hashFirst() == 0 ? KeyLayout.indexStart(table.id(), indexId)
                    : KeyLayout.partitionStart(table.id(), indexId, partition.hashFirst());
            byte[] upper = partition.endsHashSpace() ? KeyLayout.indexEnd(table.id(), indexId)
                    : KeyLayout.partitionStart(table.id(), indexId, partition.hashLast() + 1);
            KeyRange part = intersect(plan.range(), lower, upper);
            if (part.isEmpty()) {
                continue;
            }
            ReadSpec remaining = spec.withRemaining(spec.limit() - scanned, spec.byteBudget() - bytes);
            ReadResult page = reader.read(partition, spec.consistent(), new ReadPlan(remaining, plan.schema(),
                    plan.index(), part));
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

    /** Where an item key holds its hash: after the key space byte, the table id and the index id. */
    private static final int ITEM_HASH_OFFSET = 1 + 8 + 2;

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
