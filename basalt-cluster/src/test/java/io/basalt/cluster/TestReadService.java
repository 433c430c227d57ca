package io.basalt.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.cluster.rpc.PartitionRpcServer;
import io.basalt.cluster.rpc.RpcCodec;
import io.basalt.cluster.rpc.RpcPartitionClient;
import io.basalt.cluster.rpc.RpcRequest;
import io.basalt.expressions.keys.KeyCondition;
import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.Item;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.PrimaryKey;
import io.basalt.model.Projection;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import io.basalt.partition.encoding.ItemCodec;
import io.basalt.partition.encoding.StoredItem;
import io.basalt.partition.read.FetchMode;
import io.basalt.partition.read.ReadResult;
import io.basalt.partition.read.ReadSource;
import io.basalt.partition.read.ReadSpec;
import io.basalt.partition.read.ScanRange;
import io.basalt.partition.read.StopReason;
import io.basalt.storage.WritableStorage;
import io.basalt.storage.WriteBatch;
import io.basalt.storage.memory.InMemoryStorageEngine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A Scan segment that spans several partitions, read partition by partition with the page's Limit and byte budget
 * carried from one to the next, returns the same pages (items, order, counts, LastEvaluatedKey) as the same range
 * read as one partition (docs/design/cluster.md §9.3); Queries of the table, a local index (with its fetch of table
 * items) and a global index (from the index's own partitions) read the same keys through the partition client as
 * from the node's one storage.
 */
class TestReadService {
    private static final KeySchema SCHEMA = KeySchema.of(new KeyAttribute("pk", AttributeType.S),
            new KeyAttribute("sk", AttributeType.N));

    @Test
    void scanPagesAreTheSameWhetherPartitionsAreWalkedOrReadAsOneRange() {
        try (BasaltNode node = BasaltNode.open(new InMemoryStorageEngine(), NodeConfig.defaults())) {
            TableMetadata table = node.createTable(new TableDefinition("Walked", SCHEMA,
                    List.of(SCHEMA.partitionKey(), SCHEMA.sortKey().orElseThrow()), BillingMode.PAY_PER_REQUEST,
                    ProvisionedThroughput.NONE, false, null, Map.of(), List.of()));
            assertThat(table.partitionCount()).as("the default table has several partitions").isGreaterThan(1);
            Random random = new Random(16);
            WriteBatch batch = new WriteBatch();
            for (int i = 0; i < 400; i++) {
                Map<String, AttributeValue> attributes = new LinkedHashMap<>();
                attributes.put("pk", AttributeValue.string("k" + random.nextInt(150)));
                attributes.put("sk", AttributeValue.number(Integer.toString(i)));
                attributes.put("data", AttributeValue.string("x".repeat(random.nextInt(300))));
                batch.put(KeyLayout.itemKey(table.id(), KeyLayout.BASE_TABLE_INDEX, SCHEMA,
                        new PrimaryKey(attributes.get("pk"), Optional.of(attributes.get("sk")))),
                        ItemCodec.encode(new Item(attributes)));
            }
            ((WritableStorage) node.storage()).write(batch, false);
            ReadService walking = new ReadService(node.storage(), node.partitionClient(), true);
            ReadService oneRange = new ReadService(node.storage(), node.partitionClient(), false);
            for (int round = 0; round < 60; round++) {
                int totalSegments = 1 + random.nextInt(3);
                int segment = random.nextInt(totalSegments);
                int limit = 1 + random.nextInt(round % 3 == 0 ? 500 : 40);
                long budget = round % 2 == 0 ? ReadSpec.MAX_PAGE_BYTES : 200 + random.nextInt(20_000);
                List<ReadResult> walked = allPages(walking, table, new ScanRange(segment, totalSegments), limit,
                        budget);
                List<ReadResult> read = allPages(oneRange, table, new ScanRange(segment, totalSegments), limit,
                        budget);
                assertThat(walked).hasSameSizeAs(read);
                for (int page = 0; page < read.size(); page++) {
                    ReadResult expected = read.get(page);
                    ReadResult actual = walked.get(page);
                    String what = "round " + round + " page " + page;
                    assertThat(items(actual)).as(what).isEqualTo(items(expected));
                    assertThat(actual.scannedCount()).as(what).isEqualTo(expected.scannedCount());
                    assertThat(actual.scannedBytes()).as(what).isEqualTo(expected.scannedBytes());
                    assertThat(actual.stopReason()).as(what).isEqualTo(expected.stopReason());
                    assertThat(actual.lastEvaluatedKey()).as(what).isEqualTo(expected.lastEvaluatedKey());
                }
            }
        }
    }

    @Test
    void queriesAndScansOfTheTableAndItsIndexesReadTheSameKeysWhenWalkedThroughTheClient() {
        NodeConfig config = NodeConfig.defaults().withSyncWrites(false)
                .withGlobalIndexPropagation(GlobalIndexPropagation.SYNCHRONOUS);
        try (BasaltNode node = BasaltNode.open(new InMemoryStorageEngine(), config)) {
            KeyAttribute state = new KeyAttribute("state", AttributeType.S);
            KeyAttribute group = new KeyAttribute("group", AttributeType.S);
            KeyAttribute score = new KeyAttribute("score", AttributeType.N);
            TableMetadata table = node.createTable(new TableDefinition("Indexed", SCHEMA,
                    List.of(SCHEMA.partitionKey(), SCHEMA.sortKey().orElseThrow(), state, group, score),
                    BillingMode.PAY_PER_REQUEST, ProvisionedThroughput.NONE, false, null, Map.of(), List.of(
                            new IndexDefinition("ByState", false, List.of(SCHEMA.partitionKey()), List.of(state),
                                    Projection.KEYS_ONLY, ProvisionedThroughput.NONE),
                            new IndexDefinition("ByGroup", true, List.of(group), List.of(score), Projection.ALL,
                                    ProvisionedThroughput.NONE))));
            IndexMetadata local = table.index("ByState").orElseThrow();
            IndexMetadata global = table.index("ByGroup").orElseThrow();
            assertThat(global.partitions()).as("the global index has partitions of its own").isNotEmpty();
            Random random = new Random(17);
            for (int i = 0; i < 300; i++) {
                Map<String, AttributeValue> attributes = new LinkedHashMap<>();
                attributes.put("pk", AttributeValue.string("k" + random.nextInt(20)));
                attributes.put("sk", AttributeValue.number(Integer.toString(i)));
                attributes.put("state", AttributeValue.string("s" + random.nextInt(5)));
                attributes.put("group", AttributeValue.string("g" + random.nextInt(6)));
                attributes.put("score", AttributeValue.number(Integer.toString(random.nextInt(50))));
                Item item = new Item(attributes);
                node.write(table, new io.basalt.partition.PutItemOperation(new PrimaryKey(attributes.get("pk"),
                        Optional.of(attributes.get("sk"))), item)).join();
            }
            // The walk goes through the RPC codecs, so the test sees which partition each page was sent to.
            List<PartitionId> sentTo = new ArrayList<>();
            PartitionRpcServer server = new PartitionRpcServer(node.partitionClient());
            PartitionClient recording = new RpcPartitionClient(frame -> {
                if (RpcCodec.decodeRequest(frame).content() instanceof RpcRequest.PageRead page) {
                    sentTo.add(page.partition());
                }
                return server.serve(frame);
            });
            ReadService walking = new ReadService(node.storage(), recording, true);
            ReadService oneRange = new ReadService(node.storage(), node.partitionClient(), false);
            int withItems = 0;
            for (int round = 0; round < 40; round++) {
                int limit = 1 + random.nextInt(round % 2 == 0 ? 400 : 15);
                boolean forward = random.nextBoolean();
                ReadSource source;
                FetchMode fetch = FetchMode.NONE;
                AttributeValue partitionValue;
                if (round % 3 == 0) {
                    source = ReadSource.BASE;
                    partitionValue = AttributeValue.string("k" + random.nextInt(20));
                } else if (round % 3 == 1) {
                    source = ReadSource.index(local.id(), false);
                    fetch = FetchMode.ALL_READ;
                    partitionValue = AttributeValue.string("k" + random.nextInt(20));
                } else {
                    source = ReadSource.index(global.id(), true);
                    partitionValue = AttributeValue.string("g" + random.nextInt(6));
                }
                KeyCondition condition = new KeyCondition(List.of(partitionValue), List.of(), Optional.empty());
                ReadSource read = source;
                FetchMode fetched = fetch;
                Function<Item, ReadSpec> query = start -> new ReadSpec(table.id(), read, condition, null, forward,
                        limit, ReadSpec.MAX_PAGE_BYTES, null, null, false, fetched, start, false);
                sentTo.clear();
                List<ReadResult> walked = allPages(walking, table, query);
                List<ReadResult> read1 = allPages(oneRange, table, query);
                assertSamePages(walked, read1, "query round " + round);
                withItems += read1.stream().mapToInt(page -> page.items().size()).sum() > 0 ? 1 : 0;
                List<PartitionId> holders = (source.kind() == ReadSource.Kind.GLOBAL_INDEX ? global.partitions()
                        : table.partitions()).stream().map(PartitionDescriptor::id).toList();
                assertThat(sentTo).as("query round %d: one partition of the source per page", round)
                        .hasSize(walked.size()).allSatisfy(partition -> assertThat(holders).contains(partition));
                assertThat(new java.util.HashSet<>(sentTo)).hasSize(1);

                int totalSegments = 1 + random.nextInt(3);
                ScanRange segment = new ScanRange(random.nextInt(totalSegments), totalSegments);
                Function<Item, ReadSpec> scan = start -> new ReadSpec(table.id(), read, null, segment, true, limit,
                        ReadSpec.MAX_PAGE_BYTES, null, null, false, fetched, start, false);
                assertSamePages(allPages(walking, table, scan), allPages(oneRange, table, scan),
                        "scan round " + round);
            }
            assertThat(withItems).as("queries that found items").isGreaterThan(30);
        }
    }

    private static List<ReadResult> allPages(ReadService reads, TableMetadata table, Function<Item, ReadSpec> spec) {
        List<ReadResult> pages = new ArrayList<>();
        Item start = null;
        for (int i = 0; i < 10_000; i++) {
            ReadResult page = reads.read(table, reads.plan(table, spec.apply(start)));
            pages.add(page);
            if (page.stopReason() == StopReason.EXHAUSTED) {
                return pages;
            }
            start = page.lastEvaluatedKey();
        }
        throw new AssertionError("paging did not end");
    }

    private static void assertSamePages(List<ReadResult> actual, List<ReadResult> expected, String what) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        for (int page = 0; page < expected.size(); page++) {
            assertThat(items(actual.get(page))).as(what + " page " + page).isEqualTo(items(expected.get(page)));
            assertThat(actual.get(page).scannedCount()).as(what).isEqualTo(expected.get(page).scannedCount());
            assertThat(actual.get(page).scannedBytes()).as(what).isEqualTo(expected.get(page).scannedBytes());
            assertThat(actual.get(page).fetchedBytes()).as(what).isEqualTo(expected.get(page).fetchedBytes());
            assertThat(actual.get(page).stopReason()).as(what).isEqualTo(expected.get(page).stopReason());
            assertThat(actual.get(page).lastEvaluatedKey()).as(what).isEqualTo(expected.get(page).lastEvaluatedKey());
        }
    }

    private static List<ReadResult> allPages(ReadService reads, TableMetadata table, ScanRange range, int limit,
            long budget) {
        List<ReadResult> pages = new ArrayList<>();
        Item start = null;
        for (int i = 0; i < 10_000; i++) {
            ReadSpec spec = new ReadSpec(table.id(), ReadSource.BASE, null, range, true, limit, budget, null, null,
                    false, FetchMode.NONE, start, false);
            ReadResult page = reads.read(table, reads.plan(table, spec));
            pages.add(page);
            if (page.stopReason() == StopReason.EXHAUSTED) {
                return pages;
            }
            start = page.lastEvaluatedKey();
        }
        throw new AssertionError("paging did not end");
    }

    private static List<Item> items(ReadResult page) {
        return page.items().stream().map(StoredItem::item).toList();
    }
}
