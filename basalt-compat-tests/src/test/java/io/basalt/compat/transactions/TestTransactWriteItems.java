package io.basalt.compat.transactions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.IdempotentParameterMismatchException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;

/** TransactWriteItems: what commits, the response, cancellation reasons as the SDK parses them, idempotency. */
class TestTransactWriteItems extends TransactionTestSupport {
    private String table;
    private String other;

    @BeforeAll
    void createTables() {
        table = hashTable();
        other = hashTable();
    }

    private Map<String, AttributeValue> get(String tableName, String pk) {
        return client.getItem(b -> b.tableName(tableName).key(key(pk)).consistentRead(true)).item();
    }

    private static TransactWriteItem add(String table, String pk, int amount) {
        return TransactWriteItem.builder().update(u -> u.tableName(table).key(key(pk))
                .updateExpression("ADD n :a").expressionAttributeValues(Map.of(":a", n(Integer.toString(amount)))))
                .build();
    }

    @Test
    void allActionsCommitAcrossTablesAndTheResponseIsEmpty() {
        client.putItem(b -> b.tableName(table).item(item("pk", s("gone"))));
        client.putItem(b -> b.tableName(other).item(item("pk", s("checked"), "ok", AttributeValue.fromBool(true))));
        TransactWriteItemsResponse response = client.transactWriteItems(b -> b.transactItems(
                put(table, item("pk", s("new"), "v", n("1"))), add(other, "counter", 5), delete(table, key("gone")),
                check(other, key("checked"), "ok = :t")
                        .toBuilder().conditionCheck(c -> c.tableName(other).key(key("checked"))
                                .conditionExpression("ok = :t")
                                .expressionAttributeValues(Map.of(":t", AttributeValue.fromBool(true)))).build()));
        assertThat(response.hasConsumedCapacity()).isFalse();
        assertThat(response.hasItemCollectionMetrics()).isFalse();
        assertThat(get(table, "new")).containsEntry("v", n("1"));
        assertThat(get(other, "counter")).containsEntry("n", n("5"));
        assertThat(get(table, "gone")).isEmpty();
    }

    @Test
    void cancellationReasonsComeInRequestOrderWithTheItemWhenAsked() {
        client.putItem(b -> b.tableName(table).item(item("pk", s("c-exists"), "v", s("old"))));
        List<CancellationReason> reasons = assertCancelled(List.of("None", "ConditionalCheckFailed"),
                () -> client.transactWriteItems(b -> b.transactItems(put(table, key("c-new")),
                        TransactWriteItem.builder().put(p -> p.tableName(table).item(item("pk", s("c-exists")))
                                .conditionExpression("attribute_not_exists(pk)")
                                .returnValuesOnConditionCheckFailure("ALL_OLD")).build())));
        assertThat(reasons.get(0).message()).isNull();
        assertThat(reasons.get(0).hasItem()).isFalse();
        assertThat(reasons.get(1).message()).isEqualTo("The conditional request failed");
        assertThat(reasons.get(1).item()).isEqualTo(item("pk", s("c-exists"), "v", s("old")));
        assertThat(get(table, "c-new")).isEmpty();
        assertThat(get(table, "c-exists")).containsEntry("v", s("old"));

        reasons = assertCancelled(List.of("ConditionalCheckFailed", "ConditionalCheckFailed"),
                () -> client.transactWriteItems(b -> b.transactItems(
                        check(table, key("c-exists"), "attribute_not_exists(pk)"),
                        check(table, key("c-missing"), "attribute_exists(pk)"))));
        assertThat(reasons).allSatisfy(reason -> assertThat(reason.hasItem()).isFalse());
    }

