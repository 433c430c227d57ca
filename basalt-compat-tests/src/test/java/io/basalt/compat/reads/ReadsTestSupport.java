package io.basalt.compat.reads;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.compat.CompatTestSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * What the read tests add to {@link CompatTestSupport}: tables named by prefix, bulk loading with
 * BatchWriteItem, binary values from byte lists, and the item operations' not-found message.
 */
abstract class ReadsTestSupport extends CompatTestSupport {
    /** Creates an on-demand table (range key optional) and waits until it is ACTIVE; returns its name. */
    protected String createTable(String prefix, String hashKey, ScalarAttributeType hashType, String rangeKey,
            ScalarAttributeType rangeType) {
        String name = uniqueName(prefix);
        createTable(name, hashKey, hashType, rangeKey, rangeType, BillingMode.PAY_PER_REQUEST);
        return name;
    }

    /** Table with string hash key {@code pk} and a range key {@code sk} of the given type. */
    protected String rangeTable(ScalarAttributeType sortType) {
        return createTable("rq", "pk", ScalarAttributeType.S, "sk", sortType);
    }

    /** Writes the items with BatchWriteItem, 25 at a time, resending anything returned unprocessed. */
    protected void load(String table, List<Map<String, AttributeValue>> items) {
        for (int from = 0; from < items.size(); from += 25) {
            List<WriteRequest> requests = new ArrayList<>();
            for (Map<String, AttributeValue> item : items.subList(from, Math.min(items.size(), from + 25))) {
                requests.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
            }
            Map<String, List<WriteRequest>> pending = Map.of(table, requests);
            for (int attempt = 0; !pending.isEmpty(); attempt++) {
                assertThat(attempt).as("BatchWriteItem keeps returning unprocessed items").isLessThan(20);
                Map<String, List<WriteRequest>> send = pending;
                BatchWriteItemResponse response = client.batchWriteItem(b -> b.requestItems(send));
                pending = response.unprocessedItems();
            }
        }
    }

    static AttributeValue b(int... bytes) {
        byte[] data = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            data[i] = (byte) bytes[i];
        }
        return AttributeValue.fromB(SdkBytes.fromByteArray(data));
    }

    /** What item operations, Query and Scan say about a table that does not exist. */
    static ResourceNotFoundException assertNotFound(ThrowingCallable call) {
        return assertNotFound("Requested resource not found", call);
    }
}
