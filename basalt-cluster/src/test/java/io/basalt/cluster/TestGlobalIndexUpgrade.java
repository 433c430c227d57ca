package io.basalt.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.Item;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.PrimaryKey;
import io.basalt.model.Projection;
import io.basalt.partition.DeleteItemOperation;
import io.basalt.partition.IndexEntries;
import io.basalt.partition.IndexPartitionState;
import io.basalt.partition.IndexPosition;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PutItemOperation;
import io.basalt.partition.encoding.ItemCodec;
import io.basalt.storage.StorageEngine;
import io.basalt.storage.StorageIterator;
import io.basalt.storage.StorageReader;
import io.basalt.storage.WriteBatch;
import io.basalt.storage.rocksdb.RocksDbStorageEngine;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store written before global index partitions applied entries (cluster.md §20 step 8): the entries under the
 * index's key space, and per (base partition, index) the position, count and size under {@code 0x0C}; no
 * {@code 0x13} position and no index partition record. Opening it hands the positions and counts over to the index
 * partitions once ({@code FormatMigration}), and the index keeps serving and following writes exactly.
 */
class TestGlobalIndexUpgrade {
    private static final KeySchema SCHEMA = KeySchema.of(new KeyAttribute("pk", AttributeType.S),
            new KeyAttribute("sk", AttributeType.N));
    private static final KeyAttribute V = new KeyAttribute("v", AttributeType.S);

    @TempDir
    Path directory;

    @Test
    void positionsKeptBesideTheBasePartitionsMoveToTheIndexPartitionsOnce() throws Exception {
        TableMetadata table;
        NodeConfig synchronous = NodeConfig.defaults().withGlobalIndexPropagation(GlobalIndexPropagation.SYNCHRONOUS);
        try (BasaltNode node = BasaltNode.open(RocksDbStorageEngine.open(directory), synchronous)) {
            table = node.createTable(new TableDefinition("Indexed", SCHEMA,
                    List.of(SCHEMA.partitionKey(), SCHEMA.sortKey().orElseThrow(), V), BillingMode.PAY_PER_REQUEST,
                    ProvisionedThroughput.NONE, false, null, Map.of(),
                    List.of(new IndexDefinition("ByV", true, List.of(V), List.of(), Projection.ALL,
                            ProvisionedThroughput.NONE))));
            for (int i = 0; i < 60; i++) {
                node.write(table, put(i, "v" + (i % 9))).get(10, TimeUnit.SECONDS);
            }
        }
        IndexMetadata index = table.globalIndexes().get(0);
        Map<PartitionId, IndexPartitionState> sources;
        try (StorageEngine storage = RocksDbStorageEngine.open(directory)) {
            sources = writeAsTheOldCodeDid(storage, table, index);
        }
        assertThat(sources).as("every base partition fed the index").hasSize(table.partitionCount());

        for (int open = 0; open < 2; open++) {
            try (BasaltNode node = BasaltNode.open(RocksDbStorageEngine.open(directory), synchronous)) {
                StorageReader storage = node.storage();
                assertThat(keys(storage, KeyLayout.indexStateStart(table.id(), index.id()),
                        KeyLayout.indexStateEnd(table.id(), index.id()))).as("the old states are gone").isZero();
                for (PartitionDescriptor target : index.partitions()) {
                    for (Map.Entry<PartitionId, IndexPartitionState> source : sources.entrySet()) {
                        IndexPosition moved = IndexPartitionState.decode(storage.get(KeyLayout.globalIndexPositionKey(
                                table.id(), index.id(), target.id(), source.getKey()))).position();
                        // Moved as it was; at the second open, moved on by the writes since.
                        assertThat(moved).as("the position of source %s", source.getKey())
                                .isGreaterThanOrEqualTo(source.getValue().position());
                        if (open == 0) {
                            assertThat(moved).isEqualTo(source.getValue().position());
                        }
                    }
                }
                assertThat(node.indexStatistics(table, index)).isEqualTo(expectedStatistics(storage, table, index));
                // The index follows writes on: an entry moved, one removed, one added, counted exactly.
                TableMetadata current = node.describeTable("Indexed");
                node.write(current, put(1, "moved" + open)).get(10, TimeUnit.SECONDS);
                node.write(current, new DeleteItemOperation(key(2 + open), null)).get(10, TimeUnit.SECONDS);
                node.write(current, put(100 + open, "new")).get(10, TimeUnit.SECONDS);
                assertThat(entries(storage, table, index)).isEqualTo(expectedEntries(storage, table, index));
                assertThat(node.indexStatistics(table, index)).isEqualTo(expectedStatistics(storage, table, index));
            }
        }
    }

