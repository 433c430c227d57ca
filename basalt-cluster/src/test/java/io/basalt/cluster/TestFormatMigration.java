package io.basalt.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.Item;
import io.basalt.model.ItemSize;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.PrimaryKey;
import io.basalt.model.Projection;
import io.basalt.model.SecondaryIndex;
import io.basalt.partition.IndexPartitionState;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionHash;
import io.basalt.partition.PartitionMetadata;
import io.basalt.partition.PartitionRecord;
import io.basalt.partition.PutItemOperation;
import io.basalt.partition.apply.GroupApplyState;
import io.basalt.partition.encoding.ByteWriter;
import io.basalt.partition.encoding.ItemCodec;
import io.basalt.storage.StorageEngine;
import io.basalt.storage.StorageIterator;
import io.basalt.storage.WriteBatch;
import io.basalt.storage.memory.InMemoryStorageEngine;
import io.basalt.storage.rocksdb.RocksDbStorageEngine;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The v1 → v2 format migration (docs/design/cluster.md §4.3) over stores of layout v1 built by hand
 * ({@link V1Store}), on both storage engines: every record lands under its partition's new id, nothing else
 * changes, an interrupted migration resumes, and a migrated store serves its tables.
 */
class TestFormatMigration {
    private static final long SEED = Long.getLong("basalt.seed", System.nanoTime());
    private static final HexFormat HEX = HexFormat.of();
    private static final KeySchema SCHEMA = KeySchema.of(new KeyAttribute("pk", AttributeType.S),
            new KeyAttribute("sk", AttributeType.N));
    private static final List<KeyAttribute> ATTRIBUTES = List.of(SCHEMA.partitionKey(), SCHEMA.sortKey().orElseThrow());
    private static final SecondaryIndex LOCAL_INDEX = SecondaryIndex.local("ByN", 1,
            new KeyAttribute("pk", AttributeType.S), new KeyAttribute("n", AttributeType.N), Projection.KEYS_ONLY);
    /** A prepared transaction the v1 store holds on Alpha's second partition. */
    private static final long TRANSACTION = 77;

    /** One table of the hand-built store. Catalog (name) order differs from id order on purpose. */
    private record V1Table(String name, long id, int partitions, boolean localIndex) {
    }

    private static final List<V1Table> TABLES = List.of(new V1Table("Alpha", 3, 4, true),
            new V1Table("Beta", 1, 1, false), new V1Table("Gamma", 7, 3, false));

    @TempDir
    Path directory;

    /** What the test wrote in layout v1, and what layout v2 must hold after the migration (hex key → hex value). */
    private final Map<String, String> v1 = new TreeMap<>();
    private final Map<String, String> expected = new TreeMap<>();
    /** The items of each table, by table name and partition key. */
    private final Map<String, Map<String, Item>> items = new LinkedHashMap<>();

    @ParameterizedTest
    @ValueSource(strings = {"memory", "rocksdb"})
    void migratesEveryRecordOfEveryTable(String engine) {
        System.out.println("TestFormatMigration seed: " + SEED);
        try (StorageEngine storage = open(engine)) {
            buildV1Store(storage);
            assertThat(FormatMigration.version(storage)).isEqualTo(1);
            FormatMigration.run(storage, FormatMigration.NO_HOOK);
            assertThat(FormatMigration.version(storage)).isEqualTo(2);
            assertThat(dump(storage)).as("seed %d", SEED).isEqualTo(expected);
            FormatMigration.run(storage, FormatMigration.NO_HOOK);
            assertThat(dump(storage)).as("a migrated store is left alone").isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "rocksdb"})
    void anInterruptedMigrationResumesWhereItStopped(String engine) {
        StorageEngine storage = open(engine);
        try {
            buildV1Store(storage);
            FormatMigration.Hook failFirst = table -> {
                throw new IllegalStateException("killed before " + table);
            };
            assertThatThrownBy(() -> FormatMigration.run(storage, failFirst)).hasMessage("killed before Alpha");
            assertThat(dump(storage)).as("nothing changed").isEqualTo(v1);

            FormatMigration.Hook failSecond = table -> {
                if (table.equals("Beta")) {
                    throw new IllegalStateException("killed before " + table);
                }
            };
            assertThatThrownBy(() -> FormatMigration.run(storage, failSecond)).hasMessage("killed before Beta");
            // Alpha is migrated, Beta and Gamma are not, and the store is not yet of version 2.
            assertThat(catalogVersion(storage, "Alpha")).as("the current table metadata format").isEqualTo(4);
            assertThat(catalogVersion(storage, "Beta")).isEqualTo(2);
            assertThat(catalogVersion(storage, "Gamma")).isEqualTo(2);
            assertThat(FormatMigration.version(storage)).isEqualTo(1);
            assertThat(count(storage, KeyLayout.tableStart(KeyLayout.V1_PARTITIONS, 3),
                    KeyLayout.tableEnd(KeyLayout.V1_PARTITIONS, 3))).isZero();
            assertThat(count(storage, KeyLayout.tableStart(KeyLayout.V1_PARTITIONS, 7),
                    KeyLayout.tableEnd(KeyLayout.V1_PARTITIONS, 7))).isEqualTo(3);
        } finally {
            if (engine.equals("rocksdb")) {
                storage.close();
            }
        }
        StorageEngine resumed = engine.equals("rocksdb") ? open(engine) : storage;
        try (resumed) {
            FormatMigration.run(resumed, FormatMigration.NO_HOOK);
            assertThat(dump(resumed)).as("seed %d", SEED).isEqualTo(expected);
        }
    }

