package io.basalt.compat.indexes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeAction;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.AttributeValueUpdate;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.Capacity;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ExpectedAttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ItemCollectionMetrics;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ReturnItemCollectionMetrics;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Writes to tables with secondary indexes, through the SDK: the write capacity each index consumes as DynamoDB
 * counts and reports it, item collection metrics, and the checks of written index key attributes.
 */
class TestIndexWrites extends IndexTestSupport {
    private String table;

    @BeforeAll
    void createIndexedTable() {
        table = uniqueName("IndexWrites");
        client.createTable(b -> b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(def("pk", "S"), def("sk", "S"), def("state", "S"), def("group", "S"))
                .keySchema(hash("pk"), range("sk"))
                .localSecondaryIndexes(lsi("ByState", "state", projection(ProjectionType.KEYS_ONLY)))
                .globalSecondaryIndexes(gsi("ByGroup", List.of(hash("group")), projection(ProjectionType.ALL))));
        track(table);
        client.waiter().waitUntilTableExists(b -> b.tableName(table));
    }

    @Test
    void eachIndexAWriteChangesIsChargedAndListed() {
        ConsumedCapacity put = put(item("pk", s("a"), "sk", s("1"), "state", s("open"), "group", s("g"),
                "note", s("x")));
        assertCapacity(put, 3.0, 1.0, Map.of("ByGroup", 1.0), Map.of("ByState", 1.0));

        // A non-key attribute: the ALL-projected global index changes, the KEYS_ONLY local index does not.
        ConsumedCapacity update = client.updateItem(b -> b.tableName(table)
                .key(item("pk", s("a"), "sk", s("1"))).updateExpression("SET note = :n")
                .expressionAttributeValues(Map.of(":n", s("y")))
                .returnConsumedCapacity(ReturnConsumedCapacity.INDEXES)).consumedCapacity();
        assertCapacity(update, 2.0, 1.0, Map.of("ByGroup", 1.0), Map.of());

        // A new global index key: the old entry is deleted and a new one put.
        ConsumedCapacity moved = client.updateItem(b -> b.tableName(table)
                .key(item("pk", s("a"), "sk", s("1"))).updateExpression("SET #g = :g")
                .expressionAttributeNames(Map.of("#g", "group"))
                .expressionAttributeValues(Map.of(":g", s("h")))
                .returnConsumedCapacity(ReturnConsumedCapacity.INDEXES)).consumedCapacity();
        assertCapacity(moved, 3.0, 1.0, Map.of("ByGroup", 2.0), Map.of());

        ConsumedCapacity deleted = client.deleteItem(b -> b.tableName(table)
                .key(item("pk", s("a"), "sk", s("1")))
                .returnConsumedCapacity(ReturnConsumedCapacity.INDEXES)).consumedCapacity();
        assertCapacity(deleted, 3.0, 1.0, Map.of("ByGroup", 1.0), Map.of("ByState", 1.0));
    }

