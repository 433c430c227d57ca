package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.KeyLayout;
import io.basalt.storage.StorageEngine;
import io.basalt.storage.StorageIterator;
import io.basalt.storage.WriteBatch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The tables of this node, persisted in the catalog key space and cached in memory, sorted by name (the order
 * ListTables returns). Reads are lock-free; changes are serialized and synced before they are visible.
 */
final class Catalog {
    private static final byte[] NEXT_TABLE_ID_KEY = KeyLayout.nodeKey("next-table-id");
    /** The next partition id (docs/design/cluster.md §4.1): ids are positive, allocated once, never reused. */
    static final byte[] NEXT_PARTITION_ID_KEY = KeyLayout.nodeKey("next-partition-id");

    private final StorageEngine storage;
    private final ConcurrentSkipListMap<String, TableMetadata> tables = new ConcurrentSkipListMap<>();
    private long nextTableId;
    private long nextPartitionId;

    Catalog(StorageEngine storage) {
        this.storage = requireNonNull(storage, "storage is null");
        try (StorageIterator iterator = storage.iterator(KeyLayout.catalogStart(), KeyLayout.catalogEnd())) {
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                TableMetadata table = TableMetadataCodec.decode(iterator.value());
                tables.put(table.name(), table);
            }
        }
        byte[] next = storage.get(NEXT_TABLE_ID_KEY);
        nextTableId = next == null ? 1 : ByteBuffer.wrap(next).getLong();
        byte[] nextPartition = storage.get(NEXT_PARTITION_ID_KEY);
        nextPartitionId = nextPartition == null ? 1 : ByteBuffer.wrap(nextPartition).getLong();
    }

    Optional<TableMetadata> tryGet(String name) {
        return Optional.ofNullable(tables.get(name));
    }

    List<TableMetadata> all() {
        return new ArrayList<>(tables.values());
    }

    /** Table names after {@code exclusiveStart} (null: from the first), in order. */
    List<String> namesAfter(String exclusiveStart, int limit) {
        var view = exclusiveStart == null ? tables.keySet() : tables.tailMap(exclusiveStart, false).keySet();
        List<String> names = new ArrayList<>(Math.min(limit, view.size()));
        for (String name : view) {
            if (names.size() == limit) {
                break;
            }
            names.add(name);
        }
        return names;
    }

    synchronized long allocateTableId() {
        long id = nextTableId++;
        storage.write(new WriteBatch().put(NEXT_TABLE_ID_KEY, ByteBuffer.allocate(8).putLong(nextTableId).array()),
                true);
        return id;
    }

    /** Allocates {@code count} consecutive partition ids, durably, and returns the first. */
    synchronized long allocatePartitionIds(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be positive: " + count);
        }
        long first = nextPartitionId;
        nextPartitionId += count;
        storage.write(new WriteBatch().put(NEXT_PARTITION_ID_KEY,
                ByteBuffer.allocate(8).putLong(nextPartitionId).array()), true);
        return first;
    }

    /** Stores {@code table}, replacing any table of the same name, durably. */
    synchronized void put(TableMetadata table) {
        storage.write(new WriteBatch().put(KeyLayout.catalogKey(table.name()), TableMetadataCodec.encode(table)),
                true);
        tables.put(table.name(), table);
    }

    /**
     * Removes {@code table} together with all its data, in one durable batch: every key space that holds a table's
     * keys starts them with its id (partition records, change records, index states and prepare records of key
     * layout v2 included), so one range delete per space drops them.
     */
    synchronized void remove(TableMetadata table) {
        WriteBatch batch = new WriteBatch().delete(KeyLayout.catalogKey(table.name()));
        for (byte keySpace : new byte[] {KeyLayout.ITEMS, KeyLayout.PARTITIONS, KeyLayout.CHANGES,
                KeyLayout.INDEX_STATE, KeyLayout.COLLECTIONS, KeyLayout.PREPARED}) {
            batch.deleteRange(KeyLayout.tableStart(keySpace, table.id()), KeyLayout.tableEnd(keySpace, table.id()));
        }
        storage.write(batch, true);
        tables.remove(table.name(), table);
    }
}
