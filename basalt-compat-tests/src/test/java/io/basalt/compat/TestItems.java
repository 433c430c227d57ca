package io.basalt.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/** PutItem, GetItem, DeleteItem and UpdateItem round trips and their request rules. */
class TestItems extends CompatTestSupport {
    private String table;
    private String rangeTable;

    @BeforeAll
    void createTables() {
        table = hashTable();
        rangeTable = hashRangeTable();
    }

    /** One attribute of each of the ten types, with lists and maps nested in each other. */
    static Map<String, AttributeValue> everyType(String pk) {
        AttributeValue nested = AttributeValue.fromM(Map.of(
                "list", AttributeValue.fromL(List.of(s("x"), n("2"), AttributeValue.fromNul(true),
                        AttributeValue.fromM(Map.of("deep", AttributeValue.fromBool(false))))),
                "set", AttributeValue.fromSs(List.of("p", "q")),
                "empty", AttributeValue.fromM(Map.of())));
        return item("pk", s(pk),
                "s", s("héllo wörld ☃"),
                "n", n("-12.5"),
                "b", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {0, 1, 2, (byte) 0xff})),
                "bool", AttributeValue.fromBool(true),
                "null", AttributeValue.fromNul(true),
                "ss", AttributeValue.fromSs(List.of("a", "b", "c")),
                "ns", AttributeValue.fromNs(List.of("1", "2.5", "-3")),
                "bs", AttributeValue.fromBs(List.of(SdkBytes.fromUtf8String("x"), SdkBytes.fromUtf8String("y"))),
                "l", AttributeValue.fromL(List.of(s("a"), nested, AttributeValue.fromL(List.of()))),
                "m", AttributeValue.fromM(Map.of("inner", nested, "n", n("7"))));
    }

    private Map<String, AttributeValue> get(String tableName, Map<String, AttributeValue> key) {
        return client.getItem(b -> b.tableName(tableName).key(key).consistentRead(true)).item();
    }

    @Test
    void putAndGetEveryType() {
        Map<String, AttributeValue> item = everyType("all");
        PutItemResponse put = client.putItem(b -> b.tableName(table).item(item));
        assertThat(put.hasAttributes()).isFalse();
        assertThat(put.consumedCapacity()).isNull();
        Map<String, AttributeValue> got = get(table, item("pk", s("all")));
        assertThat(got).isEqualTo(item);
        assertThat(got.get("ns").ns()).containsExactlyInAnyOrder("1", "2.5", "-3");
    }

    @Test
    void putOverwritesTheWholeItem() {
        client.putItem(b -> b.tableName(table).item(item("pk", s("over"), "a", s("1"), "b", s("2"))));
        client.putItem(b -> b.tableName(table).item(item("pk", s("over"), "c", s("3"))));
        assertThat(get(table, item("pk", s("over")))).isEqualTo(item("pk", s("over"), "c", s("3")));
    }

    @Test
    void putReturnsOldItemWithAllOld() {
        Map<String, AttributeValue> first = everyType("old");
        PutItemResponse none = client.putItem(b -> b.tableName(table).item(first).returnValues(ReturnValue.ALL_OLD));
        assertThat(none.hasAttributes()).isFalse();
        PutItemResponse replaced = client.putItem(b -> b.tableName(table).item(item("pk", s("old")))
                .returnValues(ReturnValue.ALL_OLD));
        assertThat(replaced.attributes()).isEqualTo(first);
        PutItemResponse explicitNone = client.putItem(b -> b.tableName(table).item(item("pk", s("old")))
                .returnValues(ReturnValue.NONE));
        assertThat(explicitNone.hasAttributes()).isFalse();
    }

    @Test
    void deleteReturnsOldItemWithAllOld() {
        Map<String, AttributeValue> stored = everyType("del");
        client.putItem(b -> b.tableName(table).item(stored));
        var deleted = client.deleteItem(b -> b.tableName(table).key(item("pk", s("del")))
                .returnValues(ReturnValue.ALL_OLD));
        assertThat(deleted.attributes()).isEqualTo(stored);
        assertThat(client.getItem(b -> b.tableName(table).key(item("pk", s("del"))).consistentRead(true)).hasItem())
                .isFalse();
        // Deleting what is not there succeeds and returns nothing.
        var again = client.deleteItem(b -> b.tableName(table).key(item("pk", s("del")))
                .returnValues(ReturnValue.ALL_OLD));
        assertThat(again.hasAttributes()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"})
    void putAndDeleteAcceptOnlyAllOldOrNone(String returnValues) {
        String message = "1 validation error detected: ReturnValues can only be ALL_OLD or NONE";
        assertValidation(message, () -> client.putItem(b -> b.tableName(table).item(item("pk", s("rv")))
                .returnValues(returnValues)));
        assertValidation(message, () -> client.deleteItem(b -> b.tableName(table).key(item("pk", s("rv")))
                .returnValues(returnValues)));
        assertThat(client.getItem(b -> b.tableName(table).key(item("pk", s("rv")))).hasItem()).isFalse();
    }

    @Test
    void returnValuesOutsideTheEnum() {
        String message = "1 validation error detected: Value 'GARBAGE' at 'returnValues' failed to satisfy "
                + "constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]";
        assertValidation(message, () -> client.putItem(b -> b.tableName(table).item(item("pk", s("g")))
                .returnValues("GARBAGE")));
        assertValidation(message, () -> client.updateItem(b -> b.tableName(table).key(item("pk", s("g")))
                .returnValues("GARBAGE")));
    }

    @Test
    void updateWithOnlyAKeyCreatesAKeyOnlyItem() {
        UpdateItemResponse response = client.updateItem(b -> b.tableName(rangeTable)
                .key(item("pk", s("u"), "sk", n("1"))));
        assertThat(response.hasAttributes()).isFalse();
        assertThat(get(rangeTable, item("pk", s("u"), "sk", n("1")))).isEqualTo(item("pk", s("u"), "sk", n("1")));
    }

    @Test
    void updateReturnValuesOnANewItem() {
        Map<String, AttributeValue> key = item("pk", s("new-all"), "sk", n("2"));
        assertThat(client.updateItem(b -> b.tableName(rangeTable).key(key).returnValues(ReturnValue.ALL_NEW))
                .attributes()).isEqualTo(key);
        Map<String, AttributeValue> other = item("pk", s("new-old"), "sk", n("2"));
        assertThat(client.updateItem(b -> b.tableName(rangeTable).key(other).returnValues(ReturnValue.ALL_OLD))
                .hasAttributes()).isFalse();
    }

    @Test
    void updateReturnValuesOnAnExistingItem() {
        Map<String, AttributeValue> key = item("pk", s("existing"), "sk", n("3"));
        Map<String, AttributeValue> stored = item("pk", s("existing"), "sk", n("3"), "a", s("v"), "n", n("1"));
        client.putItem(b -> b.tableName(rangeTable).item(stored));
        assertThat(client.updateItem(b -> b.tableName(rangeTable).key(key).returnValues(ReturnValue.ALL_OLD))
                .attributes()).isEqualTo(stored);
        assertThat(client.updateItem(b -> b.tableName(rangeTable).key(key).returnValues(ReturnValue.ALL_NEW))
                .attributes()).isEqualTo(stored);
        // Nothing was updated, so there is nothing updated to return.
        assertThat(client.updateItem(b -> b.tableName(rangeTable).key(key).returnValues(ReturnValue.UPDATED_OLD))
                .hasAttributes()).isFalse();
        assertThat(client.updateItem(b -> b.tableName(rangeTable).key(key).returnValues(ReturnValue.UPDATED_NEW))
                .hasAttributes()).isFalse();
        assertThat(client.updateItem(b -> b.tableName(rangeTable).key(key).returnValues(ReturnValue.NONE))
                .hasAttributes()).isFalse();
        assertThat(get(rangeTable, key)).isEqualTo(stored);
    }

    @Test
    void consistentAndEventualReadsBothSeeTheItem() throws InterruptedException {
        client.putItem(b -> b.tableName(table).item(item("pk", s("read"), "v", n("1"))));
        assertThat(client.getItem(b -> b.tableName(table).key(item("pk", s("read"))).consistentRead(true)).item())
                .containsEntry("v", n("1"));
        // DynamoDB's eventual reads may lag and converge within seconds ("Read consistency" in the developer guide).
        // Basalt's on one node never lag; on a cluster node one may be served by the node's own replica, a moment
        // behind, so the eventual read is asked again until it sees the item, for at most five seconds.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Map<String, AttributeValue> eventual = client.getItem(b -> b.tableName(table).key(item("pk", s("read")))
                .consistentRead(false)).item();
        while (!eventual.containsKey("v") && System.nanoTime() < deadline) {
            Thread.sleep(20);
            eventual = client.getItem(b -> b.tableName(table).key(item("pk", s("read"))).consistentRead(false)).item();
        }
        assertThat(eventual).containsEntry("v", n("1"));
    }

    @Test
    void missingItemHasNoItemMember() {
        var response = client.getItem(b -> b.tableName(table).key(item("pk", s("nobody"))));
        assertThat(response.hasItem()).isFalse();
        var raw = post("GetItem", "{\"TableName\":\"" + table + "\",\"Key\":{\"pk\":{\"S\":\"nobody\"}}}");
        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(raw.body()).isEqualTo("{}");
    }

    @Test
    void putWithNothingToReturnAnswersAnEmptyObject() {
        var raw = post("PutItem", "{\"TableName\":\"" + table + "\",\"Item\":{\"pk\":{\"S\":\"raw\"}}}");
        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(raw.body()).isEqualTo("{}");
    }

    @Test
    void itemOperationsOnAMissingTable() {
        String missing = uniqueName("nope");
        String message = "Requested resource not found";
        assertNotFound(message, () -> client.putItem(b -> b.tableName(missing).item(item("pk", s("a")))));
        assertNotFound(message, () -> client.getItem(b -> b.tableName(missing).key(item("pk", s("a")))));
        assertNotFound(message, () -> client.deleteItem(b -> b.tableName(missing).key(item("pk", s("a")))));
        assertNotFound(message, () -> client.updateItem(b -> b.tableName(missing).key(item("pk", s("a")))));
        // Key checks need the schema, so an empty item on a missing table is still "not found".
        assertNotFound(message, () -> client.putItem(b -> b.tableName(missing).item(Map.of())));
    }

    @Test
    void keysMustMatchTheSchema() {
        String mismatch = "The provided key element does not match the schema";
        assertValidation(mismatch, () -> client.getItem(b -> b.tableName(table).key(item("pk", n("1")))));
        assertValidation(mismatch, () -> client.getItem(b -> b.tableName(table).key(item("other", s("1")))));
        assertValidation(mismatch, () -> client.getItem(b -> b.tableName(table)
                .key(item("pk", s("1"), "extra", s("2")))));
        assertValidation(mismatch, () -> client.getItem(b -> b.tableName(table).key(Map.of())));
        assertValidation(mismatch, () -> client.deleteItem(b -> b.tableName(rangeTable).key(item("pk", s("1")))));
        assertValidation(mismatch, () -> client.updateItem(b -> b.tableName(rangeTable)
                .key(item("pk", s("1"), "sk", s("1")))));
        assertValidation("One or more parameter values were invalid: Missing the key sk in the item",
                () -> client.putItem(b -> b.tableName(rangeTable).item(item("pk", s("1")))));
        assertValidation("One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N",
                () -> client.putItem(b -> b.tableName(table).item(item("pk", n("1")))));
        assertValidation("One or more parameter values were invalid: Type mismatch for key sk expected: N actual: "
                + "NULL", () -> client.putItem(b -> b.tableName(rangeTable)
                        .item(item("pk", s("1"), "sk", AttributeValue.fromNul(true)))));
    }

    @Test
    void requiredMembers() {
        assertValidation("1 validation error detected: Value null at 'item' failed to satisfy constraint: Member "
                + "must not be null", () -> client.putItem(b -> b.tableName(table)));
        assertValidation("1 validation error detected: Value null at 'key' failed to satisfy constraint: Member "
                + "must not be null", () -> client.getItem(b -> b.tableName(table)));
        assertValidation("1 validation error detected: Value null at 'tableName' failed to satisfy constraint: "
                + "Member must not be null", () -> client.deleteItem(b -> b.key(item("pk", s("x")))));
        assertValidation("1 validation error detected: Value 'bad table!' at 'tableName' failed to satisfy "
                + "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
                () -> client.getItem(b -> b.tableName("bad table!").key(item("pk", s("x")))));
    }

    @Test
    void removalsOnAnAbsentItemAreIgnoredAndCreateNothing() {
        Map<String, AttributeValue> key = item("pk", s("never-written"));
        client.updateItem(b -> b.tableName(table).key(key).updateExpression("REMOVE a.b.c, d[3] DELETE e :v")
                .expressionAttributeValues(Map.of(":v", AttributeValue.fromSs(List.of("x")))));
        assertThat(client.getItem(b -> b.tableName(table).key(key).consistentRead(true)).hasItem()).isFalse();
        // The same nested removal on an existing item whose parent is missing is an error.
        client.putItem(b -> b.tableName(table).item(key));
        DynamoDbException error = catchThrowableOfType(DynamoDbException.class, () -> client.updateItem(b -> b
                .tableName(table).key(key).updateExpression("REMOVE a.b.c")));
        assertThat(error.awsErrorDetails().errorMessage())
                .isEqualTo("The document path provided in the update expression is invalid for update");
    }

    @Test
    void unimplementedOperationsAreRefusedByName() {
        assumeBasalt();
        Map<String, org.assertj.core.api.ThrowableAssert.ThrowingCallable> calls = Map.of(
                "ExecuteStatement",
                () -> client.executeStatement(b -> b.statement("SELECT * FROM \"" + table + "\"")),
                "CreateBackup", () -> client.createBackup(b -> b.tableName(table).backupName("b")),
                "ExecuteTransaction", () -> client.executeTransaction(b -> b.transactStatements(
                        s -> s.statement("SELECT * FROM \"" + table + "\""))));
        calls.forEach((operation, call) -> {
            DynamoDbException error = catchThrowableOfType(DynamoDbException.class, call);
            assertThat(error).as(operation).isNotNull();
            assertThat(error.statusCode()).as(operation).isEqualTo(400);
            assertThat(error.awsErrorDetails().errorCode()).as(operation).isEqualTo("UnknownOperationException");
            assertThat(error.awsErrorDetails().errorMessage()).as(operation)
                    .isEqualTo("The DynamoDB operation " + operation + " is not supported by Basalt yet");
        });
    }
}
