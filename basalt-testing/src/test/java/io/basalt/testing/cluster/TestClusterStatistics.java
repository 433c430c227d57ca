package io.basalt.testing.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.GlobalIndexPropagation;
import io.basalt.cluster.IndexLag;
import io.basalt.cluster.IndexMetadata;
import io.basalt.cluster.NodeConfig;
import io.basalt.cluster.TableMetadata;
import io.basalt.cluster.node.PlacementConfig;
import io.basalt.cluster.node.StaticPlacement;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.testing.TestClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * Four cluster nodes in one JVM, so that a node holds members of only some data groups (docs/design/cluster.md, "s18
 * statistics and index settings"): DescribeTable on every node counts every partition of the table and of its
 * indexes (the node's own replicas, and a {@code NODE_FIGURES} read from a node holding the others); the global index
 * propagation set on one node holds back every node's propagators, and the lag read on another node sums them all.
 */
@Tag("raft")
@Timeout(300)
class TestClusterStatistics {
    private static final String TABLE = "Counted";
    private static final int ITEMS = 40;
    private static final int HELD = 12;

    @TempDir
    Path directory;

    @Test
    void everyNodeCountsEveryPartitionAndTheIndexSettingIsTheClusters() throws Exception {
        try (BasaltTestCluster cluster = BasaltTestCluster.start(directory, 4, 2)) {
            cluster.awaitLeaders(Duration.ofSeconds(60));
            // The fourth node is beyond the metadata group's three voters: it gets the catalog as a listener.
            cluster.serveWithMembership(NodeConfig.defaults(), PlacementConfig.defaults(2));
            cluster.awaitLeaders(Duration.ofSeconds(60));
            List<Long> dataGroups = cluster.node(1).groups().keySet().stream()
                    .filter(group -> group != StaticPlacement.METADATA_GROUP).sorted().toList();
            // Three members per group over four nodes: some node holds no member of some group.
            int partial = 0;
            for (int node = 1; node <= 4 && partial == 0; node++) {
                if (!cluster.node(node).hostedGroups().containsAll(dataGroups)) {
                    partial = node;
                }
            }
            assertThat(partial).as("a node missing a data group among %s", dataGroups).isPositive();
            try (DynamoDbClient client = TestClients.dynamoDb(cluster.endpoint(partial))) {
                createTable(client);
                for (int i = 0; i < ITEMS; i++) {
                    put(client, i);
                }
            }
            TableMetadata table = cluster.server(partial).node().describeTable(TABLE);
            List<Long> hosted = cluster.node(partial).hostedGroups();
            assertThat(table.partitions()).extracting(PartitionDescriptor::groupId)
                    .as("a partition in a group node %d holds no member of", partial)
                    .anyMatch(group -> !hosted.contains(group));

            for (int node = 1; node <= 4; node++) {
                try (DynamoDbClient client = TestClients.dynamoDb(cluster.endpoint(node))) {
                    TableDescription described = client.describeTable(b -> b.tableName(TABLE)).table();
                    assertThat(described.itemCount()).as("ItemCount on node %d", node).isEqualTo(ITEMS);
                    assertThat(described.tableSizeBytes()).as("TableSizeBytes on node %d", node).isPositive();
                    assertThat(described.localSecondaryIndexes().get(0).itemCount())
                            .as("LSI ItemCount on node %d", node).isEqualTo(ITEMS);
                    awaitEqual(() -> globalIndexItems(client), (long) ITEMS, "GSI ItemCount on node " + node);
                }
            }

            // The propagation setting set on one node holds back every node's propagators.
            GlobalIndexPropagation delayed = GlobalIndexPropagation.delayed(Duration.ofMinutes(5));
            cluster.server(1).node().setGlobalIndexPropagation(delayed);
            for (int node = 1; node <= 4; node++) {
                assertThat(cluster.server(node).node().globalIndexPropagation()).as("node %d", node)
                        .isEqualTo(delayed);
            }
            try (DynamoDbClient client = TestClients.dynamoDb(cluster.endpoint(2))) {
                for (int i = ITEMS; i < ITEMS + HELD; i++) {
                    put(client, i);
                }
            }
            // The lag read on any node sums every node's propagators: the held writes, wherever their leaders are.
            for (int node = 1; node <= 4; node++) {
                BasaltNode reader = cluster.server(node).node();
                IndexMetadata index = table.globalIndexes().get(0);
                awaitEqual(() -> reader.globalIndexLag(table, index).pendingChanges(), (long) HELD,
                        "pending changes on node " + node);
            }
            try (DynamoDbClient client = TestClients.dynamoDb(cluster.endpoint(3))) {
                assertThat(globalIndexItems(client)).isEqualTo(ITEMS);
                assertThat(client.describeTable(b -> b.tableName(TABLE)).table().itemCount())
                        .isEqualTo(ITEMS + HELD);
                cluster.server(4).node().setGlobalIndexPropagation(GlobalIndexPropagation.ASYNCHRONOUS);
                BasaltNode reader = cluster.server(1).node();
                awaitEqual(() -> reader.globalIndexLag(table, table.globalIndexes().get(0)), IndexLag.NONE,
                        "no lag once released");
                awaitEqual(() -> globalIndexItems(client), (long) ITEMS + HELD, "GSI ItemCount once released");
            }
        }
    }

    private static long globalIndexItems(DynamoDbClient client) {
        return client.describeTable(b -> b.tableName(TABLE)).table().globalSecondaryIndexes().get(0).itemCount();
    }

    private static <T> void awaitEqual(Supplier<T> actual, T expected, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        T last = actual.get();
        while (!expected.equals(last) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            last = actual.get();
        }
        assertThat(last).as(what).isEqualTo(expected);
    }

    private static void createTable(DynamoDbClient client) {
        Projection all = Projection.builder().projectionType(ProjectionType.ALL).build();
        client.createTable(b -> b.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attribute("pk"), attribute("sk"), attribute("rank"), attribute("color"))
                .keySchema(key("pk", KeyType.HASH), key("sk", KeyType.RANGE))
                .localSecondaryIndexes(LocalSecondaryIndex.builder().indexName("byRank")
                        .keySchema(key("pk", KeyType.HASH), key("rank", KeyType.RANGE)).projection(all).build())
                .globalSecondaryIndexes(GlobalSecondaryIndex.builder().indexName("byColor")
                        .keySchema(key("color", KeyType.HASH)).projection(all).build()));
        client.waiter().waitUntilTableExists(b -> b.tableName(TABLE));
    }

    private static void put(DynamoDbClient client, int i) {
        client.putItem(b -> b.tableName(TABLE).item(Map.of("pk", s("item-" + i), "sk", s("v"),
                "rank", s("r" + (i % 7)), "color", s(List.of("red", "green", "blue").get(i % 3)))));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.builder().s(value).build();
    }

    private static AttributeDefinition attribute(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }
}