    @Test
    void transactionalWritesCostTwiceWithWriteCapacityUnits() {
        client.putItem(b -> b.tableName(table).item(item("pk", s("cap-big"), "data", s(repeat('x', 1500)))));
        TransactWriteItemsResponse response = client.transactWriteItems(b -> b.returnConsumedCapacity("TOTAL")
                .transactItems(put(table, key("cap-1")), delete(table, key("cap-big")), put(other, key("cap-2")),
                        check(table, key("cap-none"), "attribute_not_exists(pk)")));
        // Table: put 2 + delete of a 1.5 KB item 4 + check 2; other: put 2. Tables in request order.
        assertThat(response.consumedCapacity()).containsExactly(
                ConsumedCapacity.builder().tableName(table).capacityUnits(8.0).writeCapacityUnits(8.0).build(),
                ConsumedCapacity.builder().tableName(other).capacityUnits(2.0).writeCapacityUnits(2.0).build());
        // A ConditionCheck costs what a write of the item it checked would: 2 units per KB.
        client.putItem(b -> b.tableName(table).item(item("pk", s("cap-big2"), "data", s(repeat('x', 2500)))));
        response = client.transactWriteItems(b -> b.returnConsumedCapacity("TOTAL")
                .transactItems(check(table, key("cap-big2"), "attribute_exists(pk)")));
        assertThat(response.consumedCapacity()).containsExactly(
                ConsumedCapacity.builder().tableName(table).capacityUnits(6.0).writeCapacityUnits(6.0).build());
        response = client.transactWriteItems(b -> b.returnConsumedCapacity("INDEXES")
                .transactItems(put(table, key("cap-3"))));
        assertThat(response.consumedCapacity()).containsExactly(ConsumedCapacity.builder().tableName(table)
                .capacityUnits(2.0).writeCapacityUnits(2.0)
                .table(c -> c.capacityUnits(2.0).writeCapacityUnits(2.0)).build());
    }

    @Test
    void aRetryWithTheSameTokenAppliesNothingTwice() {
        String token = UUID.randomUUID().toString();
        for (int i = 0; i < 3; i++) {
            client.transactWriteItems(b -> b.clientRequestToken(token).returnConsumedCapacity("TOTAL")
                    .transactItems(add(table, "idem", 1), put(other, key("idem-put"))));
        }
        assertThat(get(table, "idem")).containsEntry("n", n("1"));
        TransactWriteItemsResponse retried = client.transactWriteItems(b -> b.clientRequestToken(token)
                .returnConsumedCapacity("TOTAL").transactItems(add(table, "idem", 1), put(other, key("idem-put"))));
        assertThat(get(table, "idem")).containsEntry("n", n("1"));
        // A retry writes nothing and is charged as reads: 2 units per 4 KB of each item.
        assertThat(retried.consumedCapacity()).containsExactly(
                ConsumedCapacity.builder().tableName(table).capacityUnits(2.0).readCapacityUnits(2.0).build(),
                ConsumedCapacity.builder().tableName(other).capacityUnits(2.0).readCapacityUnits(2.0).build());
        String mismatch = "The request uses the same client token as a previous, but non-identical request. Do not "
                + "reuse a client token with different requests, unless the requests are identical.";
        assertError(IdempotentParameterMismatchException.class, "IdempotentParameterMismatchException", mismatch,
                () -> client.transactWriteItems(b -> b.clientRequestToken(token).returnConsumedCapacity("TOTAL")
                        .transactItems(add(table, "idem", 2), put(other, key("idem-put")))));
        // ReturnConsumedCapacity is one of the "other parameters" the API reference says a retry must not change.
        assertError(IdempotentParameterMismatchException.class, "IdempotentParameterMismatchException", mismatch,
                () -> client.transactWriteItems(b -> b.clientRequestToken(token).returnConsumedCapacity("INDEXES")
                        .transactItems(add(table, "idem", 1), put(other, key("idem-put")))));
        assertThat(get(table, "idem")).containsEntry("n", n("1"));
        // Leaving a response parameter out asks for its default, so it is the same request as naming NONE.
        String quiet = UUID.randomUUID().toString();
        client.transactWriteItems(b -> b.clientRequestToken(quiet).transactItems(add(table, "idem-quiet", 1)));
        client.transactWriteItems(b -> b.clientRequestToken(quiet).returnConsumedCapacity("NONE")
                .returnItemCollectionMetrics("NONE").transactItems(add(table, "idem-quiet", 1)));
        assertThat(get(table, "idem-quiet")).containsEntry("n", n("1"));
        // A new token is a new transaction.
        client.transactWriteItems(b -> b.clientRequestToken(UUID.randomUUID().toString())
                .transactItems(add(table, "idem", 1)));
        assertThat(get(table, "idem")).containsEntry("n", n("2"));
    }

    @Test
    void theAsyncClientParsesTheSameShapes() {
        TransactWriteItemsResponse response = asyncClient().transactWriteItems(b -> b
                .returnConsumedCapacity("TOTAL").transactItems(put(table, key("async-1")))).join();
        assertThat(response.consumedCapacity()).extracting(ConsumedCapacity::capacityUnits).containsExactly(2.0);
        assertCancelled(List.of("ConditionalCheckFailed"), () -> {
            try {
                asyncClient().transactWriteItems(b -> b.transactItems(check(table, key("async-1"),
                        "attribute_not_exists(pk)"))).join();
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause();
            }
        });
    }
}
