package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.basalt.junit.BasaltExtension;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbPartitionKey;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

class SdkV2Test {
    @RegisterExtension
    static BasaltExtension basalt = BasaltExtension.inMemory();

    @BeforeAll
    static void nothingButTheJarCameWithBasalt() {
        // The in-memory server runs without RocksDB, and Basalt's Netty is not the application's 4.1.
        assertThrows(ClassNotFoundException.class, () -> Class.forName("org.rocksdb.RocksDB"));
        assertTrue(io.netty.util.Version.identify().get("netty-common").artifactVersion().startsWith("4.1."));
        assertNotEquals(jarOf(BasaltExtension.class), jarOf(io.netty.channel.Channel.class));
    }

    private static String jarOf(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation().toString();
    }

    @BeforeEach
    void freshTable() {
        basalt.reset();
        basalt.sdkV2().createTable(CreateTableRequest.builder()
                .tableName("Customers")
                .attributeDefinitions(AttributeDefinition.builder().attributeName("id")
                        .attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .build());
    }

    @Test
    void syncClient() {
        DynamoDbClient client = basalt.sdkV2().client();
        client.putItem(b -> b.tableName("Customers").item(Map.of("id", AttributeValue.fromS("c1"))));
        assertThrows(ConditionalCheckFailedException.class, () -> client.putItem(b -> b.tableName("Customers")
                .item(Map.of("id", AttributeValue.fromS("c1"))).conditionExpression("attribute_not_exists(id)")));
        assertEquals(1, client.scan(b -> b.tableName("Customers")).count());
    }

    @Test
    void asyncClientOverTheApplicationsNetty() throws Exception {
        try (DynamoDbAsyncClient client = basalt.sdkV2().asyncClientBuilder()
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()).build()) {
            client.putItem(b -> b.tableName("Customers").item(Map.of("id", AttributeValue.fromS("c2")))).get();
            assertEquals("c2", client.getItem(b -> b.tableName("Customers")
                    .key(Map.of("id", AttributeValue.fromS("c2")))).get().item().get("id").s());
        }
        assertEquals(0, basalt.sdkV2().asyncClient().getItem(b -> b.tableName("Customers")
                .key(Map.of("id", AttributeValue.fromS("absent")))).get().item().size());
    }

    @Test
    void enhancedClient() {
        DynamoDbTable<Customer> table = basalt.sdkV2().enhancedClient()
                .table("Customers", TableSchema.fromBean(Customer.class));
        Customer ada = new Customer();
        ada.setId("c3");
        ada.setName("Ada");
        table.putItem(ada);
        assertEquals("Ada", table.getItem(ada).getName());
    }

    @Test
    void resetEmptiesTheServer() {
        basalt.sdkV2().client().putItem(b -> b.tableName("Customers").item(Map.of("id", AttributeValue.fromS("x"))));
        basalt.reset();
        assertTrue(basalt.sdkV2().client().listTables().tableNames().isEmpty());
    }

    @Test
    void basaltRunsOnTheNativeTransport() {
        if (System.getProperty("os.name").startsWith("Linux")) {
            assertTrue(basalt.server().nativeTransport(),
                    () -> "epoll did not load: " + basalt.server().nativeTransportUnavailability());
        }
    }

    /** A bean for the Enhanced client. */
    @DynamoDbBean
    public static class Customer {
        private String id;
        private String name;

        @DynamoDbPartitionKey
        public String getId() {
            return id;
        }

        public void setId(String id) {
            this.id = id;
        }

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }
    }
}
