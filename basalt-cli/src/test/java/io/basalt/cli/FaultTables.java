package io.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The tables of the fault tests on real processes (docs/design/cluster.md §21.3): created through one node, and read
 * back to check that every acknowledged write ({@link ClusterWriters}) is there.
 */
final class FaultTables {
    private FaultTables() {
    }

    /**
     * A table keyed by the string {@code pk}, created through {@code viaNode}, once it exists. 503s are retried as an
     * SDK would: right after the nodes start their groups may still be electing (slowly on a loaded machine), and a
     * 503 changed nothing.
     */
    static void create(NodeProcesses cluster, String table, int viaNode) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (DynamoDbClient client = cluster.client(viaNode)) {
            boolean retried = false;
            while (true) {
                try {
                    client.createTable(request -> request.tableName(table)
                            .attributeDefinitions(AttributeDefinition.builder().attributeName("pk")
                                    .attributeType(ScalarAttributeType.S).build())
                            .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
                            .billingMode(BillingMode.PAY_PER_REQUEST));
                    break;
                } catch (ResourceInUseException e) {
                    if (!retried) {
                        throw e;
                    }
                    break; // an earlier attempt created it after all
                } catch (AwsServiceException e) {
                    if (e.statusCode() != 503 || System.nanoTime() > deadline) {
                        throw e;
                    }
                    retried = true;
                    sleep(200);
                }
            }
            client.waiter().waitUntilTableExists(request -> request.tableName(table));
        } catch (SdkException e) {
            throw new AssertionError("CreateTable " + table + " through node " + viaNode + " failed; its log:\n"
                    + cluster.log(viaNode), e);
        }
    }

    /**
     * Puts {@code item} (a blind put: sending it again is harmless), retrying 5xx answers for up to 60 s, as an SDK's
     * retries would: for a test's set-up, which must not fail because leadership was moving (a restarted node takes
     * its groups back, handed by their leaders' PreferredLeaders, seconds after it starts, and a write in flight then
     * is an ambiguous 500).
     */
    static void putRetrying(DynamoDbClient client, String table, Map<String, AttributeValue> item) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                client.putItem(put -> put.tableName(table).item(item));
                return;
            } catch (AwsServiceException e) {
                if (e.statusCode() < 500 || System.nanoTime() > deadline) {
                    throw e;
                }
                sleep(100);
            }
        }
    }

    /** Every acknowledged write is there, read strongly through {@code node}. */
    static void assertAllPresent(NodeProcesses cluster, String table, Map<String, String> acknowledged, int node) {
        assertThat(missing(cluster, table, acknowledged, node, true))
                .as("acknowledged writes missing or changed, read through node " + node).isEmpty();
    }

    /** The acknowledged writes that a read through {@code node} (strong or eventual) does not find as written. */
    static List<String> missing(NodeProcesses cluster, String table, Map<String, String> acknowledged, int node,
            boolean consistentRead) {
        try (DynamoDbClient client = cluster.client(node)) {
            List<String> missing = new ArrayList<>();
            for (Map.Entry<String, String> write : acknowledged.entrySet()) {
                Map<String, AttributeValue> item = readRetrying(client, table, write.getKey(), consistentRead).item();
                if (!item.containsKey("v") || !item.get("v").s().equals(write.getValue())) {
                    missing.add(write.getKey());
                }
            }
            return missing;
        }
    }

    /** A strong GetItem, retried while the cluster answers 5xx (leaders still settling after a restart). */
    static GetItemResponse readRetrying(DynamoDbClient client, String table, String key) {
        return readRetrying(client, table, key, true);
    }

    private static GetItemResponse readRetrying(DynamoDbClient client, String table, String key,
            boolean consistentRead) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                return client.getItem(get -> get.tableName(table).key(Map.of("pk", AttributeValue.fromS(key)))
                        .consistentRead(consistentRead));
            } catch (SdkException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                sleep(100);
            }
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