    @Test
    void globalIndexesOfCatalogFormat3GetTheirPartitionsOnce() {
        KeyAttribute v = new KeyAttribute("v", AttributeType.S);
        List<KeyAttribute> attributes = List.of(SCHEMA.partitionKey(), SCHEMA.sortKey().orElseThrow(), v);
        TableMetadata created;
        try (BasaltNode node = BasaltNode.open(RocksDbStorageEngine.open(directory), NodeConfig.defaults())) {
            created = node.createTable(new TableDefinition("Indexed", SCHEMA, attributes,
                    BillingMode.PAY_PER_REQUEST, ProvisionedThroughput.NONE, false, null, Map.of(),
                    List.of(new IndexDefinition("ByV", true, List.of(v), List.of(), Projection.ALL,
                            ProvisionedThroughput.NONE))));
            // The index's ids follow the table's (the internal ledger table, created first, has the lowest).
            long firstOfTable = created.partitions().get(0).id().value();
            assertThat(created.globalIndexes().get(0).partitions()).as("allocated with the table")
                    .isEqualTo(PartitionDescriptor.equalRanges(created.id(), 1,
                            firstOfTable + created.partitionCount(), created.partitionCount(), 1));
        }
        // A store written before global indexes had partitions: the record in format 3, the counter after the
        // table's own partitions.
        long next = created.partitions().get(0).id().value() + created.partitionCount();
        try (StorageEngine storage = RocksDbStorageEngine.open(directory)) {
            storage.write(new WriteBatch().put(KeyLayout.catalogKey("Indexed"), TableMetadataCodec.encode(created, 3))
                    .put(Catalog.NEXT_PARTITION_ID_KEY, ByteBuffer.allocate(8).putLong(next).array()), true);
        }
        for (int open = 0; open < 2; open++) {
            try (BasaltNode node = BasaltNode.open(RocksDbStorageEngine.open(directory), NodeConfig.defaults())) {
                TableMetadata upgraded = node.describeTable("Indexed");
                assertThat(upgraded).as("upgraded once, then read as it is").isEqualTo(created);
                assertThat(TableMetadataCodec.version(node.storage().get(KeyLayout.catalogKey("Indexed"))))
                        .isEqualTo(4);
            }
        }
        try (BasaltNode node = BasaltNode.open(RocksDbStorageEngine.open(directory), NodeConfig.defaults())) {
            node.createTable(new TableDefinition("Later", SCHEMA, ATTRIBUTES, BillingMode.PAY_PER_REQUEST,
                    ProvisionedThroughput.NONE, false, null, Map.of(), List.of()));
            assertThat(node.describeTable("Later").partitions().get(0).id().value())
                    .as("new partitions take ids after the upgraded ones").isEqualTo(next + created.partitionCount());
        }
    }

