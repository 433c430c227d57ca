package io.basalt.compat.indexes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.Select;

/**
 * Query with IndexName on local and global indexes: order, projections, fetching from the table, sparse indexes,
 * paging keys, multi-attribute keys and capacity.
 *
 * <p>Items: partition {@code P}, {@code sk} 1..10, {@code lsk = "l" + (10 - sk)} (so the local index orders them
 * backwards), {@code a}, {@code b}, {@code gpk} G for even and H for odd {@code sk}, {@code gsk = 10 * sk} for
 * {@code sk <= 8}. Partition {@code Q}: three items with no index key. Partition {@code M}: items of the
 * multi-attribute index {@code byMatch}.
 */
class TestIndexQuery extends IndexTestSupport {
    private String table;

    @BeforeAll
    void load() {
        table = indexedTable();
        for (int i = 1; i <= 10; i++) {
            Map<String, AttributeValue> item = item("pk", s("P"), "sk", n(Integer.toString(i)), "lsk",
                    s("l" + (10 - i)), "a", s("a" + i), "b", s("b" + i), "gpk", s(i % 2 == 0 ? "G" : "H"));
            if (i <= 8) {
                item.put("gsk", n(Integer.toString(10 * i)));
            }
            put(table, item);
        }
        for (int i = 1; i <= 3; i++) {
            put(table, item("pk", s("Q"), "sk", n(Integer.toString(i)), "a", s("q")));
        }
        Object[][] matches = {{1, "eu", "final", 2}, {2, "eu", "final", 1}, {3, "eu", "semi", 1},
            {4, "eu", "semi", 2}, {5, "us", "final", 1}, {6, "eu", "final", null}};
        for (Object[] match : matches) {
            Map<String, AttributeValue> item = item("pk", s("M"), "sk", n(match[0].toString()), "tournament",
                    s("W"), "venue", s((String) match[1]), "round", s((String) match[2]));
            if (match[3] != null) {
                item.put("bracket", n(match[3].toString()));
            }
            put(table, item);
        }
    }

    private QueryResponse query(java.util.function.Consumer<QueryRequest.Builder> request) {
        return client.query(b -> request.accept(b.tableName(table)));
    }

    private QueryResponse queryGlobal(int expected, java.util.function.Consumer<QueryRequest.Builder> request) {
        return awaitQuery(expected, () -> query(request));
    }

    private static List<String> sortKeys(QueryResponse response) {
        return response.items().stream().map(item -> item.get("sk").n()).toList();
    }

    @Test
    void localIndexOrdersByItsSortKeyAndHoldsOnlyKeys() {
        QueryResponse response = query(b -> b.indexName("byLocal").keyConditionExpression("pk = :p")
                .expressionAttributeValues(values(":p", s("P"))));
        assertThat(sortKeys(response)).containsExactly("10", "9", "8", "7", "6", "5", "4", "3", "2", "1");
        assertThat(response.scannedCount()).isEqualTo(10);
        assertThat(response.items().get(0)).containsOnlyKeys("pk", "sk", "lsk");
        assertThat(response.hasLastEvaluatedKey()).isFalse();

        QueryResponse reverse = query(b -> b.indexName("byLocal").keyConditionExpression("pk = :p AND lsk < :l")
                .scanIndexForward(false).expressionAttributeValues(values(":p", s("P"), ":l", s("l3"))));
        assertThat(sortKeys(reverse)).containsExactly("8", "9", "10");
    }

    @Test
    void localIndexFetchesWhatItDoesNotHoldFromTheTable() {
        QueryResponse all = query(b -> b.indexName("byLocal").select(Select.ALL_ATTRIBUTES)
                .keyConditionExpression("pk = :p AND lsk = :l").returnConsumedCapacity(ReturnConsumedCapacity.INDEXES)
                .expressionAttributeValues(values(":p", s("P"), ":l", s("l7"))));
        assertThat(all.items()).containsExactly(item("pk", s("P"), "sk", n("3"), "lsk", s("l7"), "a", s("a3"),
                "b", s("b3"), "gpk", s("H"), "gsk", n("30")));
        ConsumedCapacity capacity = all.consumedCapacity();
        assertThat(capacity.localSecondaryIndexes().get("byLocal").capacityUnits()).isEqualTo(0.5);
        assertThat(capacity.table().capacityUnits()).isEqualTo(0.5);
        assertThat(capacity.capacityUnits()).isEqualTo(1.0);
        assertThat(capacity.readCapacityUnits()).isNull();

        QueryResponse projected = query(b -> b.indexName("byLocalInc").projectionExpression("sk, a, b")
                .keyConditionExpression("pk = :p AND lsk = :l").expressionAttributeValues(values(":p", s("P"),
                        ":l", s("l7"))));
        assertThat(projected.items()).containsExactly(item("sk", n("3"), "a", s("a3"), "b", s("b3")));

        QueryResponse filtered = query(b -> b.indexName("byLocalInc").filterExpression("b = :b")
                .keyConditionExpression("pk = :p").expressionAttributeValues(values(":p", s("P"), ":b", s("b4"))));
        assertThat(filtered.count()).isEqualTo(1);
        assertThat(filtered.scannedCount()).isEqualTo(10);
        assertThat(filtered.items().get(0)).containsEntry("b", s("b4"));
    }

