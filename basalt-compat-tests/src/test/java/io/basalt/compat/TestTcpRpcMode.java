package io.basalt.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.testing.BasaltTestServer;
import io.basalt.testing.TestClients;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * The suite's servers send their partition calls through the Router and over TCP exactly when
 * {@code -Dbasalt.tcpRpc=true} says so (the {@code tcp-rpc} surefire execution sets it; docs/design/cluster.md §20
 * step 12): otherwise a TCP run would pass without a single frame having crossed a socket. Query and Scan pages
 * cross it too, partition by partition.
 */
class TestTcpRpcMode {
    @Test
    void partitionCallsCrossTcpExactlyWhenThePropertySaysSo() {
        boolean tcp = Boolean.getBoolean(BasaltTestServer.TCP_RPC_PROPERTY);
        System.out.println("TestTcpRpcMode: TCP RPC " + (tcp ? "on" : "off"));
        try (BasaltTestServer server = BasaltTestServer.inMemory();
                DynamoDbClient client = TestClients.dynamoDb(server.endpoint())) {
            client.createTable(b -> b.tableName("Tcp").billingMode("PAY_PER_REQUEST")
                    .keySchema(k -> k.attributeName("pk").keyType("HASH"))
                    .attributeDefinitions(a -> a.attributeName("pk").attributeType("S")));
            client.putItem(b -> b.tableName("Tcp").item(Map.of("pk", AttributeValue.fromS("a"),
                    "n", AttributeValue.fromN("1"))));
            assertThat(client.getItem(b -> b.tableName("Tcp").key(Map.of("pk", AttributeValue.fromS("a")))
                    .consistentRead(true))
                    .item()).containsEntry("n", AttributeValue.fromN("1"));
            assertThat(client.batchGetItem(b -> b.requestItems(Map.of("Tcp", KeysAndAttributes.builder()
                    .keys(List.of(Map.of("pk", AttributeValue.fromS("a")), Map.of("pk", AttributeValue.fromS("b"))))
                    .consistentRead(true).build()))).responses().get("Tcp")).hasSize(1);
            // Strong reads: on a cluster an eventual one may be served by a replica that has not applied the put.
            // A put, a point read and a batch read: at least three frames when the mode is on, none when off.
            long pointFrames = server.tcpFramesServed();
            if (tcp) {
                assertThat(pointFrames).isGreaterThanOrEqualTo(3);
            } else {
                assertThat(pointFrames).isZero();
            }
            // A Query page is one partition's; a Scan page walks each of the table's partitions: a frame each.
            assertThat(client.query(b -> b.tableName("Tcp").keyConditionExpression("pk = :a")
                    .expressionAttributeValues(Map.of(":a", AttributeValue.fromS("a"))).consistentRead(true)).count())
                    .isEqualTo(1);
            assertThat(client.scan(b -> b.tableName("Tcp").consistentRead(true)).count()).isEqualTo(1);
            int partitions = server.node().tryGetTable("Tcp").orElseThrow().partitionCount();
            if (tcp) {
                assertThat(server.tcpFramesServed() - pointFrames).isGreaterThanOrEqualTo(1 + partitions);
            } else {
                assertThat(server.tcpFramesServed()).isZero();
            }
        }
    }
}