    @Test
    void aMigratedStoreServesItsTables() {
        try (StorageEngine storage = open("rocksdb")) {
            buildV1Store(storage);
            // Transaction 77 is decided (its ledger record is durable) but not applied on Alpha's second partition.
            Item key = keyItem(pkOn("Alpha", 1));
            Item image = item(pkOn("Alpha", 1), 0, "committed");
            // A token of a transaction committed a minute ago, remembered in the old token space (0x08).
            storage.write(new WriteBatch().put(KeyLayout.transactionKey(TRANSACTION),
                    v1TransactionRecord(3, 1, itemKey(3, pkOn("Alpha", 1)), key, image))
                    .put(KeyLayout.tokenKey("old-token"), new TokenRecord("old-request",
                            java.time.Instant.now().plusSeconds(540), new long[] {11}, new long[] {12}).encode())
                    .put(KeyLayout.tokenKey("expired-token"), new TokenRecord("old-request",
                            java.time.Instant.now().minusSeconds(1), new long[] {1}, new long[] {2}).encode()),
                    true);
        }
        V1Table gamma = TABLES.get(2);
        Map<String, Item> gammaItems = items.get("Gamma");
        try (BasaltNode node = BasaltNode.open(RocksDbStorageEngine.open(directory), NodeConfig.defaults())) {
            TableMetadata alpha = node.tableForItems("Alpha");
            assertThat(alpha.partitions()).isEqualTo(PartitionDescriptor.equalRanges(3, 0, 1, 4, 1));
            assertThat(node.read(alpha, primaryKey(pkOn("Alpha", 1))))
                    .as("the ledger completes the transaction on the migrated partition")
                    .isEqualTo(item(pkOn("Alpha", 1), 0, "committed"));
            // The old ledger is retired (cluster.md §4.3 step 3): its live token is a ledger row, answering as before.
            assertThat(keysIn(node.storage(), KeyLayout.transactionsStart(), KeyLayout.transactionsEnd())).isZero();
            assertThat(keysIn(node.storage(), KeyLayout.tokensStart(), KeyLayout.tokensEnd())).isZero();
            TransactionResult replay = node.transactWrite(List.of(new TransactionAction(alpha,
                    new PutItemOperation(primaryKey("z999"), item("z999", 1, "never")), false)), "old-token",
                    "old-request")
                    .join();
            assertThat(replay.retried()).isTrue();
            assertThat(replay.writes()).singleElement().satisfies(write -> {
                assertThat(write.oldSize()).isEqualTo(11);
                assertThat(write.newSize()).isEqualTo(12);
            });
            assertThat(node.read(alpha, primaryKey("z999"))).as("a replay writes nothing").isNull();
            assertThat(node.ledger().read("tok:expired-token")).as("an expired token is not copied").isNull();
            TableMetadata table = node.tableForItems("Gamma");
            assertThat(table.partitions()).isEqualTo(PartitionDescriptor.equalRanges(7, 0, 6, 3, 1));
            gammaItems.forEach((pk, item) -> assertThat(node.read(table, primaryKey(pk))).isEqualTo(item));
            long size = gammaItems.values().stream().mapToLong(ItemSize::of).sum();
            assertThat(node.statistics(table)).isEqualTo(new TableStatistics(gammaItems.size(), size));

            // Writes go on from each partition's migrated sequence.
            Item added = item("added", 1, "new");
            node.write(table, new PutItemOperation(primaryKey("added"), added)).join();
            assertThat(node.statistics(table)).isEqualTo(new TableStatistics(gammaItems.size() + 1,
                    size + ItemSize.of(added)));
            int ordinal = PartitionHash.partitionIndex(KeyLayout.hashOfItemKey(itemKey(7, "added")), 3);
            PartitionDescriptor partition = table.partitions().get(ordinal);
            PartitionRecord stored = PartitionRecord.decode(node.storage().get(
                    KeyLayout.partitionRecordKey(7, partition.id())));
            assertThat(stored.descriptor()).isEqualTo(partition);
            // The write, and perhaps already the entry trimming the migrated change records (no index needs them).
            assertThat(stored.metadata().appliedIndex()).isBetween(appliedIndex(gamma, ordinal) + 1,
                    appliedIndex(gamma, ordinal) + 2);
        }
        try (BasaltNode node = BasaltNode.open(RocksDbStorageEngine.open(directory), NodeConfig.defaults())) {
            TableMetadata table = node.tableForItems("Gamma");
            assertThat(node.read(table, primaryKey("added"))).isEqualTo(item("added", 1, "new"));
            assertThat(node.statistics(table).itemCount()).isEqualTo(gammaItems.size() + 1);
            // New tables take partition ids after the migrated ones (the ledger table, created at the first start
            // after the migration, took the next four).
            assertThat(node.ledgerTable().partitions().get(0).id().value()).isEqualTo(9);
            node.createTable(new TableDefinition("Delta", SCHEMA, ATTRIBUTES, BillingMode.PAY_PER_REQUEST,
                    ProvisionedThroughput.NONE, false, null, Map.of(), List.of()));
            assertThat(node.describeTable("Delta").partitions().get(0).id().value()).isEqualTo(13);
        }
    }

