package io.basalt.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.testing.BasaltTestServer;
import io.basalt.testing.TestClients;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The suite's servers are cluster nodes exactly when {@code -Dbasalt.clusterTests=true} says so (the {@code cluster}
 * surefire execution sets it; docs/design/cluster.md §20 step 12): otherwise a cluster run would pass on one node.
 */
class TestClusterMode {
    @Test
    void serversAreClusterNodesExactlyWhenThePropertySaysSo() {
        boolean cluster = Boolean.getBoolean(BasaltTestServer.CLUSTER_PROPERTY);
        System.out.println("TestClusterMode: cluster " + (cluster ? "on" : "off"));
        try (BasaltTestServer server = BasaltTestServer.inMemory();
                DynamoDbClient client = TestClients.dynamoDb(server.endpoint())) {
            assertThat(server.node().isClusterNode()).isEqualTo(cluster);
            client.createTable(b -> b.tableName("Cluster").billingMode("PAY_PER_REQUEST")
                    .keySchema(k -> k.attributeName("pk").keyType("HASH"))
                    .attributeDefinitions(a -> a.attributeName("pk").attributeType("S")));
            client.putItem(b -> b.tableName("Cluster").item(Map.of("pk", AttributeValue.fromS("a"),
                    "n", AttributeValue.fromN("1"))));
            assertThat(client.getItem(b -> b.tableName("Cluster").key(Map.of("pk", AttributeValue.fromS("a")))
                    .consistentRead(true)).item()).containsEntry("n", AttributeValue.fromN("1"));
            assertThat(client.listTables().tableNames()).containsExactly("Cluster");
        }
    }
}
