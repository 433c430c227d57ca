package io.basalt.testing.cluster;

import static io.basalt.testing.cluster.ClientRetries.retryUntil;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.IndexLag;
import io.basalt.cluster.IndexMetadata;
import io.basalt.cluster.TableMetadata;
import io.basalt.cluster.node.ClusterNode;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.testing.TestClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Global secondary indexes on three cluster nodes in one JVM (docs/design/cluster.md §15, "GSIs on a cluster"): an
 * index created with its table and one added online (backfilled by every base partition's leader, ACTIVE once all
 * have reported) follow writes made through a node that leads no partition of them; then the node leading the group
 * of one of the table's partitions stops under writes that move items between index keys, and once the new leaders
 * have resumed, each index holds exactly one entry per item of the table (compared with a strongly consistent Scan of
 * the table: nothing lost, nothing duplicated, nothing stale) and DescribeTable counts each item once in each index;
 * finally an index is dropped through the control plane and leaves the table.
 */
@Tag("raft")
@Timeout(240)
class TestClusterGlobalIndexes {
    /** The cluster's first elections: about 20 s seen once at load average 74 (cluster.md, "s19 flakes"). */
    private static final Duration FIRST_LEADERS = Duration.ofSeconds(60);

    private static final String TABLE = "Shapes";
    private static final List<String> COLORS = List.of("red", "green", "blue");
    private static final List<String> SIZES = List.of("S", "M", "L", "XL");

    @TempDir
    Path directory;

    @Test
    void indexesFollowWritesAcrossALeaderChangeOfABasePartition() throws Exception {
        try (BasaltTestCluster cluster = BasaltTestCluster.start(directory, 3, 2)) {
            cluster.awaitLeaders(FIRST_LEADERS);
            cluster.serve();
            Map<Long, Integer> leaders = cluster.awaitLeaders(Duration.ofSeconds(30));
            int entry = cluster.leastLeadingNode(Duration.ofSeconds(30));
            try (DynamoDbClient client = TestClients.dynamoDb(cluster.endpoint(entry))) {
                createTable(client);
                for (int i = 0; i < 60; i++) {
                    int id = i;
                    retryUntil(Duration.ofSeconds(15), () -> put(client, "item-" + id, COLORS.get(id % 3),
                            SIZES.get(id % 4)));
                }
                awaitIndexMatchesTable(client, "byColor", "color", COLORS);
                // The index's partitions are opened by their groups' logs: every member holds them.
                TableMetadata created = cluster.node(entry).metadata().tryGetTable(TABLE).orElseThrow();
                List<PartitionDescriptor> indexPartitions = created.index("byColor").orElseThrow().partitions();
                assertThat(indexPartitions).hasSizeGreaterThanOrEqualTo(4);
                for (int node = 1; node <= 3; node++) {
                    awaitHeld(cluster.node(node), indexPartitions);
                }

                // Online add: every base partition's leader backfills it; ACTIVE once all have reported.
                client.updateTable(b -> b.tableName(TABLE)
                        .attributeDefinitions(attribute("pk"), attribute("color"), attribute("size"))
                        .globalSecondaryIndexUpdates(u -> u.create(c -> c.indexName("bySize")
                                .keySchema(key("size", KeyType.HASH))
                                .projection(Projection.builder().projectionType(ProjectionType.KEYS_ONLY).build()))));
                awaitIndexStatus(client, "bySize", IndexStatus.ACTIVE, Duration.ofSeconds(30));
                awaitIndexMatchesTable(client, "bySize", "size", SIZES);

                // Stop the node leading the group of one of the table's partitions (not the client's node).
                TableMetadata table = cluster.node(entry).metadata().tryGetTable(TABLE).orElseThrow();
                int stopped = 0;
                for (PartitionDescriptor partition : table.partitions()) {
                    int leader = leaders.get(partition.groupId());
                    if (leader != entry) {
                        stopped = leader;
                        break;
                    }
                }
                assertThat(stopped).as("a base partition led by another node than the client's").isNotZero();
                for (int i = 0; i < 30; i++) {
                    int id = i;
                    retryUntil(Duration.ofSeconds(15), () -> put(client, "item-" + id, COLORS.get((id + 1) % 3),
                            SIZES.get((id + 1) % 4)));
                }
                cluster.stop(stopped);
                // Writes through the client's node go on: items move between index keys, new ones arrive. A write
                // refused or ambiguous during the change is retried; what the table holds is checked below.
                for (int i = 20; i < 80; i++) {
                    int id = i;
                    retryUntil(Duration.ofSeconds(30), () -> put(client, "item-" + id, COLORS.get((id + 2) % 3),
                            SIZES.get((id + 2) % 4)));
                }
                awaitIndexMatchesTable(client, "byColor", "color", COLORS);
                awaitIndexMatchesTable(client, "bySize", "size", SIZES);
                // The index partitions' counts: a batch the new leader sent again was counted once.
                int items = tableByValue(client, "color").values().stream().mapToInt(List::size).sum();
                assertThat(items).isEqualTo(80);
                awaitIndexItemCount(client, "byColor", items);
                awaitIndexItemCount(client, "bySize", items);
                // Each running node's lag figures (its own partitions' propagators) come down to nothing.
                for (int node = 1; node <= 3; node++) {
                    if (node != stopped) {
                        awaitNoLag(cluster, node);
                    }
                }

                // Drop through the control plane: each index partition's leader removes its data, then it goes.
                List<PartitionDescriptor> byColor = cluster.server(entry).node().describeTable(TABLE)
                        .globalIndexes().stream().filter(index -> index.name().equals("byColor")).findFirst()
                        .orElseThrow().partitions();
                client.updateTable(b -> b.tableName(TABLE)
                        .globalSecondaryIndexUpdates(u -> u.delete(d -> d.indexName("byColor"))));
                awaitIndexGone(client, "byColor", Duration.ofSeconds(30));
                assertThat(client.describeTable(b -> b.tableName(TABLE)).table().globalSecondaryIndexes())
                        .extracting(GlobalSecondaryIndexDescription::indexName).containsExactly("bySize");
                awaitIndexMatchesTable(client, "bySize", "size", SIZES);
                // Then its partitions are closed in their groups on every running member (s18), the table lives on.
                for (int node = 1; node <= 3; node++) {
                    if (node != stopped) {
                        awaitNotHeld(cluster.node(node), byColor);
                    }
                }
            }
        }
    }

