package io.basalt.compat.transactions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ItemResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItem;
import software.amazon.awssdk.services.dynamodb.model.TransactGetItemsResponse;

/** TransactGetItems: validation, responses in request order, capacity. */
class TestTransactGetItems extends TransactionTestSupport {
    private String table;
    private String other;

    @BeforeAll
    void createTables() {
        table = hashTable();
        other = hashTable();
        client.putItem(b -> b.tableName(table).item(item("pk", s("a"), "v", s("1"), "w", s("2"))));
        client.putItem(b -> b.tableName(other).item(item("pk", s("big"), "data", s(repeat('x', 5000)))));
    }

    private static TransactGetItem get(String table, Map<String, AttributeValue> key) {
        return TransactGetItem.builder().get(g -> g.tableName(table).key(key)).build();
    }

    @Test
    void responsesComeInRequestOrderWithAnEmptyEntryForAMissingItem() {
        TransactGetItemsResponse response = client.transactGetItems(b -> b.transactItems(get(other, key("big")),
                get(table, key("missing")), TransactGetItem.builder().get(g -> g.tableName(table).key(key("a"))
                        .projectionExpression("#v").expressionAttributeNames(Map.of("#v", "v"))).build()));
        assertThat(response.responses()).hasSize(3);
        assertThat(response.responses().get(0).item()).containsKey("data");
        assertThat(response.responses().get(1).hasItem()).isFalse();
        assertThat(response.responses().get(2).item()).isEqualTo(item("v", s("1")));
        assertThat(response.hasConsumedCapacity()).isFalse();
        assertThat(post("TransactGetItems", "{\"TransactItems\":[{\"Get\":{\"TableName\":\"" + table
                + "\",\"Key\":{\"pk\":{\"S\":\"missing\"}}}}]}").body()).isEqualTo("{\"Responses\":[{}]}");
    }

    @Test
    void readsCostTwiceAStronglyConsistentReadMissingItemsIncluded() {
        TransactGetItemsResponse response = client.transactGetItems(b -> b.returnConsumedCapacity("TOTAL")
                .transactItems(get(table, key("a")), get(other, key("big")), get(table, key("missing"))));
        assertThat(response.consumedCapacity()).containsExactly(
                ConsumedCapacity.builder().tableName(table).capacityUnits(4.0).readCapacityUnits(4.0).build(),
                ConsumedCapacity.builder().tableName(other).capacityUnits(4.0).readCapacityUnits(4.0).build());
        response = client.transactGetItems(b -> b.returnConsumedCapacity("INDEXES")
                .transactItems(get(table, key("a"))));
        assertThat(response.consumedCapacity()).containsExactly(ConsumedCapacity.builder().tableName(table)
                .capacityUnits(2.0).readCapacityUnits(2.0).table(c -> c.capacityUnits(2.0).readCapacityUnits(2.0))
                .build());
        assertThat(response.responses()).extracting(ItemResponse::hasItem).containsExactly(true);
    }

    @Test
    void validation() {
        assertValidation("1 validation error detected: Value '[]' at 'transactItems' failed to satisfy constraint: "
                + "Member must have length greater than or equal to 1",
                () -> client.transactGetItems(b -> b.transactItems(List.of())));
        List<TransactGetItem> many = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            many.add(get(table, key("k" + i)));
        }
        assertValidation("1 validation error detected: Value at 'TransactItems' failed to satisfy constraint: "
                + "Member must have length less than or equal to 100",
                () -> client.transactGetItems(b -> b.transactItems(many)));
        assertValidation("1 validation error detected: Value 'BOGUS' at 'returnConsumedCapacity' failed to satisfy "
                + "constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]",
                () -> client.transactGetItems(b -> b.returnConsumedCapacity("BOGUS")
                        .transactItems(get(uniqueName("absent"), key("a")))));
        assertNotFound("Requested resource not found",
                () -> client.transactGetItems(b -> b.transactItems(get(uniqueName("absent"), key("a")))));
        assertValidation("Invalid ProjectionExpression: Syntax error; token: \"!\", near: \"!!\"",
                () -> client.transactGetItems(b -> b.transactItems(TransactGetItem.builder().get(g -> g
                        .tableName(table).key(key("a")).projectionExpression("!!!")).build())));
        assertValidation("Transaction request cannot include multiple operations on one item",
                () -> client.transactGetItems(b -> b.transactItems(get(table, key("a")), get(table, key("a")))));
        List<CancellationReason> reasons = assertCancelled(List.of("None", "ValidationError"),
                () -> client.transactGetItems(b -> b.transactItems(get(table, key("a")), get(table, Map.of()))));
        assertThat(reasons.get(1).message()).isEqualTo("The provided key element does not match the schema");
    }
}