    @Test
    void localIndexWithoutFetchingReturnsItsProjection() {
        QueryResponse response = query(b -> b.indexName("byLocalInc").keyConditionExpression("pk = :p AND lsk = :l")
                .returnConsumedCapacity(ReturnConsumedCapacity.INDEXES)
                .expressionAttributeValues(values(":p", s("P"), ":l", s("l7"))));
        assertThat(response.items()).containsExactly(item("pk", s("P"), "sk", n("3"), "lsk", s("l7"), "a",
                s("a3")));
        assertThat(response.consumedCapacity().table().capacityUnits()).isEqualTo(0.0);
        assertThat(response.consumedCapacity().localSecondaryIndexes().get("byLocalInc").capacityUnits())
                .isEqualTo(0.5);
    }

    @Test
    void itemsWithoutTheIndexKeyAreNotInTheIndex() {
        assertThat(query(b -> b.indexName("byLocal").keyConditionExpression("pk = :p")
                .expressionAttributeValues(values(":p", s("Q")))).count()).isZero();
        // byGlobal needs gsk too: items 9 and 10 are only in byGlobalAll.
        assertThat(sortKeys(queryGlobal(4, b -> b.indexName("byGlobal").keyConditionExpression("gpk = :g")
                .expressionAttributeValues(values(":g", s("H")))))).containsExactly("1", "3", "5", "7");
        assertThat(queryGlobal(5, b -> b.indexName("byGlobalAll").keyConditionExpression("gpk = :g")
                .expressionAttributeValues(values(":g", s("H")))).count()).isEqualTo(5);
    }

    @Test
    void globalIndexReturnsItsProjectionInIndexOrder() {
        QueryResponse response = queryGlobal(2, b -> b.indexName("byGlobal")
                .keyConditionExpression("gpk = :g AND gsk BETWEEN :lo AND :hi")
                .expressionAttributeValues(values(":g", s("G"), ":lo", n("30"), ":hi", n("70"))));
        assertThat(response.items()).containsExactly(
                item("pk", s("P"), "sk", n("4"), "a", s("a4"), "gpk", s("G"), "gsk", n("40")),
                item("pk", s("P"), "sk", n("6"), "a", s("a6"), "gpk", s("G"), "gsk", n("60")));
        QueryResponse keysOnly = queryGlobal(4, b -> b.indexName("byGlobalKeys").scanIndexForward(false)
                .keyConditionExpression("gpk = :g").expressionAttributeValues(values(":g", s("G"))));
        assertThat(sortKeys(keysOnly)).containsExactly("8", "6", "4", "2");
        assertThat(keysOnly.items().get(0)).containsOnlyKeys("pk", "sk", "gpk", "gsk");
        QueryResponse count = queryGlobal(5, b -> b.indexName("byGlobalAll").select(Select.COUNT)
                .keyConditionExpression("gpk = :g").expressionAttributeValues(values(":g", s("G"))));
        assertThat(count.hasItems()).isFalse();
    }