    @Test
    void aNewStoreIsOfTheCurrentVersionAndAllocatesPartitionIds() {
        try (BasaltNode node = BasaltNode.open(new InMemoryStorageEngine(), NodeConfig.defaults())) {
            assertThat(FormatMigration.version(node.storage())).isEqualTo(KeyLayout.FORMAT_VERSION);
            for (String name : List.of("One", "Two")) {
                node.createTable(new TableDefinition(name, SCHEMA, ATTRIBUTES, BillingMode.PAY_PER_REQUEST,
                        ProvisionedThroughput.NONE, false, null, Map.of(), List.of()));
            }
            int count = NodeConfig.defaults().partitionsPerTable();
            // The ledger table is the first table of a new store (created on the first start).
            TableMetadata ledger = node.ledgerTable();
            assertThat(ledger.partitions()).isEqualTo(PartitionDescriptor.equalRanges(ledger.id(), 0, 1, count, 1));
            TableMetadata one = node.describeTable("One");
            TableMetadata two = node.describeTable("Two");
            assertThat(one.partitions()).isEqualTo(PartitionDescriptor.equalRanges(one.id(), 0, 1 + count, count,
                    1));
            assertThat(two.partitions()).isEqualTo(PartitionDescriptor.equalRanges(two.id(), 0, 1 + 2L * count,
                    count, 1));
            // A dropped table's ids are never given again.
            node.deleteTable(node.describeTable("One"));
            node.createTable(new TableDefinition("Three", SCHEMA, ATTRIBUTES, BillingMode.PAY_PER_REQUEST,
                    ProvisionedThroughput.NONE, false, null, Map.of(), List.of()));
            assertThat(node.describeTable("Three").partitions().get(0).id().value()).isEqualTo(1 + 3L * count);
        }
    }

