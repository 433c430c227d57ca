package io.basalt.compat.reads;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** BatchWriteItem: puts and deletes over several tables, limits, whole-batch validation, capacity. */
class TestBatchWriteItem extends ReadsTestSupport {
    private static WriteRequest put(Map<String, AttributeValue> item) {
        return WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build();
    }

    private static WriteRequest delete(Map<String, AttributeValue> key) {
        return WriteRequest.builder().deleteRequest(DeleteRequest.builder().key(key).build()).build();
    }

    private Map<String, AttributeValue> get(String table, Map<String, AttributeValue> key) {
        Map<String, AttributeValue> item = client.getItem(b -> b.tableName(table).key(key).consistentRead(true))
                .item();
        return item.isEmpty() ? null : item;
    }

    @Test
    void putsAndDeletesAcrossTables() {
        String a = hashTable();
        String b = rangeTable(ScalarAttributeType.N);
        client.putItem(r -> r.tableName(a).item(item("pk", s("old"), "v", n("1"))));
        client.putItem(r -> r.tableName(a).item(item("pk", s("replace"), "v", n("1"), "extra", s("gone"))));
        Map<String, List<WriteRequest>> request = new LinkedHashMap<>();
        request.put(a, List.of(put(item("pk", s("new"), "v", n("2"))), delete(item("pk", s("old"))),
                delete(item("pk", s("never-existed"))), put(item("pk", s("replace"), "v", n("3")))));
        request.put(b, List.of(put(item("pk", s("new"), "sk", n("1"))), put(item("pk", s("new"), "sk", n("2")))));
        BatchWriteItemResponse response = client.batchWriteItem(r -> r.requestItems(request)
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
        assertThat(response.hasUnprocessedItems()).isTrue();
        assertThat(response.unprocessedItems()).isEmpty();
        assertThat(response.hasItemCollectionMetrics()).isFalse();
        Map<String, Double> units = new LinkedHashMap<>();
        for (ConsumedCapacity capacity : response.consumedCapacity()) {
            units.put(capacity.tableName(), capacity.capacityUnits());
        }
        assertThat(units).containsOnly(Map.entry(a, 4.0), Map.entry(b, 2.0));
        assertThat(get(a, item("pk", s("new")))).isEqualTo(item("pk", s("new"), "v", n("2")));
        assertThat(get(a, item("pk", s("old")))).isNull();
        assertThat(get(a, item("pk", s("replace")))).isEqualTo(item("pk", s("replace"), "v", n("3")));
        assertThat(client.query(r -> r.tableName(b).keyConditionExpression("pk = :p")
                .expressionAttributeValues(Map.of(":p", s("new")))).count()).isEqualTo(2);

        BatchWriteItemResponse quiet = client.batchWriteItem(r -> r.requestItems(Map.of(a,
                List.of(delete(item("pk", s("new")))))));
        assertThat(quiet.hasConsumedCapacity()).isFalse();
        assertThat(quiet.unprocessedItems()).isEmpty();
    }

    @Test
    void bulkLoadInBatchesOfTwentyFive() {
        String table = rangeTable(ScalarAttributeType.S);
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        for (int i = 0; i < 260; i++) {
            items.add(item("pk", s("bulk" + i % 7), "sk", s(String.format("%05d", i)), "payload",
                    s("p".repeat(i))));
        }
        load(table, items);
        assertThat(client.scanPaginator(r -> r.tableName(table).limit(50)).items().stream().count())
                .isEqualTo(260);
    }

    @Test
    void limitsAndDuplicates() {
        String table = hashTable();
        String other = hashTable();
        List<WriteRequest> twentyFive = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            twentyFive.add(put(item("pk", s("k" + i))));
        }
        assertThat(client.batchWriteItem(r -> r.requestItems(Map.of(table, twentyFive))).unprocessedItems())
                .isEmpty();
        assertValidation("Too many items requested for the BatchWriteItem call",
                () -> client.batchWriteItem(r -> r.requestItems(Map.of(table, twentyFive.subList(0, 20),
                        other, twentyFive.subList(0, 6)))));
        assertValidation("Provided list of item keys contains duplicates",
                () -> client.batchWriteItem(r -> r.requestItems(Map.of(table, List.of(put(item("pk", s("d"))),
                        delete(item("pk", s("d"))))))));
        assertValidation("Provided list of item keys contains duplicates",
                () -> client.batchWriteItem(r -> r.requestItems(Map.of(table, List.of(put(item("pk", s("d"))),
                        put(item("pk", s("d"), "v", n("1"))))))));
        // The same key in two tables is fine.
        assertThat(client.batchWriteItem(r -> r.requestItems(Map.of(table, List.of(put(item("pk", s("same")))),
                other, List.of(put(item("pk", s("same"))))))).unprocessedItems()).isEmpty();
        assertValidation("The requestItems parameter is required for BatchWriteItem",
                () -> client.batchWriteItem(r -> r.requestItems(Map.of())));
        assertValidation("The provided key element does not match the schema",
                () -> client.batchWriteItem(r -> r.requestItems(Map.of(table, List.of(put(item("pk", n("1"))))))));
        assertValidation("The provided key element does not match the schema",
                () -> client.batchWriteItem(r -> r.requestItems(Map.of(table, List.of(put(item("x", s("1"))))))));
        assertValidation("One or more parameter values are not valid. The AttributeValue for a key attribute "
                + "cannot contain an empty string value. Key: pk",
                () -> client.batchWriteItem(r -> r.requestItems(Map.of(table, List.of(delete(item("pk", s(""))))))));
        assertValidation("Supplied AttributeValue has more than one datatypes set, must contain exactly one of "
                + "the supported datatypes",
                () -> client.batchWriteItem(r -> r.requestItems(Map.of(table, List.of(WriteRequest.builder()
                        .build())))));
        assertValidation("Item size has exceeded the maximum allowed size",
                () -> client.batchWriteItem(r -> r.requestItems(Map.of(table, List.of(put(item("pk", s("big"),
                        "data", s("x".repeat(400 * 1024)))))))));
    }

    @Test
    void nothingIsWrittenWhenAnyPartOfTheBatchIsInvalid() {
        String table = hashTable();
        assertNotFound(() -> client.batchWriteItem(r -> r.requestItems(Map.of(table,
                List.of(put(item("pk", s("written?")))), "no-such-table", List.of(put(item("pk", s("x"))))))));
        assertThat(get(table, item("pk", s("written?")))).isNull();
        assertValidation("The provided key element does not match the schema",
                () -> client.batchWriteItem(r -> r.requestItems(Map.of(table, List.of(put(item("pk", s("first"))),
                        put(item("pk", n("2"))), put(item("pk", s("third"))))))));
        assertThat(get(table, item("pk", s("first")))).isNull();
        assertThat(get(table, item("pk", s("third")))).isNull();
    }
}