    /**
     * Rewrites what the index partitions keep into the form the code before them wrote: per source, the sums over
     * the index partitions under {@code 0x0C}; no {@code 0x13} position, no index partition record.
     */
    private static Map<PartitionId, IndexPartitionState> writeAsTheOldCodeDid(StorageEngine storage,
            TableMetadata table, IndexMetadata index) {
        Map<PartitionId, IndexPartitionState> sums = new LinkedHashMap<>();
        WriteBatch batch = new WriteBatch();
        for (PartitionDescriptor target : index.partitions()) {
            for (PartitionDescriptor source : table.partitions()) {
                byte[] key = KeyLayout.globalIndexPositionKey(table.id(), index.id(), target.id(), source.id());
                byte[] stored = storage.get(key);
                if (stored == null) {
                    continue;
                }
                IndexPartitionState state = IndexPartitionState.decode(stored);
                IndexPartitionState sum = sums.getOrDefault(source.id(), new IndexPartitionState(0, 0,
                        state.propagatedIndex(), true));
                sums.put(source.id(), sum.plus(state.itemCount(), state.sizeBytes()));
                batch.delete(key);
            }
            batch.delete(KeyLayout.partitionRecordKey(table.id(), target.id()));
        }
        sums.forEach((source, state) -> batch.put(KeyLayout.indexStateKey(table.id(), source, index.id()),
                state.encode()));
        storage.write(batch, true);
        return sums;
    }

    private static Map<String, Item> entries(StorageReader storage, TableMetadata table, IndexMetadata index) {
        Map<String, Item> entries = new HashMap<>();
        try (StorageIterator it = storage.iterator(KeyLayout.indexStart(table.id(), index.id()),
                KeyLayout.indexEnd(table.id(), index.id()))) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                entries.put(java.util.HexFormat.of().formatHex(it.key()), ItemCodec.decode(it.value()));
            }
        }
        return entries;
    }

    private static Map<String, Item> expectedEntries(StorageReader storage, TableMetadata table,
            IndexMetadata index) {
        Map<String, Item> expected = new HashMap<>();
        try (StorageIterator items = storage.iterator(KeyLayout.indexStart(table.id(), KeyLayout.BASE_TABLE_INDEX),
                KeyLayout.indexEnd(table.id(), KeyLayout.BASE_TABLE_INDEX))) {
            for (items.seekToFirst(); items.isValid(); items.next()) {
                Item item = ItemCodec.decode(items.value());
                byte[] key = KeyLayout.indexEntryKey(table.id(), SCHEMA, index.index(), item);
                if (key != null) {
                    expected.put(java.util.HexFormat.of().formatHex(key),
                            IndexEntries.project(SCHEMA, index.index(), item));
                }
            }
        }
        return expected;
    }

    private static TableStatistics expectedStatistics(StorageReader storage, TableMetadata table,
            IndexMetadata index) {
        Map<String, Item> expected = expectedEntries(storage, table, index);
        return new TableStatistics(expected.size(), expected.values().stream().mapToLong(IndexEntries::size).sum());
    }

    private static int keys(StorageReader storage, byte[] start, byte[] end) {
        int count = 0;
        try (StorageIterator it = storage.iterator(start, end)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                count++;
            }
        }
        return count;
    }

    private static PutItemOperation put(int i, String v) {
        Map<String, AttributeValue> attributes = new LinkedHashMap<>();
        attributes.put("pk", AttributeValue.string("p" + i));
        attributes.put("sk", AttributeValue.number(i));
        attributes.put("v", AttributeValue.string(v));
        return new PutItemOperation(key(i), new Item(attributes));
    }

    private static PrimaryKey key(int i) {
        return new PrimaryKey(AttributeValue.string("p" + i), Optional.of(AttributeValue.number(i)));
    }
}
