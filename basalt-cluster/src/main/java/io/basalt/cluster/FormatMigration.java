package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.model.Item;
import io.basalt.model.KeySchema;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.IndexEntries;
import io.basalt.partition.IndexPartitionState;
import io.basalt.partition.IndexPosition;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionMetadata;
import io.basalt.partition.PartitionRecord;
import io.basalt.partition.apply.GroupStateMachine;
import io.basalt.partition.encoding.ItemCodec;
import io.basalt.storage.WritableStorage;
import io.basalt.storage.StorageIterator;
import io.basalt.storage.StorageReader;
import io.basalt.storage.WriteBatch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a store to the current key layout before anything else reads it (docs/design/cluster.md §4.3). The
 * layout's version is the node key {@link KeyLayout#FORMAT_VERSION_KEY}; a store without one is version 1.
 *
 * <p>Version 1 → 2 gives partitions stable ids. Per table, in catalog order and in one atomic batch: allocate one
 * id per old partition ordinal ({@code next-partition-id}), describe ordinal {@code i} of {@code n} as the hash
 * range {@code [rangeStart(i, n), rangeStart(i + 1, n) - 1]} (the last ends at {@code 0xFFFF_FFFF_FFFF_FFFF}) in
 * the table's catalog record (table metadata format 3), copy its partition metadata, change records, index states
 * and prepare records from {@code 0x03/0x04/0x05/0x09} to {@code 0x0A/0x0B/0x0C/0x0D} under the new id, and delete
 * the old ranges. A table is migrated iff its catalog record is of format 3, so a migration interrupted between
 * tables resumes where it stopped. Then the version is written, synced.
 *
 * <p>The old transaction ledger ({@code 0x07}) and token records ({@code 0x08}) are retired once the node has its
 * ledger table ({@link #retireOldLedger}, §4.3 step 3): the node completes the decisions and copies the live tokens
 * into ledger rows through the write path, then the two spaces are deleted here. The ledger names items by key, so
 * it finds their partitions by hash whatever the layout, and the prepare records it needs are copied above.
 */
final class FormatMigration {
    /** A migration that nothing interrupts. */
    static final Hook NO_HOOK = tableName -> {
    };

    private static final Logger LOG = LoggerFactory.getLogger(FormatMigration.class);
    private static final byte[] FORMAT_VERSION_KEY = KeyLayout.nodeKey(KeyLayout.FORMAT_VERSION_KEY);

    /** Called before each table is migrated; tests throw from it to interrupt a migration. */
    @FunctionalInterface
    interface Hook {
        void beforeTable(String tableName);
    }

    private FormatMigration() {
    }

    /** The layout version of {@code storage}: 1 when it records none. */
    static int version(StorageReader storage) {
        byte[] stored = storage.get(FORMAT_VERSION_KEY);
        return stored == null ? 1 : ByteBuffer.wrap(stored).getInt();
    }

    /**
     * Migrates {@code storage} to {@link KeyLayout#FORMAT_VERSION}, or does nothing when it is there.
     *
     * @throws UnsupportedStorageFormatException when the store is of a newer version than this code knows
     */
    static void run(WritableStorage storage, Hook hook) {
        requireNonNull(storage, "storage is null");
        requireNonNull(hook, "hook is null");
        int version = version(storage);
        if (version > KeyLayout.FORMAT_VERSION) {
            throw new UnsupportedStorageFormatException(version, KeyLayout.FORMAT_VERSION);
        }
        if (version == KeyLayout.FORMAT_VERSION) {
            upgradeGlobalIndexPartitions(storage);
            moveGlobalIndexPositions(storage);
            return;
        }
        int migrated = 0;
        for (Map.Entry<byte[], byte[]> entry : catalogRecords(storage)) {
            if (TableMetadataCodec.version(entry.getValue()) >= 3) {
                continue;
            }
            hook.beforeTable(KeyLayout.tableNameOf(entry.getKey()));
            migrateTable(storage, entry.getKey(), entry.getValue());
            migrated++;
        }
        storage.write(new WriteBatch().put(FORMAT_VERSION_KEY,
                ByteBuffer.allocate(4).putInt(KeyLayout.FORMAT_VERSION).array()), true);
        if (migrated > 0) {
            LOG.info("Migrated {} table(s) to storage format version {}", migrated, KeyLayout.FORMAT_VERSION);
        }
        upgradeGlobalIndexPartitions(storage);
        moveGlobalIndexPositions(storage);
    }

    /**
     * Hands a global index written before its partitions applied entries over to them (docs/design/cluster.md §15,
     * §20 step 8): such a store keeps, per (base partition, global index), the position, count and size under
     * {@code 0x0C}, and no {@code 0x13} position or partition record of the index's partitions. The entries stay
     * where they are (the key layout did not change); per index, in one synced batch: each entry is counted for
     * the index partition that owns its hash and the base partition its table key hashes to; each index partition
     * gets, per base partition with an old state, that state's position with the count and size of that source's
     * entries it holds ({@code 0x13}), and its partition record with the sums (sequence 0: it has logged nothing);
     * the old states are deleted. An index is moved iff it still has old states, so an interrupted upgrade resumes.
     * A backfill that had copied no chunk yet (not backfilled, no chunk number) moves as "nothing applied": the
     * propagator starts it again from its first chunk.
     */
    private static void moveGlobalIndexPositions(WritableStorage storage) {
        for (Map.Entry<byte[], byte[]> entry : catalogRecords(storage)) {
            TableMetadata table = TableMetadataCodec.decode(entry.getValue());
            for (IndexMetadata index : table.globalIndexes()) {
                Map<PartitionId, IndexPartitionState> old = new LinkedHashMap<>();
                try (StorageIterator states = storage.iterator(KeyLayout.indexStateStart(table.id(), index.id()),
                        KeyLayout.indexStateEnd(table.id(), index.id()))) {
                    for (states.seekToFirst(); states.isValid(); states.next()) {
                        old.put(new PartitionId(KeyLayout.readLong(states.key(), 11)),
                                IndexPartitionState.decode(states.value()));
                    }
                }
                if (!old.isEmpty()) {
                    storage.write(movePositions(storage, table, index, old), true);
                    LOG.info("Moved the positions of global index {} of table {} to its partitions", index.name(),
                            table.name());
                }
            }
        }
    }

    private static WriteBatch movePositions(StorageReader storage, TableMetadata table, IndexMetadata index,
            Map<PartitionId, IndexPartitionState> old) {
        List<PartitionDescriptor> targets = index.partitions();
        List<PartitionDescriptor> sources = table.partitions();
        long[][] counts = new long[targets.size()][sources.size()];
        long[][] sizes = new long[targets.size()][sources.size()];
        KeySchema schema = table.keySchema();
        try (StorageIterator entries = storage.iterator(KeyLayout.indexStart(table.id(), index.id()),
                KeyLayout.indexEnd(table.id(), index.id()))) {
            for (entries.seekToFirst(); entries.isValid(); entries.next()) {
                Item projected = ItemCodec.decode(entries.value());
                PrimaryKey key = new PrimaryKey(projected.get(schema.partitionKey().name()),
                        schema.sortKey().map(sort -> projected.get(sort.name())));
                long sourceHash = KeyLayout.hashOfItemKey(KeyLayout.itemKey(table.id(), KeyLayout.BASE_TABLE_INDEX,
                        schema, key));
                int target = owner(targets, KeyLayout.readLong(entries.key(), 11));
                int source = owner(sources, sourceHash);
                counts[target][source]++;
                sizes[target][source] += IndexEntries.size(projected);
            }
        }
        WriteBatch batch = new WriteBatch();
        for (int t = 0; t < targets.size(); t++) {
            PartitionDescriptor target = targets.get(t);
            long count = 0;
            long size = 0;
            for (int s = 0; s < sources.size(); s++) {
                IndexPartitionState state = old.get(sources.get(s).id());
                if (state == null) {
                    continue;
                }
                boolean started = state.backfilled() || state.propagatedSub() > 0;
                IndexPosition position = started ? state.position() : IndexPosition.START;
                batch.put(KeyLayout.globalIndexPositionKey(table.id(), index.id(), target.id(), sources.get(s).id()),
                        new IndexPartitionState(counts[t][s], sizes[t][s], position.sequence(), position.sub(), true)
                                .encode());
                count += counts[t][s];
                size += sizes[t][s];
            }
            batch.put(KeyLayout.partitionRecordKey(table.id(), target.id()),
                    new PartitionRecord(target, new PartitionMetadata(0, count, size)).encode());
        }
        batch.deleteRange(KeyLayout.indexStateStart(table.id(), index.id()),
                KeyLayout.indexStateEnd(table.id(), index.id()));
        return batch;
    }

    /** The position of the partition among {@code partitions} that owns {@code hash}. */
    private static int owner(List<PartitionDescriptor> partitions, long hash) {
        for (int i = 0; i < partitions.size(); i++) {
            if (partitions.get(i).owns(hash)) {
                return i;
            }
        }
        throw new IllegalStateException("no partition owns hash " + Long.toHexString(hash) + ": " + partitions);
    }

    /**
     * Gives the global indexes of catalog records of table metadata format 3 their partitions (format 4,
     * docs/design/cluster.md §15): per global index, as many equal hash ranges of the index key's hash as the table
     * has partitions, with ids from {@code next-partition-id}. Per table, the record and the counter go in one
     * synced batch, and a record is upgraded iff it is of format 3 and has a global index, so an interrupted upgrade
     * resumes where it stopped. The key layout is unchanged (entries keep their keys), so the storage format
     * version is too. Records of formats 1 and 2 were brought to format 4 by {@link #migrateTable} already.
     */
    private static void upgradeGlobalIndexPartitions(WritableStorage storage) {
        for (Map.Entry<byte[], byte[]> entry : catalogRecords(storage)) {
            if (TableMetadataCodec.version(entry.getValue()) != 3) {
                continue;
            }
            PartitionIdAllocator allocator = new PartitionIdAllocator(storage);
            TableMetadata table = TableMetadataCodec.decode(entry.getValue(), allocator);
            if (table.indexPartitions().isEmpty()) {
                continue;
            }
            storage.write(new WriteBatch().put(entry.getKey(), TableMetadataCodec.encode(table))
                    .put(Catalog.NEXT_PARTITION_ID_KEY, allocator.nextIdBytes()), true);
            LOG.info("Gave the global indexes of table {} their partitions", table.name());
        }
    }

    /** Hands out partition ids from the store's {@code next-partition-id}, for partitions stored without ids. */
    private static final class PartitionIdAllocator implements TableMetadataCodec.LegacyPartitions {
        private long nextId;

        PartitionIdAllocator(StorageReader storage) {
            byte[] next = storage.get(Catalog.NEXT_PARTITION_ID_KEY);
            this.nextId = next == null ? 1 : ByteBuffer.wrap(next).getLong();
        }

        @Override
        public List<PartitionDescriptor> of(long tableId, int indexId, int partitionCount) {
            List<PartitionDescriptor> partitions = PartitionDescriptor.equalRanges(tableId, indexId, nextId,
                    partitionCount, GroupStateMachine.LOCAL_GROUP_ID);
            nextId += partitionCount;
            return partitions;
        }

        byte[] nextIdBytes() {
            return ByteBuffer.allocate(8).putLong(nextId).array();
        }
    }

    /** What a node does with the old ledger's records before they are deleted ({@link #retireOldLedger}). */
    @FunctionalInterface
    interface OldLedger {
        /**
         * @param decisions the commit decisions of {@code 0x07}, by transaction id
         * @param tokens the token records of {@code 0x08}, by ClientRequestToken
         */
        void settle(Map<Long, TransactionRecord> decisions, Map<String, TokenRecord> tokens);
    }

    /**
     * Retires the old transaction ledger and token spaces ({@code 0x07}, {@code 0x08}; docs/design/cluster.md §4.3
     * step 3): hands their records to {@code settle} (which must have made what they mean durable elsewhere when it
     * returns: the transactions completed, the tokens copied into ledger rows), then deletes them, synced. A crash
     * in between settles them again at the next start, which changes nothing twice. Does nothing when both spaces
     * are empty (every store written since step 7).
     */
    static void retireOldLedger(WritableStorage storage, OldLedger settle) {
        requireNonNull(storage, "storage is null");
        requireNonNull(settle, "settle is null");
        Map<Long, TransactionRecord> decisions = new LinkedHashMap<>();
        Map<String, TokenRecord> tokens = new LinkedHashMap<>();
        try (StorageIterator records = storage.iterator(KeyLayout.transactionsStart(), KeyLayout.transactionsEnd())) {
            for (records.seekToFirst(); records.isValid(); records.next()) {
                decisions.put(KeyLayout.transactionOfKey(records.key()), TransactionRecord.decode(records.value()));
            }
        }
        try (StorageIterator records = storage.iterator(KeyLayout.tokensStart(), KeyLayout.tokensEnd())) {
            for (records.seekToFirst(); records.isValid(); records.next()) {
                tokens.put(KeyLayout.tokenOf(records.key()), TokenRecord.decode(records.value()));
            }
        }
        if (decisions.isEmpty() && tokens.isEmpty()) {
            return;
        }
        settle.settle(decisions, tokens);
        storage.write(new WriteBatch()
                .deleteRange(KeyLayout.transactionsStart(), KeyLayout.transactionsEnd())
                .deleteRange(KeyLayout.tokensStart(), KeyLayout.tokensEnd()), true);
        LOG.info("Retired the old transaction ledger: {} decision(s), {} token(s)", decisions.size(), tokens.size());
    }

    private static List<Map.Entry<byte[], byte[]>> catalogRecords(WritableStorage storage) {
        List<Map.Entry<byte[], byte[]>> records = new ArrayList<>();
        try (StorageIterator iterator = storage.iterator(KeyLayout.catalogStart(), KeyLayout.catalogEnd())) {
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                records.add(Map.entry(iterator.key(), iterator.value()));
            }
        }
        return records;
    }

    private static void migrateTable(WritableStorage storage, byte[] catalogKey, byte[] stored) {
        // The table's partitions get the first ids, its global indexes' (format 4) the next ones.
        PartitionIdAllocator allocator = new PartitionIdAllocator(storage);
        TableMetadata table = TableMetadataCodec.decode(stored, allocator);
        List<PartitionDescriptor> partitions = table.partitions();
        long tableId = table.id();
        WriteBatch batch = new WriteBatch();
        batch.put(catalogKey, TableMetadataCodec.encode(table));
        batch.put(Catalog.NEXT_PARTITION_ID_KEY, allocator.nextIdBytes());
        try (StorageIterator records = v1Records(storage, KeyLayout.V1_PARTITIONS, tableId)) {
            for (records.seekToFirst(); records.isValid(); records.next()) {
                PartitionDescriptor partition = partitionAt(partitions, records.key(), 9);
                PartitionMetadata metadata = PartitionMetadata.decode(records.value());
                batch.put(KeyLayout.partitionRecordKey(tableId, partition.id()),
                        new PartitionRecord(partition, metadata).encode());
            }
        }
        try (StorageIterator records = v1Records(storage, KeyLayout.V1_CHANGES, tableId)) {
            for (records.seekToFirst(); records.isValid(); records.next()) {
                PartitionDescriptor partition = partitionAt(partitions, records.key(), 9);
                batch.put(KeyLayout.changeKey(tableId, partition.id(), KeyLayout.readLong(records.key(), 13)),
                        records.value());
            }
        }
        try (StorageIterator records = v1Records(storage, KeyLayout.V1_INDEX_STATE, tableId)) {
            for (records.seekToFirst(); records.isValid(); records.next()) {
                byte[] key = records.key();
                int indexId = (key[9] & 0xFF) << 8 | (key[10] & 0xFF);
                PartitionDescriptor partition = partitionAt(partitions, key, 11);
                batch.put(KeyLayout.indexStateKey(tableId, partition.id(), indexId), records.value());
            }
        }
        try (StorageIterator records = v1Records(storage, KeyLayout.V1_PREPARED, tableId)) {
            for (records.seekToFirst(); records.isValid(); records.next()) {
                PartitionDescriptor partition = partitionAt(partitions, records.key(), 9);
                batch.put(KeyLayout.preparedKey(tableId, partition.id(), KeyLayout.readLong(records.key(), 13)),
                        records.value());
            }
        }
        for (byte keySpace : new byte[] {KeyLayout.V1_PARTITIONS, KeyLayout.V1_CHANGES, KeyLayout.V1_INDEX_STATE,
                KeyLayout.V1_PREPARED}) {
            batch.deleteRange(KeyLayout.tableStart(keySpace, tableId), KeyLayout.tableEnd(keySpace, tableId));
        }
        storage.write(batch, true);
    }

    private static StorageIterator v1Records(WritableStorage storage, byte keySpace, long tableId) {
        return storage.iterator(KeyLayout.tableStart(keySpace, tableId), KeyLayout.tableEnd(keySpace, tableId));
    }

    /** The partition a v1 key names by the 4-byte ordinal at {@code offset}. */
    private static PartitionDescriptor partitionAt(List<PartitionDescriptor> partitions, byte[] key, int offset) {
        int ordinal = (key[offset] & 0xFF) << 24 | (key[offset + 1] & 0xFF) << 16 | (key[offset + 2] & 0xFF) << 8
                | (key[offset + 3] & 0xFF);
        if (ordinal < 0 || ordinal >= partitions.size()) {
            throw new IllegalStateException("a v1 key names partition " + ordinal + " of a table with "
                    + partitions.size() + " partitions");
        }
        return partitions.get(ordinal);
    }
}