    @Test
    void pagingThroughGlobalIndexCarriesIndexAndTableKeys() {
        queryGlobal(4, b -> b.indexName("byGlobal").keyConditionExpression("gpk = :g")
                .expressionAttributeValues(values(":g", s("G"))));
        List<String> seen = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        int pages = 0;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = query(b -> b.indexName("byGlobal").limit(3).keyConditionExpression("gpk = :g")
                    .expressionAttributeValues(values(":g", s("G"))).exclusiveStartKey(from));
            seen.addAll(sortKeys(page));
            if (page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()) {
                Map<String, AttributeValue> last = page.items().get(page.items().size() - 1);
                assertThat(page.lastEvaluatedKey()).isEqualTo(item("pk", last.get("pk"), "sk", last.get("sk"),
                        "gpk", last.get("gpk"), "gsk", last.get("gsk")));
                start = page.lastEvaluatedKey();
            } else {
                start = null;
            }
            pages++;
        } while (start != null);
        assertThat(seen).containsExactly("2", "4", "6", "8");
        assertThat(pages).isEqualTo(2);
    }

    @Test
    void pagingThroughLocalIndexBackwards() {
        List<String> seen = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse page = query(b -> b.indexName("byLocal").limit(4).scanIndexForward(false)
                    .keyConditionExpression("pk = :p").expressionAttributeValues(values(":p", s("P")))
                    .exclusiveStartKey(from));
            seen.addAll(sortKeys(page));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey()
                    : null;
            if (start != null) {
                assertThat(start).containsOnlyKeys("pk", "sk", "lsk");
            }
        } while (start != null);
        assertThat(seen).containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9", "10");
    }

    @Test
    void multiAttributeKeys() {
        java.util.function.BiFunction<String, Map<String, AttributeValue>, QueryResponse> match = (condition, extra)
            -> {
            Map<String, AttributeValue> values = values(":t", s("W"), ":v", s("eu"));
            values.putAll(extra);
            return query(b -> b.indexName("byMatch").keyConditionExpression("tournament = :t AND venue = :v"
                    + condition).expressionAttributeValues(values));
        };
        awaitQuery(4, () -> match.apply("", Map.of()));
        assertThat(sortKeys(match.apply("", Map.of()))).containsExactly("2", "1", "3", "4");
        assertThat(sortKeys(match.apply(" AND round = :r", values(":r", s("final"))))).containsExactly("2", "1");
        assertThat(sortKeys(match.apply(" AND round = :r AND bracket > :b", values(":r", s("final"), ":b",
                n("1"))))).containsExactly("1");
        assertThat(sortKeys(match.apply(" AND begins_with(round, :r)", values(":r", s("s")))))
                .containsExactly("3", "4");
        QueryResponse first = query(b -> b.indexName("byMatch").limit(1).keyConditionExpression(
                "tournament = :t AND venue = :v").expressionAttributeValues(values(":t", s("W"), ":v", s("eu"))));
        assertThat(first.lastEvaluatedKey()).isEqualTo(item("pk", s("M"), "sk", n("2"), "tournament", s("W"),
                "venue", s("eu"), "round", s("final"), "bracket", n("1")));
        QueryResponse second = query(b -> b.indexName("byMatch").limit(2).keyConditionExpression(
                "tournament = :t AND venue = :v").expressionAttributeValues(values(":t", s("W"), ":v", s("eu")))
                .exclusiveStartKey(first.lastEvaluatedKey()));
        assertThat(sortKeys(second)).containsExactly("1", "3");
    }

    @Test
    void globalIndexCapacity() {
        queryGlobal(4, b -> b.indexName("byGlobal").keyConditionExpression("gpk = :g")
                .expressionAttributeValues(values(":g", s("G"))));
        QueryResponse indexes = query(b -> b.indexName("byGlobal").keyConditionExpression("gpk = :g")
                .returnConsumedCapacity(ReturnConsumedCapacity.INDEXES)
                .expressionAttributeValues(values(":g", s("G"))));
        ConsumedCapacity capacity = indexes.consumedCapacity();
        assertThat(capacity.tableName()).isEqualTo(table);
        assertThat(capacity.capacityUnits()).isEqualTo(0.5);
        assertThat(capacity.table().capacityUnits()).isEqualTo(0.0);
        assertThat(capacity.globalSecondaryIndexes()).containsOnlyKeys("byGlobal");
        assertThat(capacity.globalSecondaryIndexes().get("byGlobal").capacityUnits()).isEqualTo(0.5);
        assertThat(capacity.globalSecondaryIndexes().get("byGlobal").readCapacityUnits()).isNull();
        assertThat(capacity.hasLocalSecondaryIndexes()).isFalse();

        QueryResponse total = query(b -> b.indexName("byGlobal").keyConditionExpression("gpk = :g")
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                .expressionAttributeValues(values(":g", s("G"))));
        assertThat(total.consumedCapacity().capacityUnits()).isEqualTo(0.5);
        assertThat(total.consumedCapacity().table()).isNull();
        assertThat(total.consumedCapacity().hasGlobalSecondaryIndexes()).isFalse();
    }
}
