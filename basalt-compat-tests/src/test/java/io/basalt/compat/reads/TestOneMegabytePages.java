package io.basalt.compat.reads;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/** A page without Limit stops once 1 MB of items was read, and says where to continue. */
class TestOneMegabytePages extends ReadsTestSupport {
    private static final int ITEMS = 25;
    private static final String PAYLOAD = "x".repeat(100_000);

    private String table;

    @BeforeAll
    void loadBigItems() {
        table = rangeTable(ScalarAttributeType.N);
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (int i = 0; i < ITEMS; i++) {
            items.add(item("pk", s("big"), "sk", n(Integer.toString(i)), "data", s(PAYLOAD)));
        }
        load(table, items);
    }

    @Test
    void queryStopsAtOneMegabyte() {
        QueryRequest request = QueryRequest.builder().tableName(table).keyConditionExpression("pk = :p")
                .expressionAttributeValues(Map.of(":p", s("big"))).consistentRead(true)
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL).build();
        QueryResponse first = client.query(request);
        // ~100 KB each: the item that reaches 1 MB (the 11th) ends the page.
        assertThat(first.scannedCount()).isBetween(10, 11);
        assertThat(first.count()).isEqualTo(first.scannedCount());
        assertThat(first.lastEvaluatedKey()).isEqualTo(item("pk", s("big"), "sk",
                n(Integer.toString(first.count() - 1))));
        // One rounding for the page: ceil(11 * 100,016 / 4096) = 269 units, not 11 * 25 = 275.
        double expectedUnits = Math.ceil(first.scannedCount() * (2 + 3 + 2 + 2 + 4 + 100_000.0) / 4096);
        assertThat(first.consumedCapacity().capacityUnits()).isBetween(expectedUnits - 1, expectedUnits + 1);

        List<String> keys = new ArrayList<>();
        int pages = 0;
        for (QueryResponse page : client.queryPaginator(request)) {
            pages++;
            page.items().forEach(i -> keys.add(i.get("sk").n()));
        }
        assertThat(keys).hasSize(ITEMS).doesNotHaveDuplicates();
        assertThat(pages).isEqualTo(3);

        QueryResponse reverse = client.query(request.toBuilder().scanIndexForward(false).projectionExpression("sk")
                .build());
        assertThat(reverse.scannedCount()).isEqualTo(first.scannedCount());
        assertThat(reverse.items().get(0)).isEqualTo(Map.of("sk", n("24")));
    }

    @Test
    void filteredAndCountOnlyPagesStopToo() {
        QueryResponse filtered = client.query(b -> b.tableName(table).keyConditionExpression("pk = :p")
                .filterExpression("attribute_not_exists(#d)").expressionAttributeNames(Map.of("#d", "data"))
                .expressionAttributeValues(Map.of(":p", s("big"))));
        assertThat(filtered.count()).isZero();
        assertThat(filtered.scannedCount()).isBetween(10, 11);
        assertThat(filtered.hasLastEvaluatedKey()).isTrue();
    }

    @Test
    void scanStopsAtOneMegabyteAndLimitStillWins() {
        ScanResponse first = client.scan(b -> b.tableName(table));
        assertThat(first.scannedCount()).isBetween(10, 11);
        assertThat(first.hasLastEvaluatedKey()).isTrue();
        int total = 0;
        for (ScanResponse page : client.scanPaginator(b -> b.tableName(table))) {
            total += page.count();
        }
        assertThat(total).isEqualTo(ITEMS);
        ScanResponse limited = client.scan(b -> b.tableName(table).limit(3));
        assertThat(limited.count()).isEqualTo(3);
        ScanResponse large = client.scan(b -> b.tableName(table).limit(100));
        assertThat(large.count()).isEqualTo(first.count());
    }
}
