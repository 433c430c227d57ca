package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.basalt.junit.BasaltExtension;
import java.util.Map;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Runs concurrently with the other classes (junit-platform.properties): its own server, resetting and recreating the
 * same table name as SdkV2Test, never sees their items or loses its own.
 */
class ParallelClassesTest {
    @RegisterExtension
    static BasaltExtension basalt = BasaltExtension.inMemory().resetBeforeEach();

    @RegisterExtension
    static BasaltExtension other = BasaltExtension.inMemory();

    @RepeatedTest(20)
    void ownItemsOnly() {
        assertNotEquals(basalt.endpoint(), other.endpoint());
        DynamoDbClient client = basalt.sdkV2().client();
        client.createTable(b -> b.tableName("Customers")
                .attributeDefinitions(d -> d.attributeName("id").attributeType("S"))
                .keySchema(k -> k.attributeName("id").keyType("HASH"))
                .billingMode("PAY_PER_REQUEST"));
        for (int i = 0; i < 10; i++) {
            String id = "p" + i;
            client.putItem(b -> b.tableName("Customers").item(Map.of("id", AttributeValue.fromS(id))));
        }
        assertEquals(10, client.scan(b -> b.tableName("Customers")).count());
    }
}