    @Test
    void aStoreOfANewerFormatRefusesToOpen() {
        InMemoryStorageEngine storage = new InMemoryStorageEngine();
        storage.write(new WriteBatch().put(KeyLayout.nodeKey(KeyLayout.FORMAT_VERSION_KEY),
                ByteBuffer.allocate(4).putInt(3).array()), true);
        assertThatThrownBy(() -> FormatMigration.run(storage, FormatMigration.NO_HOOK))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("The data directory is in storage format version 3, which this version of Basalt "
                        + "(storage format version 2) cannot read");
        assertThatThrownBy(() -> BasaltNode.open(storage, NodeConfig.defaults()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("storage format version 3");
        storage.close();
    }

    private static int keysIn(io.basalt.storage.StorageReader storage, byte[] start, byte[] end) {
        int count = 0;
        try (var records = storage.iterator(start, end)) {
            for (records.seekToFirst(); records.isValid(); records.next()) {
                count++;
            }
        }
        return count;
    }

    // ---- the hand-built v1 store and what v2 must make of it ----

    private void buildV1Store(StorageEngine storage) {
        Random random = new Random(SEED);
        put(v1, KeyLayout.nodeKey("next-table-id"), ByteBuffer.allocate(8).putLong(8).array());
        put(v1, KeyLayout.groupStateKey(1), new GroupApplyState(0, 50).encode());
        long nextPartitionId = 1;
        for (V1Table table : TABLES.stream().sorted((a, b) -> a.name().compareTo(b.name())).toList()) {
            List<PartitionDescriptor> partitions = PartitionDescriptor.equalRanges(table.id(), 0, nextPartitionId,
                    table.partitions(), 1);
            nextPartitionId += table.partitions();
            TableMetadata metadata = metadata(table, partitions);
            put(v1, KeyLayout.catalogKey(table.name()), V1Store.catalogValue(metadata));
            put(expected, KeyLayout.catalogKey(table.name()), TableMetadataCodec.encode(metadata));
            long[] counts = new long[table.partitions()];
            long[] sizes = new long[table.partitions()];
            Map<String, Item> tableItems = new LinkedHashMap<>();
            for (int i = 0; i < 12 + random.nextInt(20); i++) {
                Item item = item("k" + i, i, "v".repeat(random.nextInt(40)));
                byte[] itemKey = itemKey(table.id(), "k" + i);
                int ordinal = PartitionHash.partitionIndex(KeyLayout.hashOfItemKey(itemKey), table.partitions());
                put(v1, itemKey, ItemCodec.encode(item));
                counts[ordinal]++;
                sizes[ordinal] += ItemSize.of(item);
                tableItems.put("k" + i, item);
                if (table.localIndex()) {
                    put(v1, KeyLayout.itemCollectionKey(table.id(), AttributeValue.string("k" + i)),
                            new ByteWriter(4).writeVarLong(ItemSize.of(item)).toByteArray());
                }
            }
            items.put(table.name(), tableItems);
            for (int ordinal = 0; ordinal < table.partitions(); ordinal++) {
                PartitionDescriptor partition = partitions.get(ordinal);
                PartitionMetadata partitionMetadata = new PartitionMetadata(appliedIndex(table, ordinal),
                        counts[ordinal], sizes[ordinal]);
                put(v1, V1Store.partitionKey(table.id(), ordinal), partitionMetadata.encode());
                put(expected, KeyLayout.partitionRecordKey(table.id(), partition.id()),
                        new PartitionRecord(partition, partitionMetadata).encode());
                for (long index = partitionMetadata.appliedIndex() - 2; index <= partitionMetadata.appliedIndex();
                        index++) {
                    byte[] change = randomBytes(random);
                    put(v1, V1Store.changeKey(table.id(), ordinal, index), change);
                    put(expected, KeyLayout.changeKey(table.id(), partition.id(), index), change);
                }
                if (table.localIndex()) {
                    byte[] state = new IndexPartitionState(counts[ordinal], sizes[ordinal], 0, true).encode();
                    put(v1, V1Store.indexStateKey(table.id(), LOCAL_INDEX.id(), ordinal), state);
                    put(expected, KeyLayout.indexStateKey(table.id(), partition.id(), LOCAL_INDEX.id()), state);
                }
            }
            if (table.name().equals("Alpha")) {
                // A version 1 prepare record: [1][timestamp:8][count][key length][key].
                byte[] held = itemKey(3, pkOn("Alpha", 1));
                byte[] prepared = new ByteWriter().writeByte(1).writeLong(1).writeVarInt(1).writeVarInt(held.length)
                        .writeBytes(held).toByteArray();
                put(v1, V1Store.preparedKey(3, 1, TRANSACTION), prepared);
                put(expected, KeyLayout.preparedKey(3, partitions.get(1).id(), TRANSACTION), prepared);
            }
        }
        // Everything but the v1 partition-scoped spaces carries over unchanged.
        v1.forEach((key, value) -> {
            byte space = HEX.parseHex(key)[0];
            if (space != KeyLayout.V1_PARTITIONS && space != KeyLayout.V1_CHANGES
                    && space != KeyLayout.V1_INDEX_STATE && space != KeyLayout.V1_PREPARED) {
                expected.putIfAbsent(key, value);
            }
        });
        put(expected, KeyLayout.nodeKey("next-partition-id"), ByteBuffer.allocate(8).putLong(nextPartitionId).array());
        put(expected, KeyLayout.nodeKey(KeyLayout.FORMAT_VERSION_KEY), ByteBuffer.allocate(4).putInt(2).array());
        WriteBatch batch = new WriteBatch();
        v1.forEach((key, value) -> batch.put(HEX.parseHex(key), HEX.parseHex(value)));
        storage.write(batch, true);
    }

    private static TableMetadata metadata(V1Table table, List<PartitionDescriptor> partitions) {
        List<IndexMetadata> indexes = table.localIndex() ? List.of(new IndexMetadata(LOCAL_INDEX,
                ProvisionedThroughput.NONE, IndexPhase.STEADY, TableStatus.CREATING, Instant.EPOCH)) : List.of();
        return new TableMetadata(table.name(), table.id(), "uuid-" + table.id(), SCHEMA, ATTRIBUTES,
                BillingMode.PAY_PER_REQUEST, ProvisionedThroughput.NONE, Instant.EPOCH, Instant.EPOCH,
                TableStatus.CREATING, Instant.EPOCH, false, null, Map.of(), partitions, indexes, indexes.size() + 1);
    }

    private static long appliedIndex(V1Table table, int ordinal) {
        return 10 + 3L * ordinal + table.id();
    }

    /** The first item key ("k0", "k1", ...) of a table that lies on partition {@code ordinal}. */
    private String pkOn(String tableName, int ordinal) {
        V1Table table = TABLES.stream().filter(t -> t.name().equals(tableName)).findFirst().orElseThrow();
        for (String pk : items.get(tableName).keySet()) {
            if (PartitionHash.partitionIndex(KeyLayout.hashOfItemKey(itemKey(table.id(), pk)), table.partitions())
                    == ordinal) {
                return pk;
            }
        }
        throw new IllegalStateException("no item of " + tableName + " on partition " + ordinal);
    }

    private static Item item(String pk, long sk, String value) {
        Map<String, AttributeValue> attributes = new LinkedHashMap<>();
        attributes.put("pk", AttributeValue.string(pk));
        attributes.put("sk", AttributeValue.number(sk));
        attributes.put("n", AttributeValue.number(sk * 2));
        attributes.put("v", AttributeValue.string(value));
        return new Item(attributes);
    }

    private static Item keyItem(String pk) {
        Map<String, AttributeValue> attributes = new LinkedHashMap<>();
        attributes.put("pk", AttributeValue.string(pk));
        attributes.put("sk", AttributeValue.number(Long.parseLong(pk.substring(1))));
        return new Item(attributes);
    }

    private static PrimaryKey primaryKey(String pk) {
        long sk = pk.equals("added") ? 1 : Long.parseLong(pk.substring(1));
        return new PrimaryKey(AttributeValue.string(pk), Optional.of(AttributeValue.number(sk)));
    }

    private static byte[] itemKey(long tableId, String pk) {
        return KeyLayout.itemKey(tableId, KeyLayout.BASE_TABLE_INDEX, SCHEMA, primaryKey(pk));
    }

    private StorageEngine open(String engine) {
        return engine.equals("memory") ? new InMemoryStorageEngine() : RocksDbStorageEngine.open(directory);
    }

    private static int catalogVersion(StorageEngine storage, String table) {
        return TableMetadataCodec.version(storage.get(KeyLayout.catalogKey(table)));
    }

    private static void put(Map<String, String> map, byte[] key, byte[] value) {
        map.put(HEX.formatHex(key), HEX.formatHex(value));
    }

    private static byte[] randomBytes(Random random) {
        byte[] bytes = new byte[1 + random.nextInt(30)];
        random.nextBytes(bytes);
        return bytes;
    }

    private static Map<String, String> dump(StorageEngine storage) {
        Map<String, String> dump = new TreeMap<>();
        try (StorageIterator iterator = storage.iterator(new byte[] {0}, new byte[] {(byte) 0xFF})) {
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                put(dump, iterator.key(), iterator.value());
            }
        }
        return dump;
    }

    private static long count(StorageEngine storage, byte[] start, byte[] end) {
        long count = 0;
        try (StorageIterator iterator = storage.iterator(start, end)) {
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                count++;
            }
        }
        return count;
    }

    /** A ledger record as version 1 wrote it: one write, with the partition ordinal after the table id. */
    private static byte[] v1TransactionRecord(long tableId, int ordinal, byte[] itemKey, Item key, Item image) {
        ByteWriter out = new ByteWriter(256);
        out.writeByte((byte) 1);
        out.writeVarInt(1);
        out.writeLong(tableId);
        out.writeVarInt(ordinal);
        out.writeVarInt(itemKey.length);
        out.writeBytes(itemKey);
        byte[] encodedKey = ItemCodec.encode(key);
        out.writeVarInt(encodedKey.length);
        out.writeBytes(encodedKey);
        byte[] encodedImage = ItemCodec.encode(image);
        out.writeByte((byte) 1);
        out.writeVarInt(encodedImage.length);
        out.writeBytes(encodedImage);
        return out.toByteArray();
    }
}
