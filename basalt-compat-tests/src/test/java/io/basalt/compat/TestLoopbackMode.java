package io.basalt.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.testing.BasaltTestServer;
import io.basalt.testing.TestClients;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The suite's servers run in the loopback RPC mode exactly when {@code -Dbasalt.loopbackRpc=true} says so (the
 * {@code loopback-rpc} surefire execution sets it): otherwise a loopback run would pass without having encoded a
 * single frame.
 */
class TestLoopbackMode {
    @Test
    void theServersModeFollowsTheProperty() {
        boolean loopback = Boolean.getBoolean(BasaltTestServer.LOOPBACK_RPC_PROPERTY);
        System.out.println("TestLoopbackMode: loopback RPC " + (loopback ? "on" : "off"));
        try (BasaltTestServer server = BasaltTestServer.inMemory();
                DynamoDbClient client = TestClients.dynamoDb(server.endpoint())) {
            assertThat(server.node().config().loopbackRpc()).isEqualTo(loopback);
            client.createTable(b -> b.tableName("Loopback").billingMode("PAY_PER_REQUEST")
                    .keySchema(k -> k.attributeName("pk").keyType("HASH"))
                    .attributeDefinitions(a -> a.attributeName("pk").attributeType("S")));
            client.putItem(b -> b.tableName("Loopback").item(Map.of("pk", AttributeValue.fromS("a"),
                    "n", AttributeValue.fromN("1"))));
            assertThat(client.getItem(b -> b.tableName("Loopback").key(Map.of("pk", AttributeValue.fromS("a"))))
                    .item()).containsEntry("n", AttributeValue.fromN("1"));
        }
    }
}
