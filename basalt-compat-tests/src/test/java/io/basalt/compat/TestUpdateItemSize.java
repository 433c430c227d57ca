package io.basalt.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * How UpdateItem is held to the 400 KB item limit, as us-east-1 (and 21 other regions) does it: the finished item
 * must fit, and so must the statement (what it writes plus a cost per action, the key and untouched attributes
 * left out), checked before the condition. A transaction's Update is held to the finished item only. Measured on
 * DynamoDB by paritysuite/dynamodb-conformance tests/tier3/limits/itemSizeBySurface.test.ts; the rule is in
 * docs/design/write-path.md.
 */
class TestUpdateItemSize extends CompatTestSupport {
    private static final int MAX = 409_600;
    private static final String TOO_BIG = "Item size to update has exceeded the maximum allowed size";

    private String table;

    @BeforeAll
    void createTable() {
        table = hashTable();
    }

    @Test
    void aShortKeyLeavesTheStatementAsTheBindingLimit() {
        // Key "pk"="K" is 3 bytes. SET b = :pad costs 3 + 19 + 1 + pad, so the largest pad is 409,577 and the
        // finished item 409,581: 19 bytes under the limit.
        setB("K", MAX - 23);
        assertThat(storedSize("K")).isEqualTo(MAX - 19);
        assertValidation(TOO_BIG, () -> setB("L", MAX - 22));
        assertThat(client.getItem(b -> b.tableName(table).key(item("pk", s("L")))).hasItem()).isFalse();
    }

    @Test
    void anAttributeTheStatementLeavesAloneBuysBackItsBytes() {
        // u (1 + 10 bytes) is in the finished item but not in the statement.
        client.putItem(b -> b.tableName(table).item(item("pk", s("U"), "u", s("y".repeat(10)))));
        setB("U", MAX - 23);
        assertThat(storedSize("U")).isEqualTo(MAX - 19 + 11);
        client.putItem(b -> b.tableName(table).item(item("pk", s("V"), "u", s("y".repeat(10)))));
        assertValidation(TOO_BIG, () -> setB("V", MAX - 22));
    }

    @Test
    void aLongKeyLeavesTheFinishedItemAsTheBindingLimit() {
        String key = "k".repeat(100);
        // The finished item: 2 + 100 + 1 + pad <= 409,600; the statement (23 + pad) is smaller.
        setB(key, MAX - 103);
        assertThat(storedSize(key)).isEqualTo(MAX);
        String other = "j".repeat(100);
        assertValidation(TOO_BIG, () -> setB(other, MAX - 102));
    }

    @Test
    void theStatementIsCheckedBeforeTheCondition() {
        // The condition fails (the item does not exist), yet the oversized statement is what DynamoDB reports.
        assertValidation(TOO_BIG, () -> client.updateItem(b -> b.tableName(table).key(item("pk", s("C")))
                .updateExpression("SET b = :pad").conditionExpression("attribute_exists(pk)")
                .expressionAttributeValues(Map.of(":pad", s("x".repeat(MAX - 22))))));
    }

    @Test
    void eachActionAddsItsCost() {
        // SET b = :pad, c = :c costs 19 + 1 + 1 more than the single SET: the largest pad shrinks by 21.
        client.updateItem(b -> b.tableName(table).key(item("pk", s("M"))).updateExpression("SET b = :pad, c = :c")
                .expressionAttributeValues(Map.of(":pad", s("x".repeat(MAX - 23 - 21)), ":c", s("y"))));
        assertValidation(TOO_BIG, () -> client.updateItem(b -> b.tableName(table).key(item("pk", s("N")))
                .updateExpression("SET b = :pad, c = :c")
                .expressionAttributeValues(Map.of(":pad", s("x".repeat(MAX - 22 - 21)), ":c", s("y")))));
        // A REMOVE of r costs 1 + 1.
        client.putItem(b -> b.tableName(table).item(item("pk", s("R"), "r", s("z"))));
        client.updateItem(b -> b.tableName(table).key(item("pk", s("R"))).updateExpression("SET b = :pad REMOVE r")
                .expressionAttributeValues(Map.of(":pad", s("x".repeat(MAX - 23 - 2)))));
        client.putItem(b -> b.tableName(table).item(item("pk", s("Q"), "r", s("z"))));
        assertValidation(TOO_BIG, () -> client.updateItem(b -> b.tableName(table).key(item("pk", s("Q")))
                .updateExpression("SET b = :pad REMOVE r")
                .expressionAttributeValues(Map.of(":pad", s("x".repeat(MAX - 22 - 2))))));
    }

    @Test
    void aTransactionsUpdateIsHeldToTheFinishedItemOnly() {
        // What standalone UpdateItem refuses at this key, a transaction's Update stores.
        client.transactWriteItems(b -> b.transactItems(TransactWriteItem.builder().update(Update.builder()
                .tableName(table).key(item("pk", s("T"))).updateExpression("SET b = :pad")
                .expressionAttributeValues(Map.of(":pad", s("x".repeat(MAX - 4)))).build()).build()));
        assertThat(storedSize("T")).isEqualTo(MAX);
    }

    private void setB(String pk, int padding) {
        client.updateItem(b -> b.tableName(table).key(item("pk", s(pk))).updateExpression("SET b = :pad")
                .expressionAttributeValues(Map.of(":pad", s("x".repeat(padding)))));
    }

    private int storedSize(String pk) {
        Map<String, AttributeValue> item = client.getItem(b -> b.tableName(table).key(item("pk", s(pk)))
                .consistentRead(true)).item();
        int size = 0;
        for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
            size += attribute.getKey().length() + attribute.getValue().s().length();
        }
        return size;
    }
}
