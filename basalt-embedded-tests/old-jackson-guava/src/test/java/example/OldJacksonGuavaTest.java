package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.basalt.embedded.EmbeddedBasalt;
import io.basalt.junit.BasaltExtension;
import io.basalt.junit.BasaltTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

@BasaltTest
class OldJacksonGuavaTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theApplicationKeepsItsOldJackson() {
        assertEquals(12, com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.getMinorVersion());
        assertEquals(12, com.fasterxml.jackson.core.json.PackageVersion.VERSION.getMinorVersion());
    }

    @Test
    void storesJacksonDocumentsAndReadsThemBack(BasaltExtension basalt, EmbeddedBasalt server) throws Exception {
        server.createTables(Path.of(getClass().getClassLoader().getResource("tables.json").toURI()));
        basalt.setGlobalIndexesSynchronous(true);
        DynamoDbClient client = basalt.sdkV2().client();
        ImmutableList<String> ids = ImmutableList.of("c1", "c2", "c3");
        for (String id : ids) {
            String document = JSON.writeValueAsString(ImmutableMap.of("id", id, "tags", ImmutableList.of("a", "b")));
            client.putItem(b -> b.tableName("Orders").item(Map.of(
                    "pk", AttributeValue.fromS(id), "sk", AttributeValue.fromS("doc"),
                    "status", AttributeValue.fromS("NEW"), "json", AttributeValue.fromS(document))));
        }
        var items = client.query(b -> b.tableName("Orders").indexName("byStatus")
                .keyConditionExpression("#s = :s").expressionAttributeNames(Map.of("#s", "status"))
                .expressionAttributeValues(Map.of(":s", AttributeValue.fromS("NEW")))).items();
        assertEquals(3, items.size());
        for (Map<String, AttributeValue> item : items) {
            Map<?, ?> document = JSON.readValue(item.get("json").s(), Map.class);
            assertTrue(ids.contains(document.get("id")));
        }
        basalt.setTransactionCommitDelay(Duration.ZERO);
        assertEquals(0, server.heldTransactions());
    }
}
