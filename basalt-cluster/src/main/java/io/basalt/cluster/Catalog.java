package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.KeyLayout;
import io.basalt.partition.log.MetaEntry;
import io.basalt.storage.StorageIterator;
import io.basalt.storage.StorageReader;
import io.basalt.storage.WriteBatch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The tables of this node as the applied metadata entries left them: a read cache of the catalog key space
 * ({@code 0x01}) and the table and partition id counters, sorted by name (the order ListTables returns). It never
 * writes: the metadata state machine ({@link MetaStateMachine}) logs every change as a {@link MetaEntry}, the group
 * state machine applies it (catalog change and applied index in one batch) and then hands it here ({@link #apply}),
 * so the cache shows a change exactly when storage holds it (docs/design/cluster.md §11).
 *
 * <p>Reads are lock-free from any thread; {@link #apply} runs on the applying thread, one entry at a time.
 */
final class Catalog {
    static final byte[] NEXT_TABLE_ID_KEY = KeyLayout.nodeKey("next-table-id");
    /** The next partition id (docs/design/cluster.md §4.1): ids are positive, allocated once, never reused. */
    static final byte[] NEXT_PARTITION_ID_KEY = KeyLayout.nodeKey("next-partition-id");

    private final ConcurrentSkipListMap<String, TableMetadata> tables = new ConcurrentSkipListMap<>();
    private volatile long nextTableId;
    private volatile long nextPartitionId;
    private final ClusterRegistry registry;

    /** Loads what {@code storage} holds. */
    Catalog(StorageReader storage) {
        requireNonNull(storage, "storage is null");
        registry = new ClusterRegistry(storage);
        try (StorageIterator iterator = storage.iterator(KeyLayout.catalogStart(), KeyLayout.catalogEnd())) {
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                TableMetadata table = TableMetadataCodec.decode(iterator.value());
                tables.put(table.name(), table);
            }
        }
        nextTableId = decodeCounter(storage.get(NEXT_TABLE_ID_KEY));
        nextPartitionId = decodeCounter(storage.get(NEXT_PARTITION_ID_KEY));
    }

    Optional<TableMetadata> tryGet(String name) {
        return Optional.ofNullable(tables.get(name));
    }

    List<TableMetadata> all() {
        return new ArrayList<>(tables.values());
    }

    /** The cluster's nodes and groups, which this catalog's applied entries keep current (§13). */
    ClusterRegistry registry() {
        return registry;
    }

    /** The id the next table gets: above every id ever given. */
    long nextTableId() {
        return nextTableId;
    }

    /** The first partition id no applied entry has given out. */
    long nextPartitionId() {
        return nextPartitionId;
    }

    /**
     * Client table names after {@code exclusiveStart} (null: from the first), in order: internal tables
     * ({@link InternalTables}) are not listed.
     */
    List<String> namesAfter(String exclusiveStart, int limit) {
        var view = exclusiveStart == null ? tables.keySet() : tables.tailMap(exclusiveStart, false).keySet();
        List<String> names = new ArrayList<>(Math.min(limit, view.size()));
        for (String name : view) {
            if (names.size() == limit) {
                break;
            }
            if (!InternalTables.isInternal(name)) {
                names.add(name);
            }
        }
        return names;
    }

    /**
     * Follows an applied metadata entry: catalog puts and deletes, the id counters, the registry's nodes and
     * groups. Range deletes (a dropped table's data) are not catalog state.
     */
    void apply(MetaEntry entry) {
        for (WriteBatch.Operation operation : entry.operations()) {
            registry.apply(operation);
            if (operation instanceof WriteBatch.Put put) {
                if (put.key()[0] == KeyLayout.CATALOG) {
                    TableMetadata table = TableMetadataCodec.decode(put.value());
                    tables.put(table.name(), table);
                } else if (Arrays.equals(put.key(), NEXT_TABLE_ID_KEY)) {
                    nextTableId = decodeCounter(put.value());
                } else if (Arrays.equals(put.key(), NEXT_PARTITION_ID_KEY)) {
                    nextPartitionId = decodeCounter(put.value());
                }
            } else if (operation instanceof WriteBatch.Delete delete && delete.key()[0] == KeyLayout.CATALOG) {
                tables.remove(KeyLayout.tableNameOf(delete.key()));
            }
        }
    }

    static byte[] encodeCounter(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }

    private static long decodeCounter(byte[] value) {
        return value == null ? 1 : ByteBuffer.wrap(value).getLong();
    }
}
