package io.basalt.compat.reads;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** BatchGetItem: several tables, projections and consistency per table, limits and exact messages. */
class TestBatchGetItem extends ReadsTestSupport {
    private String users;
    private String events;

    @BeforeAll
    void loadTables() {
        users = hashTable();
        events = rangeTable(ScalarAttributeType.N);
        List<Map<String, AttributeValue>> userItems = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            userItems.add(item("pk", s("u" + i), "name", s("user " + i), "age", n(Integer.toString(20 + i % 50))));
        }
        load(users, userItems);
        load(events, List.of(item("pk", s("u1"), "sk", n("1"), "what", s("login")),
                item("pk", s("u1"), "sk", n("2"), "what", s("logout")),
                item("pk", s("u2"), "sk", n("1"), "what", s("x".repeat(5000)))));
    }

    private static KeysAndAttributes keys(List<Map<String, AttributeValue>> keys) {
        return KeysAndAttributes.builder().keys(keys).build();
    }

    @Test
    void multiTableWithProjectionsAndMissingItems() {
        Map<String, KeysAndAttributes> request = new LinkedHashMap<>();
        request.put(users, KeysAndAttributes.builder().keys(item("pk", s("u1")), item("pk", s("u2")),
                item("pk", s("nobody"))).projectionExpression("#n").expressionAttributeNames(Map.of("#n", "name"))
                .consistentRead(true).build());
        // Strong reads: the tables were written just before, and an eventual read may be served by a replica that
        // has not applied the writes yet (DynamoDB's read consistency page; on a cluster, the entry node's replica).
        request.put(events, KeysAndAttributes.builder().keys(item("pk", s("u1"), "sk", n("2")),
                item("pk", s("u1"), "sk", n("3"))).consistentRead(true).build());
        BatchGetItemResponse response = client.batchGetItem(b -> b.requestItems(request));
        assertThat(response.responses()).containsOnlyKeys(users, events);
        assertThat(response.responses().get(users)).containsExactlyInAnyOrder(item("name", s("user 1")),
                item("name", s("user 2")));
        assertThat(response.responses().get(events)).containsExactly(item("pk", s("u1"), "sk", n("2"),
                "what", s("logout")));
        assertThat(response.hasUnprocessedKeys()).isTrue();
        assertThat(response.unprocessedKeys()).isEmpty();
        assertThat(response.hasConsumedCapacity()).isFalse();

        BatchGetItemResponse legacy = client.batchGetItem(b -> b.requestItems(Map.of(users, KeysAndAttributes
                .builder().keys(item("pk", s("u3"))).attributesToGet("age", "absent").consistentRead(true).build())));
        assertThat(legacy.responses().get(users)).containsExactly(item("age", s("23").toBuilder().s(null).n("23")
                .build()));
    }

    @Test
    void everyRequestedTableIsInResponsesEvenWhenNothingWasFound() {
        BatchGetItemResponse response = client.batchGetItem(b -> b.requestItems(Map.of(
                users, keys(List.of(item("pk", s("nobody")))),
                events, keys(List.of(item("pk", s("nobody"), "sk", n("1")))))));
        assertThat(response.responses()).containsOnlyKeys(users, events);
        assertThat(response.responses().get(users)).isEmpty();
        assertThat(response.responses().get(events)).isEmpty();
        assertThat(response.unprocessedKeys()).isEmpty();
    }

    @Test
    void hundredKeysAcrossTablesIsTheLimit() {
        List<Map<String, AttributeValue>> hundred = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            hundred.add(item("pk", s("u" + i)));
        }
        BatchGetItemResponse response = client.batchGetItem(b -> b.requestItems(Map.of(users, keys(hundred))));
        assertThat(response.responses().get(users)).hasSize(100);
        assertThat(response.unprocessedKeys()).isEmpty();

        List<Map<String, AttributeValue>> more = new ArrayList<>(hundred);
        more.add(item("pk", s("u100")));
        assertValidation("1 validation error detected: Value at 'RequestItems." + users + ".member.Keys' failed to "
                + "satisfy constraint: Member must have length less than or equal to 100",
                () -> client.batchGetItem(b -> b.requestItems(Map.of(users, keys(more)))));
        assertValidation("Too many items requested for the BatchGetItem call",
                () -> client.batchGetItem(b -> b.requestItems(Map.of(users, keys(hundred),
                        events, keys(List.of(item("pk", s("u1"), "sk", n("1"))))))));
    }

    @Test
    void capacityIsOneEntryPerTableWithPerItemRounding() {
        BatchGetItemResponse response = client.batchGetItem(b -> b.returnConsumedCapacity(
                ReturnConsumedCapacity.TOTAL).requestItems(Map.of(
                users, KeysAndAttributes.builder().keys(item("pk", s("u1")), item("pk", s("nobody")))
                        .consistentRead(true).build(),
                events, keys(List.of(item("pk", s("u1"), "sk", n("1")), item("pk", s("u2"), "sk", n("1")))))));
        Map<String, Double> units = new LinkedHashMap<>();
        for (ConsumedCapacity capacity : response.consumedCapacity()) {
            units.put(capacity.tableName(), capacity.capacityUnits());
        }
        // users: two strongly consistent reads, 1 unit each (a missing item costs one too);
        // events: eventually consistent, 0.5 for the small item, 1.0 for the 5 KB one.
        assertThat(units).containsOnly(Map.entry(users, 2.0), Map.entry(events, 1.5));
    }

    @Test
    void rejections() {
        assertValidation("Provided list of item keys contains duplicates",
                () -> client.batchGetItem(b -> b.requestItems(Map.of(users,
                        keys(List.of(item("pk", s("u1")), item("pk", s("u1"))))))));
        assertValidation("The provided key element does not match the schema",
                () -> client.batchGetItem(b -> b.requestItems(Map.of(users, keys(List.of(item("pk", n("1"))))))));
        assertValidation("The provided key element does not match the schema",
                () -> client.batchGetItem(b -> b.requestItems(Map.of(events, keys(List.of(item("pk", s("u1"))))))));
        assertValidation("1 validation error detected: Value at 'RequestItems' failed to satisfy constraint: "
                + "Member must have length greater than or equal to 1",
                () -> client.batchGetItem(b -> b.requestItems(Map.of())));
        assertValidation("1 validation error detected: Value at 'RequestItems." + users + ".member.Keys' failed to "
                + "satisfy constraint: Member must have length greater than or equal to 1",
                () -> client.batchGetItem(b -> b.requestItems(Map.of(users, keys(List.of())))));
        assertValidation("Can not use both expression and non-expression parameters in the same request: "
                + "Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}",
                () -> client.batchGetItem(b -> b.requestItems(Map.of(users, KeysAndAttributes.builder()
                        .keys(item("pk", s("u1"))).attributesToGet("a").projectionExpression("a").build()))));
        assertValidation("One or more parameter values are not valid. The AttributeValue for a key attribute "
                + "cannot contain an empty string value. Key: pk",
                () -> client.batchGetItem(b -> b.requestItems(Map.of(users, keys(List.of(item("pk", s(""))))))));
        assertNotFound(() -> client.batchGetItem(b -> b.requestItems(Map.of(users,
                keys(List.of(item("pk", s("u1")))), "no-such-table", keys(List.of(item("pk", s("u1"))))))));
    }
}
