package io.basalt.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.embedded.EmbeddedBasalt;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbBean;
import software.amazon.awssdk.enhanced.dynamodb.mapper.annotations.DynamoDbPartitionKey;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

class TestBasaltExtension {
    @RegisterExtension
    static BasaltExtension basalt = BasaltExtension.inMemory();

    private static URI firstEndpoint;

    @BeforeAll
    static void createTables(BasaltExtension injected) throws URISyntaxException {
        assertThat(injected).isSameAs(basalt);
        firstEndpoint = basalt.endpoint();
        basalt.createTables(Path.of(TestBasaltExtension.class.getClassLoader().getResource("tables.json").toURI()));
        basalt.sdkV2().createTable(CreateTableRequest.builder()
                .tableName("Accounts")
                .attributeDefinitions(AttributeDefinition.builder().attributeName("id")
                        .attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .build());
    }

    @Test
    void oneServerServesTheWholeClass(EmbeddedBasalt server) {
        assertThat(basalt.endpoint()).isEqualTo(firstEndpoint).isEqualTo(server.endpoint());
        assertThat(basalt.sdkV2().client().listTables().tableNames())
                .containsExactly("Accounts", "Customers", "Orders");
    }

    @Test
    void theSdkV2ClientsAreMadeOnceAndWork() throws Exception {
        assertThat(basalt.sdkV2().client()).isSameAs(basalt.sdkV2().client());
        basalt.sdkV2().client().putItem(b -> b.tableName("Accounts").item(Map.of("id", AttributeValue.fromS("a1"))));
        assertThat(basalt.sdkV2().asyncClient().getItem(b -> b.tableName("Accounts")
                .key(Map.of("id", AttributeValue.fromS("a1")))).get().item()).containsKey("id");
        Account account = new Account();
        account.setId("a2");
        account.setOwner("Ada");
        var table = basalt.sdkV2().enhancedClient().table("Accounts", TableSchema.fromBean(Account.class));
        table.putItem(account);
        assertThat(table.getItem(account).getOwner()).isEqualTo("Ada");
    }

    @Test
    void theSdkV1ClientAndMapperWork() {
        basalt.sdkV1().client().putItem("Customers",
                Map.of("id", new com.amazonaws.services.dynamodbv2.model.AttributeValue("c9")));
        assertThat(basalt.sdkV1().client().getItem("Customers",
                Map.of("id", new com.amazonaws.services.dynamodbv2.model.AttributeValue("c9"))).getItem())
                .containsKey("id");
    }

    @Nested
    class NestedTests {
        @Test
        void seeTheEnclosingClassServer() {
            assertThat(basalt.endpoint()).isEqualTo(firstEndpoint);
            assertThat(basalt.sdkV2().client().listTables().tableNames()).contains("Accounts");
        }
    }

    @Test
    void anExtensionNotRegisteredSaysSo() {
        assertThatThrownBy(() -> BasaltExtension.inMemory().endpoint())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("@RegisterExtension");
    }

    /** A bean for the Enhanced client. */
    @DynamoDbBean
    public static class Account {
        private String id;
        private String owner;

        @DynamoDbPartitionKey
        public String getId() {
            return id;
        }

        public void setId(String id) {
            this.id = id;
        }

        public String getOwner() {
            return owner;
        }

        public void setOwner(String owner) {
            this.owner = owner;
        }
    }
}
