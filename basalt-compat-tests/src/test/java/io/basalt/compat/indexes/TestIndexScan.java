package io.basalt.compat.indexes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Scan with IndexName: sparse indexes, paging keys, parallel scans covering every entry once, and the 1 MB page
 * counted over index entries rather than table items.
 *
 * <p>Items: {@code pk = "p" + i}, {@code sk = 1} for i in 0..39, {@code gpk = "g" + i} (forty index partitions),
 * {@code gsk = i} for even i only, and a 100 KB attribute {@code big}, which only the ALL index holds.
 */
class TestIndexScan extends IndexTestSupport {
    private static final int ITEMS = 40;
    private String table;

    @BeforeAll
    void load() {
        table = indexedTable();
        String big = "x".repeat(100 * 1024);
        for (int i = 0; i < ITEMS; i++) {
            Map<String, AttributeValue> item = item("pk", s("p" + i), "sk", n("1"), "gpk", s("g" + i), "big", s(big));
            if (i % 2 == 0) {
                item.put("gsk", n(Integer.toString(i)));
            }
            put(table, item);
        }
    }

    private List<Map<String, AttributeValue>> scanAll(String index, int limit, int segment, int segments) {
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            ScanResponse page = client.scan(b -> b.tableName(table).indexName(index).limit(limit)
                    .segment(segment).totalSegments(segments).projectionExpression("pk, gpk, gsk")
                    .exclusiveStartKey(from));
            items.addAll(page.items());
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey()
                    : null;
        } while (start != null);
        return items;
    }

    private void awaitEntries(String index, int expected) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (client.scan(b -> b.tableName(table).indexName(index).select("COUNT")).count() != expected
                && System.nanoTime() < deadline) {
            sleep(50);
        }
    }

    @Test
    void scanReturnsOnlyItemsWithTheIndexKey() {
        awaitEntries("byGlobalKeys", ITEMS / 2);
        ScanResponse response = client.scan(b -> b.tableName(table).indexName("byGlobalKeys"));
        assertThat(response.count()).isEqualTo(ITEMS / 2);
        assertThat(response.scannedCount()).isEqualTo(ITEMS / 2);
        assertThat(response.items()).allSatisfy(item -> assertThat(item).containsOnlyKeys("pk", "sk", "gpk", "gsk"));
        assertThat(client.scan(b -> b.tableName(table).indexName("byLocal")).count()).isZero();
    }

    @Test
    void pagingCarriesIndexAndTableKeys() {
        awaitEntries("byGlobalKeys", ITEMS / 2);
        ScanResponse first = client.scan(b -> b.tableName(table).indexName("byGlobalKeys").limit(3));
        Map<String, AttributeValue> last = first.items().get(2);
        assertThat(first.lastEvaluatedKey()).isEqualTo(last);
        assertThat(first.lastEvaluatedKey()).containsOnlyKeys("pk", "sk", "gpk", "gsk");
        List<Map<String, AttributeValue>> paged = scanAll("byGlobalKeys", 3, 0, 1);
        assertThat(paged).hasSize(ITEMS / 2);
        assertThat(paged.stream().map(item -> item.get("pk").s()).distinct().count()).isEqualTo(ITEMS / 2);
    }

    @Test
    void parallelScanCoversEveryEntryOnce() {
        awaitEntries("byGlobalAll", ITEMS);
        for (int segments : new int[] {1, 3, 7}) {
            List<String> seen = new ArrayList<>();
            for (int segment = 0; segment < segments; segment++) {
                scanAll("byGlobalAll", 4, segment, segments).forEach(item -> seen.add(item.get("pk").s()));
            }
            Set<String> distinct = new HashSet<>(seen);
            assertThat(seen).as("entries over %d segments", segments).hasSize(ITEMS);
            assertThat(distinct).hasSize(ITEMS);
        }
    }

    @Test
    void startingKeyMustBelongToTheSegment() {
        awaitEntries("byGlobalAll", ITEMS);
        ScanResponse first = client.scan(b -> b.tableName(table).indexName("byGlobalAll").segment(0)
                .totalSegments(2).limit(1));
        assertThat(first.lastEvaluatedKey()).containsOnlyKeys("pk", "sk", "gpk");
        assertValidation("The provided starting key is invalid: Invalid ExclusiveStartKey. Please use "
                + "ExclusiveStartKey with correct Segment. TotalSegments: 2 Segment: 1",
                () -> client.scan(b -> b.tableName(table).indexName("byGlobalAll").segment(1).totalSegments(2)
                        .exclusiveStartKey(first.lastEvaluatedKey())));
    }

    @Test
    void onePageIsOneMegabyteOfIndexEntries() {
        awaitEntries("byGlobalKeys", ITEMS / 2);
        // The table's items are 100 KB each: a page of the table stops after about ten of them.
        ScanResponse tablePage = client.scan(b -> b.tableName(table));
        assertThat(tablePage.scannedCount()).isLessThan(ITEMS);
        assertThat(tablePage.hasLastEvaluatedKey()).isTrue();
        // A KEYS_ONLY index holds a few bytes of each: one page reads them all, and costs one read unit.
        ScanResponse keys = client.scan(b -> b.tableName(table).indexName("byGlobalKeys")
                .returnConsumedCapacity(ReturnConsumedCapacity.INDEXES));
        assertThat(keys.scannedCount()).isEqualTo(ITEMS / 2);
        assertThat(keys.hasLastEvaluatedKey()).isFalse();
        assertThat(keys.consumedCapacity().globalSecondaryIndexes().get("byGlobalKeys").capacityUnits())
                .isEqualTo(0.5);
        // The ALL index holds the 100 KB attribute, so its pages are as short as the table's.
        ScanResponse all = client.scan(b -> b.tableName(table).indexName("byGlobalAll"));
        assertThat(all.scannedCount()).isEqualTo(tablePage.scannedCount());
        assertThat(all.hasLastEvaluatedKey()).isTrue();
    }

}