    private static void awaitNotHeld(ClusterNode node, List<PartitionDescriptor> partitions)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        for (PartitionDescriptor partition : partitions) {
            while (node.raft().member(partition.groupId()).stateMachine().groupStateMachine()
                    .holds(partition.id())) {
                assertThat(System.nanoTime()).as("node %d closed %s", node.selfId(), partition).isLessThan(deadline);
                Thread.sleep(50);
            }
        }
    }

    private static void awaitHeld(ClusterNode node, List<PartitionDescriptor> partitions)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        for (PartitionDescriptor partition : partitions) {
            while (!node.raft().member(partition.groupId()).stateMachine().groupStateMachine()
                    .holds(partition.id())) {
                assertThat(System.nanoTime()).as("node %d holds %s", node.selfId(), partition).isLessThan(deadline);
                Thread.sleep(50);
            }
        }
    }

    private static void awaitNoLag(BasaltTestCluster cluster, int node) throws InterruptedException {
        BasaltNode basalt = cluster.server(node).node();
        TableMetadata table = basalt.describeTable(TABLE);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        for (IndexMetadata index : table.globalIndexes()) {
            IndexLag lag = basalt.globalIndexLag(table, index);
            while (lag.pendingChanges() != 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
                lag = basalt.globalIndexLag(table, index);
            }
            assertThat(lag).as("lag of %s on node %d", index.name(), node).isEqualTo(IndexLag.NONE);
        }
    }

    private static void createTable(DynamoDbClient client) {
        client.createTable(b -> b.tableName(TABLE).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attribute("pk"), attribute("color"))
                .keySchema(key("pk", KeyType.HASH))
                .globalSecondaryIndexes(GlobalSecondaryIndex.builder().indexName("byColor")
                        .keySchema(key("color", KeyType.HASH))
                        .projection(Projection.builder().projectionType(ProjectionType.ALL).build()).build()));
        client.waiter().waitUntilTableExists(b -> b.tableName(TABLE));
    }

    /**
     * Waits until, for every value of {@code attribute}, the index's Query returns exactly the keys of the items a
     * strongly consistent Scan of the table shows with that value, each once.
     */
    private static void awaitIndexMatchesTable(DynamoDbClient client, String index, String attribute,
            List<String> values) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            Map<String, List<String>> expected = tableByValue(client, attribute);
            Map<String, List<String>> indexed = new TreeMap<>();
            for (String value : values) {
                List<String> keys = indexKeys(client, index, attribute, value);
                if (!keys.isEmpty()) {
                    indexed.put(value, keys);
                }
            }
            if (indexed.equals(expected)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                assertThat(indexed).as("index %s by %s", index, attribute).isEqualTo(expected);
            }
            Thread.sleep(100);
        }
    }

    /** The table's keys by {@code attribute}'s value, each list sorted, from a strongly consistent Scan. */
    private static Map<String, List<String>> tableByValue(DynamoDbClient client, String attribute) {
        Map<String, List<String>> byValue = new TreeMap<>();
        Map<String, AttributeValue> start = null;
        do {
            ScanRequest.Builder request = ScanRequest.builder().tableName(TABLE).consistentRead(true);
            if (start != null) {
                request.exclusiveStartKey(start);
            }
            ScanResponse page = client.scan(request.build());
            for (Map<String, AttributeValue> item : page.items()) {
                byValue.computeIfAbsent(item.get(attribute).s(), ignored -> new ArrayList<>())
                        .add(item.get("pk").s());
            }
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        byValue.values().forEach(keys -> keys.sort(null));
        return byValue;
    }

    /** Every key the index returns for {@code value}, sorted, duplicates kept (so that they show). */
    private static List<String> indexKeys(DynamoDbClient client, String index, String attribute, String value) {
        List<String> keys = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder request = QueryRequest.builder().tableName(TABLE).indexName(index)
                    .keyConditionExpression("#v = :v").expressionAttributeNames(Map.of("#v", attribute))
                    .expressionAttributeValues(Map.of(":v", AttributeValue.fromS(value)));
            if (start != null) {
                request.exclusiveStartKey(start);
            }
            QueryResponse page = client.query(request.build());
            page.items().forEach(item -> keys.add(item.get("pk").s()));
            start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
        } while (start != null);
        keys.sort(null);
        return keys;
    }

    private static void awaitIndexStatus(DynamoDbClient client, String index, IndexStatus status, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        IndexStatus last = null;
        while (System.nanoTime() < deadline) {
            for (GlobalSecondaryIndexDescription description : client.describeTable(b -> b.tableName(TABLE)).table()
                    .globalSecondaryIndexes()) {
                if (description.indexName().equals(index)) {
                    last = description.indexStatus();
                }
            }
            if (last == status) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("index " + index + " was " + last + ", not " + status + ", after " + timeout);
    }

    private static void awaitIndexItemCount(DynamoDbClient client, String index, long expected)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Long last = null;
        while (System.nanoTime() < deadline) {
            for (GlobalSecondaryIndexDescription description : client.describeTable(b -> b.tableName(TABLE)).table()
                    .globalSecondaryIndexes()) {
                if (description.indexName().equals(index)) {
                    last = description.itemCount();
                }
            }
            if (last != null && last == expected) {
                return;
            }
            Thread.sleep(100);
        }
        assertThat(last).as("ItemCount of index %s", index).isEqualTo(expected);
    }

    private static void awaitIndexGone(DynamoDbClient client, String index, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        TreeSet<String> names = new TreeSet<>();
        while (System.nanoTime() < deadline) {
            names.clear();
            client.describeTable(b -> b.tableName(TABLE)).table().globalSecondaryIndexes()
                    .forEach(description -> names.add(description.indexName()));
            if (!names.contains(index)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("index " + index + " still in " + names + " after " + timeout);
    }

    private static void put(DynamoDbClient client, String pk, String color, String size) {
        client.putItem(b -> b.tableName(TABLE).item(Map.of("pk", AttributeValue.fromS(pk),
                "color", AttributeValue.fromS(color), "size", AttributeValue.fromS(size))));
    }

    private static AttributeDefinition attribute(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }
}
