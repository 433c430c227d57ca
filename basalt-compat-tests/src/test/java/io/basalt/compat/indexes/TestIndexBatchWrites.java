package io.basalt.compat.indexes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * BatchWriteItem on tables with secondary indexes: one put with an invalid index key value (wrong type, NULL,
 * empty string or binary, too long) rejects the whole batch with the message PutItem gives, and nothing of the
 * batch is written; it never comes back in UnprocessedItems, which clients retry forever. DynamoDB's behaviour:
 * scylladb test/alternator/test_gsi.py test_gsi_wrong_type_attribute_batch (run against DynamoDB).
 */
class TestIndexBatchWrites extends IndexTestSupport {
    private static final String EMPTY = "One or more parameter values are not valid. A value specified for a "
            + "secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty ";

    private String table;

    @BeforeAll
    void createIndexedTable() {
        table = uniqueName("IndexBatch");
        client.createTable(b -> b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(def("pk", "S"), def("sk", "S"), def("state", "S"), def("group", "S"),
                        def("blob", "B"))
                .keySchema(hash("pk"), range("sk"))
                .localSecondaryIndexes(lsi("ByState", "state", projection(ProjectionType.KEYS_ONLY)))
                .globalSecondaryIndexes(gsi("ByGroup", List.of(hash("group")), projection(ProjectionType.ALL)),
                        gsi("ByBlob", List.of(hash("blob")), projection(ProjectionType.KEYS_ONLY))));
        track(table);
        client.waiter().waitUntilTableExists(b -> b.tableName(table));
    }

    @Test
    void aWrongIndexKeyTypeRejectsTheWholeBatch() {
        String pk = uniqueName("type");
        assertRejected(pk, INVALID + "Type mismatch for Index Key group Expected: S Actual: N IndexName: ByGroup",
                item("pk", s(pk), "sk", s("2"), "group", n("3")));
        assertRejected(pk, INVALID + "Type mismatch for Index Key state Expected: S Actual: NULL IndexName: ByState",
                item("pk", s(pk), "sk", s("2"), "state", AttributeValue.builder().nul(true).build()));
        assertRejected(pk, INVALID + "Type mismatch for Index Key group Expected: S Actual: SS IndexName: ByGroup",
                item("pk", s(pk), "sk", s("2"), "group", AttributeValue.builder().ss("a").build()));
    }

    @Test
    void anEmptyIndexKeyRejectsTheWholeBatch() {
        String pk = uniqueName("empty");
        assertRejected(pk, EMPTY + "string value. IndexName: ByState, IndexKey: state",
                item("pk", s(pk), "sk", s("2"), "state", s("")));
        assertRejected(pk, EMPTY + "string value. IndexName: ByGroup, IndexKey: group",
                item("pk", s(pk), "sk", s("2"), "group", s("")));
        assertRejected(pk, EMPTY + "binary value. IndexName: ByBlob, IndexKey: blob",
                item("pk", s(pk), "sk", s("2"), "blob", AttributeValue.fromB(SdkBytes.fromByteArray(new byte[0]))));
    }

    @Test
    void anOversizedIndexKeyRejectsTheWholeBatch() {
        String pk = uniqueName("size");
        assertRejected(pk, INVALID + "Size limit exceeded for Index Key group Actual Size: 2049 bytes Max Size: "
                + "2048 bytes IndexName: ByGroup", item("pk", s(pk), "sk", s("2"), "group", s("x".repeat(2049))));
    }

    @Test
    void theFirstIndexByNameIsReportedWhenSeveralAreInvalid() {
        String pk = uniqueName("order");
        // ByBlob < ByGroup < ByState: each put breaks a later index than the one before it breaks.
        assertRejected(pk, INVALID + "Type mismatch for Index Key blob Expected: B Actual: S IndexName: ByBlob",
                item("pk", s(pk), "sk", s("2"), "state", n("1"), "group", n("1"), "blob", s("b")));
    }

    @Test
    void aValidBatchOnTheSameTableIsWrittenWhole() {
        String pk = uniqueName("valid");
        client.putItem(b -> b.tableName(table).item(item("pk", s(pk), "sk", s("0"), "group", s("g"))));
        BatchWriteItemResponse response = client.batchWriteItem(b -> b.requestItems(Map.of(table, List.of(
                put(item("pk", s(pk), "sk", s("1"), "group", s("g"), "state", s("open"))),
                put(item("pk", s(pk), "sk", s("2"))),
                WriteRequest.builder().deleteRequest(DeleteRequest.builder()
                        .key(item("pk", s(pk), "sk", s("0"))).build()).build()))));
        assertThat(response.unprocessedItems()).isEmpty();
        assertThat(stored(pk)).containsExactly("1", "2");
    }

    /** A batch of a valid put, the invalid one and a delete of an existing item fails and changes nothing. */
    private void assertRejected(String pk, String message, Map<String, AttributeValue> invalid) {
        client.putItem(b -> b.tableName(table).item(item("pk", s(pk), "sk", s("0"))));
        List<WriteRequest> writes = new ArrayList<>();
        writes.add(put(item("pk", s(pk), "sk", s("1"), "group", s("g"), "state", s("ok"))));
        writes.add(put(invalid));
        writes.add(WriteRequest.builder().deleteRequest(DeleteRequest.builder()
                .key(item("pk", s(pk), "sk", s("0"))).build()).build());
        assertValidation(message, () -> client.batchWriteItem(b -> b.requestItems(Map.of(table, writes))));
        assertThat(stored(pk)).containsExactly("0");
    }

    private List<String> stored(String pk) {
        return client.query(b -> b.tableName(table).keyConditionExpression("pk = :p").consistentRead(true)
                .expressionAttributeValues(Map.of(":p", s(pk)))).items().stream()
                .map(item -> item.get("sk").s()).toList();
    }

    private static WriteRequest put(Map<String, AttributeValue> item) {
        return WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build();
    }
}
