package io.basalt.partition.read;

import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.eval.ConditionEvaluator;
import io.basalt.model.AttributeValue;
import io.basalt.model.Item;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.encoding.StoredItem;
import io.basalt.storage.StorageReader;
import io.basalt.storage.StorageIterator;
import io.basalt.storage.StorageSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one page of a {@link ReadPlan} the way DynamoDB pages: items are read in key order (or reverse) from one
 * consistent view, each read item counts towards {@code Limit} and the 1 MB page size whether or not the filter
 * keeps it, and a page that stopped early names the key of the item it read last, so the next page can start
 * after it.
 *
 * <p>A local index read that fetches table items does so from the same snapshot as the entries it reads, so an
 * item deleted while the page is read is either seen with its entry or not at all: the page is a consistent cut.
 * A read that fetches nothing iterates the engine directly: a storage iterator is already a consistent view
 * (RocksDB iterators read an implicit snapshot), and opening an explicit one would cost every Query and Scan.
 */
public final class PartitionReader {
    private PartitionReader() {
    }

    /** Reads one page of {@code plan} from {@code storage}. */
    public static ReadResult read(StorageReader storage, ReadPlan plan) {
        if (plan.range().isEmpty()) {
            return new ReadResult(List.of(), 0, 0, 0, StopReason.EXHAUSTED, null);
        }
        if (plan.spec().fetch() == FetchMode.NONE) {
            try (StorageIterator iterator = storage.iterator(plan.range().lowerInclusive(),
                    plan.range().upperExclusive())) {
                return read(iterator, null, plan);
            }
        }
        try (StorageSnapshot snapshot = storage.snapshot();
                StorageIterator iterator = snapshot.iterator(plan.range().lowerInclusive(),
                        plan.range().upperExclusive())) {
            return read(iterator, snapshot, plan);
        }
    }

    private static ReadResult read(StorageIterator iterator, StorageSnapshot snapshot, ReadPlan plan) {
        ReadSpec spec = plan.spec();
        Condition filter = spec.filter();
        boolean forward = spec.forward();
        FetchMode fetch = spec.fetch();
        List<StoredItem> items = new ArrayList<>();
        int scanned = 0;
        long bytes = 0;
        long fetchedBytes = 0;
        if (forward) {
            iterator.seekToFirst();
        } else {
            iterator.seekToLast();
        }
        while (iterator.isValid()) {
            StoredItem entry = StoredItem.of(iterator.value());
            scanned++;
            bytes += entry.size();
            if (fetch == FetchMode.NONE) {
                if (filter == null || ConditionEvaluator.evaluate(filter, entry.item())) {
                    items.add(entry);
                }
            } else if (fetch == FetchMode.FILTERED_ONLY) {
                if (filter == null || ConditionEvaluator.evaluate(filter, entry.item())) {
                    StoredItem item = fetch(snapshot, plan, entry.item());
                    if (item != null) {
                        fetchedBytes += item.size();
                        items.add(item);
                    }
                }
            } else {
                StoredItem item = fetch(snapshot, plan, entry.item());
                if (item != null) {
                    fetchedBytes += item.size();
                    if (filter == null || ConditionEvaluator.evaluate(filter, item.item())) {
                        items.add(item);
                    }
                }
            }
            if (scanned >= spec.limit()) {
                return new ReadResult(items, scanned, bytes, fetchedBytes, StopReason.LIMIT,
                        lastEvaluatedKey(plan, entry.item()));
            }
            if (bytes >= spec.byteBudget()) {
                return new ReadResult(items, scanned, bytes, fetchedBytes, StopReason.SIZE,
                        lastEvaluatedKey(plan, entry.item()));
            }
            if (forward) {
                iterator.next();
            } else {
                iterator.prev();
            }
        }
        return new ReadResult(items, scanned, bytes, fetchedBytes, StopReason.EXHAUSTED, null);
    }

    /**
     * The table item of a local index entry, from the page's snapshot. A local index entry is written in the same
     * batch as its item, so within one snapshot it always has one; null only if storage were inconsistent, and
     * then the entry is left out rather than failing the read.
     */
    private static StoredItem fetch(StorageSnapshot snapshot, ReadPlan plan, Item entry) {
        KeySchema schema = plan.schema();
        PrimaryKey key = new PrimaryKey(entry.get(schema.partitionKey().name()),
                schema.sortKey().map(sortKey -> entry.get(sortKey.name())));
        byte[] stored = snapshot.get(KeyLayout.itemKey(plan.spec().tableId(), KeyLayout.BASE_TABLE_INDEX, schema,
                key));
        return stored == null ? null : StoredItem.of(stored);
    }

    /**
     * LastEvaluatedKey: the table's key attributes, then the index's (an index read's carries both, as DynamoDB's
     * does), taken from the last item read.
     */
    static Item lastEvaluatedKey(ReadPlan plan, Item last) {
        KeySchema schema = plan.schema();
        Map<String, AttributeValue> key = new LinkedHashMap<>();
        key.put(schema.partitionKey().name(), last.get(schema.partitionKey().name()));
        schema.sortKey().ifPresent(sortKey -> key.put(sortKey.name(), last.get(sortKey.name())));
        if (plan.index() != null) {
            for (KeyAttribute attribute : plan.index().keyAttributes()) {
                key.putIfAbsent(attribute.name(), last.get(attribute.name()));
            }
        }
        return new Item(key);
    }
}
