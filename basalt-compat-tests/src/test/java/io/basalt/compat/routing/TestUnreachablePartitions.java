package io.basalt.compat.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.NodeConfig;
import io.basalt.cluster.TableMetadata;
import io.basalt.cluster.routing.ClusterState;
import io.basalt.cluster.routing.ClusterView;
import io.basalt.cluster.routing.ReplicationGroup;
import io.basalt.cluster.routing.RoutedPartitionClient;
import io.basalt.cluster.routing.Router;
import io.basalt.cluster.routing.RoutingConfig;
import io.basalt.cluster.rpc.NettyRpcTransport;
import io.basalt.cluster.rpc.ServingGuard;
import io.basalt.model.AttributeValue;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionMap;
import io.basalt.server.BasaltServer;
import io.basalt.server.ServerConfig;
import io.basalt.storage.memory.InMemoryStorageEngine;
import io.basalt.testing.TestClients;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * BatchGetItem and BatchWriteItem through the AWS SDK when one partition of the table cannot be reached (its only
 * replica is a node that is down): the keys and writes of that partition come back in {@code UnprocessedKeys} and
 * {@code UnprocessedItems}, the rest are served, and the call succeeds — DynamoDB's documented behaviour for a
 * partial batch failure (Developer Guide, "Batch operations and error handling"; docs/design/cluster.md §12.3).
 * The node routes through a {@link Router} whose map puts that partition on a node nobody listens for.
 */
class TestUnreachablePartitions {
    private static final long SELF = 1;
    private static final long DEAD = 2;

    private NettyRpcTransport transport;
    private BasaltNode node;
    private BasaltServer server;
    private DynamoDbClient client;
    private PartitionId unreachable;

    @BeforeEach
    void start() throws Exception {
        InetSocketAddress dead;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = new InetSocketAddress("127.0.0.1", socket.getLocalPort());
        }
        transport = NettyRpcTransport.client(1);
        Map<Long, InetSocketAddress> nodes = Map.of(SELF, new InetSocketAddress("127.0.0.1", 1), DEAD, dead);
        BasaltNode[] opened = new BasaltNode[1];
        ClusterView view = new ClusterView() {
            @Override
            public ClusterState current() {
                // Each partition is its own group; the table's second partition lives only on the dead node.
                List<PartitionDescriptor> table = opened[0] == null ? List.of()
                        : opened[0].tryGetTable("Batches").map(TableMetadata::partitions).orElse(List.of());
                List<PartitionDescriptor> descriptors = new ArrayList<>();
                Map<Long, ReplicationGroup> groups = new HashMap<>();
                for (PartitionDescriptor descriptor : table) {
                    PartitionId id = descriptor.id();
                    long group = id.value();
                    descriptors.add(new PartitionDescriptor(id, descriptor.tableId(), descriptor.indexId(),
                            descriptor.hashFirst(), descriptor.hashLast(), group, descriptor.parent(),
                            descriptor.phase()));
                    long member = id.equals(unreachable) ? DEAD : SELF;
                    groups.put(group, new ReplicationGroup(group, List.of(member), member));
                }
                return new ClusterState(1, PartitionMap.of(descriptors), groups, nodes);
            }

            @Override
            public ClusterState refresh(long atLeastVersion) {
                return current();
            }
        };
        node = BasaltNode.open(new InMemoryStorageEngine(), NodeConfig.defaults(), local -> new RoutedPartitionClient(
                new Router(SELF, local, ServingGuard.SERVE_ALL, view, transport::peer, transport.timer(),
                        RoutingConfig.defaults().withRoutingDeadline(Duration.ofMillis(500))), local));
        opened[0] = node;
        server = BasaltServer.start(node, ServerConfig.of("127.0.0.1", 0));
        client = TestClients.dynamoDb(URI.create("http://127.0.0.1:" + server.port()));
        client.createTable(b -> b.tableName("Batches").billingMode("PAY_PER_REQUEST")
                .keySchema(k -> k.attributeName("pk").keyType("HASH"))
                .attributeDefinitions(a -> a.attributeName("pk").attributeType("S")));
        unreachable = node.tableForItems("Batches").partitions().get(1).id();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
        node.close();
        transport.close();
    }

    @Test
    void batchesReportTheUnreachablePartitionsShareAsUnprocessed() {
        TableMetadata table = node.tableForItems("Batches");
        List<String> keys = new ArrayList<>();
        Set<String> onDeadNode = new LinkedHashSet<>();
        for (int i = 0; keys.size() < 20 || onDeadNode.size() < 3; i++) {
            String pk = "k" + i;
            keys.add(pk);
            byte[] itemKey = KeyLayout.itemKey(table.id(), KeyLayout.BASE_TABLE_INDEX, table.keySchema(),
                    new PrimaryKey(AttributeValue.string(pk), Optional.empty()));
            if (node.partitionMap().locate(table.id(), KeyLayout.BASE_TABLE_INDEX, KeyLayout.hashOfItemKey(itemKey))
                    .id().equals(unreachable)) {
                onDeadNode.add(pk);
            }
        }
        keys = keys.subList(0, Math.min(keys.size(), 25));
        onDeadNode.retainAll(keys);
        assertThat(onDeadNode).isNotEmpty();

        List<WriteRequest> writes = new ArrayList<>();
        for (String pk : keys) {
            writes.add(WriteRequest.builder().putRequest(PutRequest.builder().item(Map.of(
                    "pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(pk))).build()).build());
        }
        BatchWriteItemResponse written = client.batchWriteItem(b -> b.requestItems(Map.of("Batches", writes)));
        List<String> unprocessedWrites = written.unprocessedItems().getOrDefault("Batches", List.of()).stream()
                .map(write -> write.putRequest().item().get("pk").s()).toList();
        assertThat(unprocessedWrites).containsExactlyInAnyOrderElementsOf(onDeadNode);

        List<Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>> requested = new ArrayList<>();
        keys.forEach(pk -> requested.add(Map.of("pk",
                software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(pk))));
        BatchGetItemResponse read = client.batchGetItem(b -> b.requestItems(Map.of("Batches",
                KeysAndAttributes.builder().keys(requested).build())));
        List<String> found = read.responses().get("Batches").stream().map(item -> item.get("pk").s()).toList();
        List<String> unprocessedKeys = read.unprocessedKeys().containsKey("Batches")
                ? read.unprocessedKeys().get("Batches").keys().stream().map(key -> key.get("pk").s()).toList()
                : List.of();
        assertThat(unprocessedKeys).containsExactlyInAnyOrderElementsOf(onDeadNode);
        List<String> served = new ArrayList<>(keys);
        served.removeAll(onDeadNode);
        assertThat(found).containsExactlyInAnyOrderElementsOf(served);
    }
}
