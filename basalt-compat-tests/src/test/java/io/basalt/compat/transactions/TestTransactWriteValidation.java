package io.basalt.compat.transactions;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * TransactWriteItems validation: each row's exact type and message, and which of two problems DynamoDB reports
 * first (docs/design/transactions-reference.md §2).
 */
class TestTransactWriteValidation extends TransactionTestSupport {
    private static final String ENUM_RCC = "Value 'BOGUS' at 'returnConsumedCapacity' failed to satisfy constraint: "
            + "Member must satisfy enum value set: [INDEXES, TOTAL, NONE]";
    private static final String ENUM_RICM = "Value 'BOGUS2' at 'returnItemCollectionMetrics' failed to satisfy "
            + "constraint: Member must satisfy enum value set: [SIZE, NONE]";
    private static final String SYNTAX = "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"(\"";
    private static final String UNUSED = "Value provided in ExpressionAttributeValues unused in expressions: "
            + "keys: {:v}";
    private static final String EMPTY_KEY = "One or more parameter values are not valid. The AttributeValue for a "
            + "key attribute cannot contain an empty string value. Key: pk";
    private static final String SCHEMA_MISMATCH = "The provided key element does not match the schema";
    private static final String PAYLOAD = "Transaction payload size cannot exceed 4 MB";

    private String table;
    private String missing;

    @BeforeAll
    void createTable() {
        table = hashTable();
        missing = uniqueName("absent");
    }

    private void write(TransactWriteItem... items) {
        client.transactWriteItems(b -> b.transactItems(items));
    }

    private static String one(String message) {
        return "1 validation error detected: " + message;
    }

    private void assertAbsent(String pk) {
        assertThat(client.getItem(b -> b.tableName(table).key(key(pk)).consistentRead(true)).hasItem()).isFalse();
    }

    @Test
    void transactItemsMustHaveOneToOneHundredActions() {
        assertValidation(one("Value '[]' at 'transactItems' failed to satisfy constraint: Member must have length "
                + "greater than or equal to 1"), () -> client.transactWriteItems(b -> b.transactItems(List.of())));
        List<TransactWriteItem> many = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            many.add(put(table, key("many-" + i)));
        }
        assertValidation(one("Value at 'TransactItems' failed to satisfy constraint: Member must have length less "
                + "than or equal to 100"), () -> client.transactWriteItems(b -> b.transactItems(many)));
        assertAbsent("many-0");
        HttpResponse<String> response = post("TransactWriteItems", "{}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).isEqualTo(validationBody(one("Value null at 'transactItems' failed to satisfy "
                + "constraint: Member must not be null")));
    }

    @Test
    void enumsAreReportedTogetherAndBeforeEverythingElse() {
        assertValidation(one(ENUM_RCC), () -> client.transactWriteItems(b -> b
                .transactItems(put(table, key("vo-rcc"))).returnConsumedCapacity("BOGUS")));
        assertAbsent("vo-rcc");
        assertValidation(one(ENUM_RICM), () -> client.transactWriteItems(b -> b
                .transactItems(put(table, key("vo-ricm"))).returnItemCollectionMetrics("BOGUS2")));
        assertValidation("2 validation errors detected: " + ENUM_RCC + "; " + ENUM_RICM,
                () -> client.transactWriteItems(b -> b.transactItems(put(table, key("vo-both")))
                        .returnConsumedCapacity("BOGUS").returnItemCollectionMetrics("BOGUS2")));
        assertValidation(one(ENUM_RCC), () -> client.transactWriteItems(b -> b
                .transactItems(put(missing, key("a"))).returnConsumedCapacity("BOGUS")));
        assertValidation(one(ENUM_RCC), () -> client.transactWriteItems(b -> b
                .transactItems(put(table, key("vo-dup")), delete(table, key("vo-dup")))
                .returnConsumedCapacity("BOGUS")));
    }

    @Test
    void clientRequestTokenHasOneToThirtySixCharactersAndComesFirst() {
        String token = repeat('x', 37);
        String tooLong = "Value '" + token + "' at 'clientRequestToken' failed to satisfy constraint: Member must "
                + "have length less than or equal to 36";
        assertValidation(one(tooLong), () -> client.transactWriteItems(b -> b
                .transactItems(put(table, key("vo-token"))).clientRequestToken(token)));
        assertValidation("2 validation errors detected: " + tooLong + "; " + ENUM_RCC,
                () -> client.transactWriteItems(b -> b.transactItems(put(table, key("vo-token")))
                        .clientRequestToken(token).returnConsumedCapacity("BOGUS")));
        assertAbsent("vo-token");
        client.transactWriteItems(b -> b.transactItems(put(table, key("vo-token36"))).clientRequestToken(
                repeat('y', 36)));
    }

    @Test
    void actionMembersAreRequired() {
        assertThat(post("TransactWriteItems", "{\"TransactItems\":[{\"Put\":{}}]}").body()).isEqualTo(validationBody(
                "2 validation errors detected: Value null at 'transactItems.1.member.put.item' failed to satisfy "
                        + "constraint: Member must not be null; Value null at 'transactItems.1.member.put.tableName' "
                        + "failed to satisfy constraint: Member must not be null"));
        assertValidation(one("Value null at 'transactItems.1.member.conditionCheck.conditionExpression' failed to "
                + "satisfy constraint: Member must not be null"), () -> write(TransactWriteItem.builder()
                        .conditionCheck(c -> c.tableName(table).key(key("cc"))).build()));
        assertValidation(one("Value null at 'transactItems.2.member.update.updateExpression' failed to satisfy "
                + "constraint: Member must not be null"), () -> write(put(table, key("u1")), TransactWriteItem
                        .builder().update(u -> u.tableName(table).key(key("u2"))).build()));
        assertValidation(one("Value 'ALL_NEW' at 'transactItems.1.member.put.returnValuesOnConditionCheckFailure' "
                + "failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]"),
                () -> write(TransactWriteItem.builder().put(p -> p.tableName(table).item(key("rv"))
                        .returnValuesOnConditionCheckFailure("ALL_NEW")).build()));
    }

    @Test
    void eachActionHasExactlyOneOperation() {
        String none = "Invalid Request: TransactWriteRequest should contain Delete or Put or Update request";
        assertThat(post("TransactWriteItems", "{\"TransactItems\":[{}]}").body()).isEqualTo(validationBody(none));
        // A member the API does not know is ignored, which leaves the action empty.
        assertThat(post("TransactWriteItems", "{\"TransactItems\":[{\"Put\":{\"TableName\":\"" + table
                + "\",\"Item\":{\"pk\":{\"S\":\"one\"}}}},{\"NotARealAction\":{}}]}").body())
                .isEqualTo(validationBody(none));
        assertAbsent("one");
        assertValidation("TransactItems can only contain one of Check, Put, Update or Delete",
                () -> write(TransactWriteItem.builder().put(p -> p.tableName(table).item(key("two")))
                        .delete(d -> d.tableName(table).key(key("two"))).build()));
    }

    @Test
    void expressionsOfAnyActionComeBeforeTables() {
        TransactWriteItem badCondition = check(table, key("vo-cc"), "attribute_not_exists(");
        assertValidation(SYNTAX, () -> write(put(missing, key("a")), badCondition));
        TransactWriteItem unused = TransactWriteItem.builder().conditionCheck(c -> c.tableName(table)
                .key(key("vo-cc")).conditionExpression("attribute_not_exists(pk)")
                .expressionAttributeValues(Map.of(":v", AttributeValue.fromS("x")))).build();
        assertValidation(UNUSED, () -> write(put(missing, key("a")), unused));
        assertValidation(UNUSED, () -> write(unused, put(missing, key("a"))));
        assertValidation(UNUSED, () -> write(put(table, key("vo-cc")), unused));
        assertAbsent("vo-cc");
    }

    @Test
    void theFirstActionInRequestOrderWins() {
        AttributeValue deep = AttributeValue.fromS("leaf");
        for (int i = 0; i < 32; i++) {
            deep = AttributeValue.fromM(Map.of("n", deep));
        }
        Map<String, AttributeValue> deepItem = item("pk", s("vo-deep"), "data", deep);
        TransactWriteItem badCondition = check(table, key("vo-cc"), "attribute_not_exists(");
        assertValidation(SYNTAX, () -> write(badCondition, put(table, deepItem)));
        assertValidation("Nesting Levels have exceeded supported limits: Attributes in the item have nested levels "
                + "beyond supported limit", () -> write(put(table, deepItem), badCondition));
    }

    @Test
    void itemSizeAndAggregateSize() {
        String big = repeat('x', 400 * 1024);
        assertValidation("Item size has exceeded the maximum allowed size",
                () -> write(put(table, item("pk", s("big"), "data", s(big)))));
        List<TransactWriteItem> heavy = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            heavy.add(put(table, item("pk", s("heavy-" + i), "data", s(repeat('x', 390 * 1024)))));
        }
        assertValidation(PAYLOAD, () -> client.transactWriteItems(b -> b.transactItems(heavy)));
        assertAbsent("heavy-0");
    }

    @Test
    void theAggregateLimitMeasuresTheRequestNotTheStoredItems() {
        String value = repeat('x', 390 * 1024);
        // Updates carry their new values in ExpressionAttributeValues: 11 of 390 KB are over 4 MB.
        List<TransactWriteItem> updates = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            String pk = "upd-heavy-" + i;
            updates.add(TransactWriteItem.builder().update(u -> u.tableName(table).key(key(pk))
                    .updateExpression("SET v = :v").expressionAttributeValues(Map.of(":v", s(value)))).build());
        }
        assertValidation(PAYLOAD, () -> client.transactWriteItems(b -> b.transactItems(updates)));
        assertAbsent("upd-heavy-0");
        // Deleting 11 stored items of 390 KB sends only their keys, and is accepted.
        List<TransactWriteItem> deletes = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            String pk = "del-heavy-" + i;
            client.putItem(b -> b.tableName(table).item(item("pk", s(pk), "data", s(value))));
            deletes.add(delete(table, key(pk)));
        }
        client.transactWriteItems(b -> b.transactItems(deletes));
        assertAbsent("del-heavy-0");
        assertAbsent("del-heavy-10");
    }

    @Test
    void unknownTableIsResourceNotFound() {
        assertNotFound("Requested resource not found", () -> write(put(table, key("rnf")), put(missing, key("a"))));
        assertAbsent("rnf");
        // A missing table is reported before two actions on one item.
        assertNotFound("Requested resource not found", () -> write(delete(missing, key("a")),
                put(missing, key("a"))));
    }

    @Test
    void twoActionsOnOneItemAreRefused() {
        assertValidation("Transaction request cannot include multiple operations on one item",
                () -> write(put(table, key("dup")), put(table, key("dup"))));
        assertValidation("Transaction request cannot include multiple operations on one item",
                () -> write(check(table, key("dup"), "attribute_exists(pk)"), delete(table, key("dup"))));
        assertAbsent("dup");
    }

    @Test
    void emptyKeyValuesFailTheRequest() {
        assertValidation(EMPTY_KEY, () -> write(put(table, item("pk", s("")))));
        assertValidation(EMPTY_KEY, () -> write(delete(table, item("pk", s("")))));
        assertValidation(EMPTY_KEY, () -> write(check(table, item("pk", s("")), "attribute_not_exists(pk)")));
    }

    @Test
    void keysThatDoNotMatchTheSchemaCancelTheTransaction() {
        List<CancellationReason> reasons = assertCancelled(List.of("ValidationError"),
                () -> write(put(table, item("pk", n("5")))));
        assertThat(reasons.get(0).message()).isEqualTo("One or more parameter values were invalid: Type mismatch "
                + "for key pk expected: S actual: N");
        reasons = assertCancelled(List.of("None", "ValidationError"),
                () -> write(put(table, key("km-ok")), delete(table, item("pk", n("5")))));
        assertThat(reasons.get(0).message()).isNull();
        assertThat(reasons.get(1).message()).isEqualTo(SCHEMA_MISMATCH);
        reasons = assertCancelled(List.of("ValidationError"), () -> write(check(table,
                item("pk", AttributeValue.fromL(List.of(s("x")))), "attribute_not_exists(pk)")));
        assertThat(reasons.get(0).message()).isEqualTo(SCHEMA_MISMATCH);
        reasons = assertCancelled(List.of("ValidationError"), () -> write(TransactWriteItem.builder().update(u -> u
                .tableName(table).key(item("pk", n("5"))).updateExpression("SET a = :v")
                .expressionAttributeValues(Map.of(":v", s("x")))).build()));
        assertThat(reasons.get(0).message()).isEqualTo(SCHEMA_MISMATCH);
        assertAbsent("km-ok");
    }

    @Test
    void onlyTheFirstInvalidActionIsReported() {
        // The second Put is as invalid as the first, and the third's condition would fail; DynamoDB stops at the
        // first validation error and reports None for the others.
        List<CancellationReason> reasons = assertCancelled(List.of("ValidationError", "None", "None"),
                () -> write(put(table, item("pk", n("7"))), put(table, item("pk", n("8"))),
                        TransactWriteItem.builder().put(p -> p.tableName(table).item(key("first-only"))
                                .conditionExpression("attribute_exists(pk)")).build()));
        assertThat(reasons.get(0).message()).isEqualTo("One or more parameter values were invalid: Type mismatch "
                + "for key pk expected: S actual: N");
        assertThat(reasons.get(1).message()).isNull();
        assertThat(reasons.get(2).message()).isNull();
        assertAbsent("first-only");
    }

    @Test
    void requestLevelChecksOfEachActionSeenInTheLatestCaptures() {
        assertValidation(one("Value 'bad!name' at 'transactItems.2.member.update.tableName' failed to satisfy "
                + "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"),
                () -> write(put(table, key("bn-first")), TransactWriteItem.builder().update(u -> u
                        .tableName("bad!name").key(key("a")).updateExpression("SET a = :a")
                        .expressionAttributeValues(Map.of(":a", s("x")))).build()));
        assertAbsent("bn-first");
        assertValidation("Invalid ConditionExpression: The expression can not be empty;",
                () -> write(TransactWriteItem.builder().delete(d -> d.tableName(table).key(key("ce"))
                        .conditionExpression("")).build()));
    }

    @Test
    void requestThroughTheSdkBuilderIsAccepted() {
        client.transactWriteItems(TransactWriteItemsRequest.builder().transactItems(put(table, key("ok"))).build());
        assertThat(client.getItem(b -> b.tableName(table).key(key("ok")).consistentRead(true)).item())
                .isEqualTo(key("ok"));
    }
}
