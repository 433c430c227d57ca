package io.basalt.compat.reads;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ComparisonOperator;
import software.amazon.awssdk.services.dynamodb.model.Condition;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;

/** Scan and parallel Scan: coverage, paging, filters, projections, Select, segments and their messages. */
class TestScan extends ReadsTestSupport {
    private static final int PARTITIONS = 60;
    private static final int PER_PARTITION = 5;

    private String table;
    private String hashOnly;
    private final Set<String> allKeys = new HashSet<>();

    @BeforeAll
    void loadTable() {
        table = rangeTable(ScalarAttributeType.N);
        hashOnly = hashTable();
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            for (int i = 0; i < PER_PARTITION; i++) {
                items.add(item("pk", s("part" + p), "sk", n(Integer.toString(i * 10 - 20)), "v", n(Integer.toString(i)),
                        "name", s("n" + p + "-" + i)));
                allKeys.add("part" + p + "/" + (i * 10 - 20));
            }
        }
        load(table, items);
        List<Map<String, AttributeValue>> hashItems = new ArrayList<>();
        for (int p = 0; p < 40; p++) {
            hashItems.add(item("pk", s("h" + p), "x", n(Integer.toString(p))));
        }
        load(hashOnly, hashItems);
    }

    private static String key(Map<String, AttributeValue> item) {
        return item.get("pk").s() + "/" + item.get("sk").n();
    }

    @Test
    void fullScanReturnsEveryItemWithPartitionsInSortKeyOrder() {
        ScanResponse response = client.scan(b -> b.tableName(table));
        assertThat(response.count()).isEqualTo(PARTITIONS * PER_PARTITION);
        assertThat(response.scannedCount()).isEqualTo(PARTITIONS * PER_PARTITION);
        assertThat(response.hasLastEvaluatedKey()).isFalse();
        assertThat(response.items().stream().map(TestScan::key).toList()).containsExactlyInAnyOrderElementsOf(allKeys);
        // Each partition's items are contiguous and in sort key order.
        Map<String, List<Integer>> byPartition = new LinkedHashMap<>();
        String previous = null;
        for (Map<String, AttributeValue> item : response.items()) {
            String pk = item.get("pk").s();
            if (!pk.equals(previous)) {
                assertThat(byPartition).as("partition %s seen twice", pk).doesNotContainKey(pk);
                previous = pk;
            }
            byPartition.computeIfAbsent(pk, k -> new ArrayList<>()).add(Integer.parseInt(item.get("sk").n()));
        }
        assertThat(byPartition.values()).allSatisfy(keys -> assertThat(keys).isSorted());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 50, 300, 1000})
    void paginatorCollectsEverythingOnce(int limit) {
        List<String> keys = new ArrayList<>();
        int pages = 0;
        int scanned = 0;
        for (ScanResponse page : client.scanPaginator(b -> b.tableName(table).limit(limit))) {
            pages++;
            scanned += page.scannedCount();
            assertThat(page.count()).isLessThanOrEqualTo(limit);
            page.items().forEach(i -> keys.add(key(i)));
            if (page.hasLastEvaluatedKey()) {
                assertThat(page.lastEvaluatedKey()).isEqualTo(item("pk", page.items().get(page.count() - 1).get("pk"),
                        "sk", page.items().get(page.count() - 1).get("sk")));
            }
        }
        assertThat(keys).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(allKeys);
        assertThat(scanned).isEqualTo(allKeys.size());
        assertThat(pages).isEqualTo(allKeys.size() / limit + 1);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7, 100})
    void parallelSegmentsPartitionTheTable(int totalSegments) {
        List<String> union = new ArrayList<>();
        for (int segment = 0; segment < totalSegments; segment++) {
            int current = segment;
            for (ScanResponse page : client.scanPaginator(b -> b.tableName(table).segment(current)
                    .totalSegments(totalSegments).limit(4))) {
                assertThat(page.count()).isLessThanOrEqualTo(4);
                page.items().forEach(i -> union.add(key(i)));
            }
        }
        assertThat(union).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(allKeys);
        // A partition never spans two segments.
        if (totalSegments > 1) {
            Map<String, Integer> segmentOf = new LinkedHashMap<>();
            for (int segment = 0; segment < totalSegments; segment++) {
                int current = segment;
                client.scanPaginator(b -> b.tableName(table).segment(current).totalSegments(totalSegments)).items()
                        .forEach(i -> assertThat(segmentOf.putIfAbsent(i.get("pk").s(), current))
                                .isIn(null, current));
            }
        }
    }

    @Test
    void hashOnlyTableParallelScan() {
        List<String> union = new ArrayList<>();
        for (int segment = 0; segment < 3; segment++) {
            int current = segment;
            client.scanPaginator(b -> b.tableName(hashOnly).segment(current).totalSegments(3).limit(2)).items()
                    .forEach(i -> union.add(i.get("pk").s()));
        }
        assertThat(union).hasSize(40).doesNotHaveDuplicates();
    }

    @Test
    void filtersProjectionsAndSelect() {
        ScanResponse filtered = client.scan(b -> b.tableName(table).filterExpression("v = :one AND pk = :p")
                .expressionAttributeValues(Map.of(":one", n("1"), ":p", s("part3"))));
        assertThat(filtered.count()).isEqualTo(1);
        assertThat(filtered.scannedCount()).isEqualTo(PARTITIONS * PER_PARTITION);
        assertThat(filtered.items()).extracting(TestScan::key).containsExactly("part3/-10");

        // Pages whose items are all filtered out still say where to continue.
        ScanResponse empty = client.scan(b -> b.tableName(table).limit(3).filterExpression("v = :none")
                .expressionAttributeValues(Map.of(":none", n("99"))));
        assertThat(empty.items()).isEmpty();
        assertThat(empty.scannedCount()).isEqualTo(3);
        assertThat(empty.hasLastEvaluatedKey()).isTrue();

        int count = 0;
        for (ScanResponse page : client.scanPaginator(b -> b.tableName(table).limit(11).filterExpression("sk > :z")
                .expressionAttributeValues(Map.of(":z", n("0"))))) {
            count += page.count();
        }
        assertThat(count).isEqualTo(PARTITIONS * 2);

        ScanResponse projected = client.scan(b -> b.tableName(table).projectionExpression("#n")
                .expressionAttributeNames(Map.of("#n", "name")).limit(2));
        assertThat(projected.items()).allSatisfy(i -> assertThat(i).containsOnlyKeys("name"));
        assertThat(projected.lastEvaluatedKey()).containsOnlyKeys("pk", "sk");

        ScanResponse counted = client.scan(b -> b.tableName(table).select(Select.COUNT));
        assertThat(counted.hasItems()).isFalse();
        assertThat(counted.count()).isEqualTo(PARTITIONS * PER_PARTITION);

        ScanResponse legacy = client.scan(b -> b.tableName(table).attributesToGet("name", "missing")
                .scanFilter(Map.of("name", Condition.builder().comparisonOperator(ComparisonOperator.BEGINS_WITH)
                        .attributeValueList(s("n7-")).build(), "sk", Condition.builder()
                        .comparisonOperator(ComparisonOperator.BETWEEN).attributeValueList(n("0"), n("10")).build())));
        assertThat(legacy.items()).containsExactlyInAnyOrder(item("name", s("n7-2")), item("name", s("n7-3")));
    }

    @Test
    void scanCapacityIsRoundedOncePerPage() {
        ScanResponse page = client.scan(b -> b.tableName(hashOnly).limit(10)
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).consistentRead(true));
        // Ten items of a few bytes each: one 4 KB unit for the whole page.
        assertThat(page.consumedCapacity().capacityUnits()).isEqualTo(1.0);
        ScanResponse eventual = client.scan(b -> b.tableName(hashOnly)
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
        assertThat(eventual.consumedCapacity().capacityUnits()).isEqualTo(0.5);
    }

    @Test
    void scanSumsTheSizesOfTheItemsItReadsAndRoundsOnce() {
        // Developer Guide, "Read and write operations": a Scan counts the size of the items it evaluates, summed
        // over the page and rounded up to 4 KB once; eventually consistent reads cost half.
        String sized = hashTable();
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            // 1,500 bytes of data each: 6 units if each item were rounded, ceil(~9 KB / 4 KB) = 3 for the page.
            items.add(item("pk", s("s" + i), "data", s("x".repeat(1500))));
        }
        load(sized, items);
        ScanRequest request = ScanRequest.builder().tableName(sized)
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
        ScanResponse strong = client.scan(request.toBuilder().consistentRead(true).build());
        assertThat(strong.count()).isEqualTo(6);
        assertThat(strong.consumedCapacity().capacityUnits()).isEqualTo(3.0);
        assertThat(client.scan(request).consumedCapacity().capacityUnits()).isEqualTo(1.5);
        // What the filter drops and the projection leaves out was still read.
        ScanResponse filtered = client.scan(request.toBuilder().consistentRead(true).filterExpression("pk = :none")
                .projectionExpression("pk").expressionAttributeValues(Map.of(":none", s("none"))).build());
        assertThat(filtered.count()).isZero();
        assertThat(filtered.scannedCount()).isEqualTo(6);
        assertThat(filtered.consumedCapacity().capacityUnits()).isEqualTo(3.0);
        // Limit stops the page early: only what was read is charged (two items, ~3 KB, one unit).
        assertThat(client.scan(request.toBuilder().consistentRead(true).limit(2).build()).consumedCapacity()
                .capacityUnits()).isEqualTo(1.0);
    }

    @Test
    void exclusiveStartKeyMustBelongToTheSegment() {
        ScanResponse first = client.scan(b -> b.tableName(table).segment(0).totalSegments(2).limit(1));
        Map<String, AttributeValue> start = first.lastEvaluatedKey();
        assertValidation("The provided starting key is invalid: Invalid ExclusiveStartKey. Please use "
                + "ExclusiveStartKey with correct Segment. TotalSegments: 2 Segment: 1",
                () -> client.scan(b -> b.tableName(table).segment(1).totalSegments(2).exclusiveStartKey(start)));
        ScanResponse resumed = client.scan(b -> b.tableName(table).segment(0).totalSegments(2).limit(1)
                .exclusiveStartKey(start));
        assertThat(resumed.count()).isEqualTo(1);
    }

    private void rejects(String message, ScanRequest.Builder request) {
        assertValidation(message, () -> client.scan(request.build()));
    }

    @Test
    void segmentValidationUsesTheOlderWording() {
        ScanRequest.Builder scan = ScanRequest.builder().tableName(table);
        rejects("The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 5 is "
                + "not less than TotalSegments: 5", scan.copy().segment(5).totalSegments(5));
        rejects("The TotalSegments parameter is required but was not present in the request when Segment "
                + "parameter is present", scan.copy().segment(0));
        rejects("The Segment parameter is required but was not present in the request when parameter "
                + "TotalSegments is present", scan.copy().totalSegments(4));
        rejects("1 validation error detected: Value '-1' at 'segment' failed to satisfy constraint: Member must "
                + "have value greater than or equal to 0", scan.copy().segment(-1).totalSegments(4));
        rejects("1 validation error detected: Value '1000001' at 'totalSegments' failed to satisfy constraint: "
                + "Member must have value less than or equal to 1000000", scan.copy().segment(0)
                        .totalSegments(1000001));
        rejects("1 validation error detected: Value '0' at 'totalSegments' failed to satisfy constraint: "
                + "Member must have value greater than or equal to 1", scan.copy().segment(0).totalSegments(0));
        rejects("1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have "
                + "value greater than or equal to 1", scan.copy().limit(0));
    }

    @Test
    void otherScanMessages() {
        ScanRequest.Builder scan = ScanRequest.builder().tableName(table);
        rejects("The provided starting key is invalid: The provided key element does not match the schema",
                scan.copy().exclusiveStartKey(item("bad", s("p"))));
        rejects("The provided starting key is invalid: The provided key element does not match the schema",
                scan.copy().exclusiveStartKey(item("pk", s("p"), "sk", s("1"))));
        rejects("Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES",
                scan.copy().select(Select.SPECIFIC_ATTRIBUTES));
        rejects("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName",
                scan.copy().select(Select.ALL_PROJECTED_ATTRIBUTES));
        rejects("Cannot specify the ProjectionExpression when choosing to get only the Count",
                scan.copy().select(Select.COUNT).projectionExpression("v"));
        rejects("Cannot specify the ProjectionExpression when choosing to get ALL_PROJECTED_ATTRIBUTES",
                scan.copy().select(Select.ALL_PROJECTED_ATTRIBUTES).projectionExpression("v"));
        rejects("The table does not have the specified index: idx1", scan.copy().indexName("idx1"));
        rejects("Can not use both expression and non-expression parameters in the same request: Non-expression "
                + "parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}",
                scan.copy().attributesToGet("v").projectionExpression("v"));
        rejects("Key attributes must be scalars; list random access '[]' and map lookup '.' are not allowed: "
                + "Key: sk", scan.copy().filterExpression("sk.x = :v").expressionAttributeValues(
                        Map.of(":v", n("1"))));
        assertNotFound(() -> client.scan(b -> b.tableName("no-such-table")));
    }
}