    @Test
    void itemsOutsideEveryIndexChargeOnlyTheTableAndTotalIncludesIndexes() {
        assertCapacity(put(item("pk", s("b"), "sk", s("1"), "note", s("x"))), 1.0, 1.0, Map.of(), Map.of());
        ConsumedCapacity total = client.putItem(b -> b.tableName(table)
                .item(item("pk", s("b"), "sk", s("2"), "group", s("g"), "big", s("x".repeat(1500))))
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)).consumedCapacity();
        // 2 units for the table and 2 for the ALL-projected global index entry (entries cost no overhead).
        assertThat(total.capacityUnits()).isEqualTo(4.0);
        assertThat(total.table()).isNull();
        assertThat(total.hasGlobalSecondaryIndexes()).isFalse();
    }

    @Test
    void itemCollectionMetricsNameThePartitionKeyAndASizeRange() {
        ItemCollectionMetrics metrics = client.putItem(b -> b.tableName(table)
                .item(item("pk", s("c"), "sk", s("1"), "state", s("s")))
                .returnItemCollectionMetrics(ReturnItemCollectionMetrics.SIZE)).itemCollectionMetrics();
        assertThat(metrics.itemCollectionKey()).isEqualTo(Map.of("pk", s("c")));
        assertThat(metrics.sizeEstimateRangeGB()).containsExactly(0.0, 1.0);
        assertThat(client.putItem(b -> b.tableName(table).item(item("pk", s("c"), "sk", s("2"))))
                .itemCollectionMetrics()).isNull();

        var batch = client.batchWriteItem(b -> b.requestItems(Map.of(table, List.of(
                WriteRequest.builder().putRequest(PutRequest.builder()
                        .item(item("pk", s("d"), "sk", s("1"))).build()).build(),
                WriteRequest.builder().putRequest(PutRequest.builder()
                        .item(item("pk", s("e"), "sk", s("1"))).build()).build())))
                .returnItemCollectionMetrics(ReturnItemCollectionMetrics.SIZE)
                .returnConsumedCapacity(ReturnConsumedCapacity.INDEXES));
        assertThat(batch.itemCollectionMetrics().get(table)).extracting(ItemCollectionMetrics::itemCollectionKey)
                .containsExactly(Map.of("pk", s("d")), Map.of("pk", s("e")));
        assertThat(batch.consumedCapacity()).singleElement().satisfies(capacity -> {
            assertThat(capacity.capacityUnits()).isEqualTo(2.0);
            assertThat(capacity.table().capacityUnits()).isEqualTo(2.0);
        });
    }

    @Test
    void tablesWithoutLocalIndexesReturnNoItemCollectionMetrics() {
        String plain = hashRangeTable();
        assertThat(client.putItem(b -> b.tableName(plain).item(item("pk", s("a"), "sk", n("1")))
                .returnItemCollectionMetrics(ReturnItemCollectionMetrics.SIZE)).itemCollectionMetrics()).isNull();
    }

    @Test
    void writtenIndexKeysAreCheckedAndABadWriteChangesNothing() {
        assertValidation(INVALID + "Type mismatch for Index Key group Expected: S Actual: N IndexName: ByGroup",
                () -> put(item("pk", s("v"), "sk", s("1"), "group", n("5"))));
        assertValidation("One or more parameter values are not valid. A value specified for a secondary index key "
                + "is not supported. The AttributeValue for a key attribute cannot contain an empty string value. "
                + "IndexName: ByState, IndexKey: state", () -> put(item("pk", s("v"), "sk", s("1"), "state", s(""))));
        // Both indexes are wrong: the alphabetically first index is named.
        assertValidation(INVALID + "Type mismatch for Index Key group Expected: S Actual: N IndexName: ByGroup",
                () -> put(item("pk", s("v"), "sk", s("1"), "state", n("1"), "group", n("5"))));
        assertValidation(INVALID + "Size limit exceeded for Index Key group Actual Size: 2049 bytes Max Size: 2048 "
                + "bytes IndexName: ByGroup", () -> put(item("pk", s("v"), "sk", s("1"), "group",
                        s("x".repeat(2049)))));
        assertThat(client.getItem(b -> b.tableName(table).key(item("pk", s("v"), "sk", s("1")))).hasItem())
                .isFalse();

        put(item("pk", s("w"), "sk", s("1"), "group", s("g")));
        assertValidation("One or more parameter values are not valid. The update expression attempted to update a "
                + "secondary index key to a value that is not supported. The AttributeValue for a key attribute "
                + "cannot contain an empty string value.", () -> client.updateItem(b -> b.tableName(table)
                        .key(item("pk", s("w"), "sk", s("1"))).updateExpression("SET #g = :e")
                        .expressionAttributeNames(Map.of("#g", "group"))
                        .expressionAttributeValues(Map.of(":e", s("")))));
        // Removing an index key is allowed: the item leaves the index.
        client.updateItem(b -> b.tableName(table).key(item("pk", s("w"), "sk", s("1")))
                .updateExpression("REMOVE #g").expressionAttributeNames(Map.of("#g", "group")));
        assertThat(client.getItem(b -> b.tableName(table).key(item("pk", s("w"), "sk", s("1"))).consistentRead(true))
                .item())
                .doesNotContainKey("group");
    }

    @Test
    void anIndexKeySetFromAnotherAttributeOfTheWrongTypeIsAnUnsupportedType() {
        // DynamoDB words the check it makes once the update is evaluated (the value comes from the item) apart from
        // the one it makes on a value the expression gives (dynalite test/updateItem.js, checked against DynamoDB).
        put(item("pk", s("u"), "sk", s("1"), "group", s("g"), "state", s("open"), "count", n("3"),
                "doc", AttributeValue.fromM(Map.of("a", s("b"))), "tags", AttributeValue.fromSs(List.of("x"))));
        String unsupported = "The update expression attempted to update the secondary index key to unsupported type";
        for (String source : List.of("#c", "doc", "tags")) {
            assertValidation(unsupported, () -> client.updateItem(b -> b.tableName(table)
                    .key(item("pk", s("u"), "sk", s("1"))).updateExpression("SET #g = " + source)
                    .expressionAttributeNames(source.equals("#c") ? Map.of("#g", "group", "#c", "count")
                            : Map.of("#g", "group"))));
        }
        // A local index key too, and through if_not_exists, whose value may come from the item.
        assertValidation(unsupported, () -> client.updateItem(b -> b.tableName(table)
                .key(item("pk", s("u"), "sk", s("1"))).updateExpression("SET #s = if_not_exists(#c, :v)")
                .expressionAttributeNames(Map.of("#s", "state", "#c", "count"))
                .expressionAttributeValues(Map.of(":v", s("v")))));
        // A value the expression gives keeps the Type mismatch text.
        assertValidation(INVALID + "Type mismatch for Index Key group Expected: S Actual: N IndexName: ByGroup",
                () -> client.updateItem(b -> b.tableName(table).key(item("pk", s("u"), "sk", s("1")))
                        .updateExpression("SET #g = :n").expressionAttributeNames(Map.of("#g", "group"))
                        .expressionAttributeValues(Map.of(":n", n("1")))));
        assertValidation(INVALID + "Type mismatch for Index Key group Expected: S Actual: N IndexName: ByGroup",
                () -> client.updateItem(b -> b.tableName(table).key(item("pk", s("u"), "sk", s("1")))
                        .updateExpression("SET #g = #c + :n")
                        .expressionAttributeNames(Map.of("#g", "group", "#c", "count"))
                        .expressionAttributeValues(Map.of(":n", n("1")))));
        assertThat(client.getItem(b -> b.tableName(table).key(item("pk", s("u"), "sk", s("1"))).consistentRead(true))
                .item())
                .containsEntry("group", s("g")).containsEntry("state", s("open"));
        // The same attribute of the right type is accepted.
        client.updateItem(b -> b.tableName(table).key(item("pk", s("u"), "sk", s("1")))
                .updateExpression("SET #g = #s").expressionAttributeNames(Map.of("#g", "group", "#s", "state")));
        assertThat(client.getItem(b -> b.tableName(table).key(item("pk", s("u"), "sk", s("1"))).consistentRead(true))
                .item())
                .containsEntry("group", s("open"));
    }

    @Test
    void aBadIndexKeyTheRequestStatesIsReportedBeforeAFailingCondition() {
        // DynamoDB checks what the request tells of index keys before it reads the item the condition needs
        // (docs/design/index-writes.md §4); a value taken from the item can be checked only afterwards.
        put(item("pk", s("k"), "sk", s("1"), "group", s("g"), "count", n("3")));
        Map<String, AttributeValue> key = item("pk", s("k"), "sk", s("1"));
        String mismatch = INVALID + "Type mismatch for Index Key group Expected: S Actual: N IndexName: ByGroup";
        assertValidation(mismatch, () -> client.putItem(b -> b.tableName(table)
                .item(item("pk", s("k"), "sk", s("1"), "group", n("5")))
                .conditionExpression("attribute_not_exists(pk)")));
        assertValidation(mismatch, () -> client.updateItem(b -> b.tableName(table).key(key)
                .updateExpression("SET #g = :n").conditionExpression("attribute_not_exists(pk)")
                .expressionAttributeNames(Map.of("#g", "group")).expressionAttributeValues(Map.of(":n", n("5")))));
        assertValidation(mismatch, () -> client.updateItem(b -> b.tableName(table).key(key)
                .updateExpression("ADD #g :n").conditionExpression("attribute_not_exists(pk)")
                .expressionAttributeNames(Map.of("#g", "group")).expressionAttributeValues(Map.of(":n", n("5")))));
        assertValidation(mismatch, () -> client.updateItem(b -> b.tableName(table).key(key)
                .attributeUpdates(Map.of("group", AttributeValueUpdate.builder().action(AttributeAction.PUT)
                        .value(n("5")).build()))
                .expected(Map.of("pk", ExpectedAttributeValue.builder().exists(false).build()))));
        // The type of a value taken from the item is known only once the update is evaluated, after the condition.
        assertThatThrownBy(() -> client.updateItem(b -> b.tableName(table).key(key)
                .updateExpression("SET #g = #c").conditionExpression("attribute_not_exists(pk)")
                .expressionAttributeNames(Map.of("#g", "group", "#c", "count"))))
                .isInstanceOf(ConditionalCheckFailedException.class);
        // In a transaction the bad value is the action's cancellation reason, not the failed condition.
        TransactionCanceledException cancelled = catchThrowableOfType(TransactionCanceledException.class,
                () -> client.transactWriteItems(b -> b.transactItems(TransactWriteItem.builder()
                        .put(p -> p.tableName(table).item(item("pk", s("k"), "sk", s("1"), "group", n("5")))
                                .conditionExpression("attribute_not_exists(pk)")).build())));
        assertThat(cancelled.cancellationReasons()).singleElement().satisfies(reason -> {
            assertThat(reason.code()).isEqualTo("ValidationError");
            assertThat(reason.message()).isEqualTo(mismatch);
        });
        assertThat(client.getItem(b -> b.tableName(table).key(key).consistentRead(true)).item())
                .containsEntry("group", s("g"));
    }

    private ConsumedCapacity put(Map<String, AttributeValue> item) {
        return client.putItem(b -> b.tableName(table).item(item)
                .returnConsumedCapacity(ReturnConsumedCapacity.INDEXES)).consumedCapacity();
    }

    private void assertCapacity(ConsumedCapacity capacity, double total, double tableUnits,
            Map<String, Double> global, Map<String, Double> local) {
        assertThat(capacity.tableName()).isEqualTo(table);
        assertThat(capacity.capacityUnits()).isEqualTo(total);
        assertThat(capacity.writeCapacityUnits()).isNull();
        assertThat(capacity.table().capacityUnits()).isEqualTo(tableUnits);
        assertThat(capacity.hasGlobalSecondaryIndexes()).isEqualTo(!global.isEmpty());
        assertThat(capacity.hasLocalSecondaryIndexes()).isEqualTo(!local.isEmpty());
        global.forEach((name, units) -> assertThat(capacity.globalSecondaryIndexes().get(name))
                .extracting(Capacity::capacityUnits).isEqualTo(units));
        local.forEach((name, units) -> assertThat(capacity.localSecondaryIndexes().get(name))
                .extracting(Capacity::capacityUnits).isEqualTo(units));
    }
}
