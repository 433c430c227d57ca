package io.basalt.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.Item;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.KeyLayout;
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
import org.junit.jupiter.api.Test;

/**
 * A Scan segment that spans several partitions, read partition by partition with the page's Limit and byte budget
 * carried from one to the next, returns the same pages (items, order, counts, LastEvaluatedKey) as the same range
 * read as one partition (docs/design/cluster.md §9.3).
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
