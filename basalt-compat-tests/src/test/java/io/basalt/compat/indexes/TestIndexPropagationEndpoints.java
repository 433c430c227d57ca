package io.basalt.compat.indexes;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.cluster.BillingMode;
import io.basalt.cluster.GlobalIndexPropagation;
import io.basalt.cluster.IndexDefinition;
import io.basalt.cluster.ProvisionedThroughput;
import io.basalt.cluster.TableDefinition;
import io.basalt.model.AttributeType;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.Projection;
import io.basalt.testing.BasaltTestServer;
import io.basalt.testing.TestClients;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Basalt's own endpoints for global index lag (Basalt-only, so not against other endpoints): the lag report, the
 * Prometheus metrics, and switching propagation between synchronous, asynchronous and deliberately delayed. Each test
 * starts its own server (a three-node cluster in the cluster execution, hence the longer timeout).
 */
@Timeout(180)
class TestIndexPropagationEndpoints {
    private static final KeyAttribute PK = new KeyAttribute("pk", AttributeType.S);
    private static final KeyAttribute GROUP = new KeyAttribute("group", AttributeType.S);

    @Test
    void lagIsVisibleAndPropagationCanBeMadeSynchronousOrDelayed() throws Exception {
        // On a cluster the setting reaches every node and the figures sum every node's propagators (cluster.md, s18).
        try (BasaltTestServer server = BasaltTestServer.inMemory();
                DynamoDbClient client = TestClients.dynamoDb(server.endpoint())) {
            server.node().createTable(new TableDefinition("Lagging", KeySchema.of(PK), List.of(PK, GROUP),
                    BillingMode.PAY_PER_REQUEST, ProvisionedThroughput.NONE, false, null, Map.of(),
                    List.of(new IndexDefinition("ByGroup", true, List.of(GROUP), List.of(), Projection.ALL,
                            ProvisionedThroughput.NONE))));
            HttpClient http = HttpClient.newHttpClient();

            HttpResponse<String> delayed = post(http, server.endpoint(), "/_basalt/index-propagation",
                    "{\"Mode\":\"ASYNCHRONOUS\",\"DelayMillis\":60000}");
            assertThat(delayed.statusCode()).isEqualTo(200);
            assertThat(delayed.body()).isEqualTo("{\"Propagation\":{\"Mode\":\"ASYNCHRONOUS\",\"DelayMillis\":60000}}");
            for (int i = 0; i < 3; i++) {
                String pk = "p" + i;
                client.putItem(b -> b.tableName("Lagging").item(Map.of("pk", AttributeValue.fromS(pk),
                        "group", AttributeValue.fromS("g"))));
            }
            String report = get(http, server.endpoint(), "/_basalt/indexes").body();
            assertThat(report).startsWith("{\"GlobalSecondaryIndexes\":[{\"TableName\":\"Lagging\",\"IndexName\":"
                    + "\"ByGroup\",\"IndexStatus\":\"ACTIVE\",\"Backfilled\":true,\"PendingChanges\":3,\"LagMillis\":")
                    .endsWith("\"Propagation\":{\"Mode\":\"ASYNCHRONOUS\",\"DelayMillis\":60000}}");
            assertThat(get(http, server.endpoint(), "/_basalt/metrics").body())
                    .contains("basalt_gsi_pending_changes{table=\"Lagging\",index=\"ByGroup\"} 3\n")
                    .contains("# TYPE basalt_gsi_lag_seconds gauge\n");

            // Synchronous: the delayed changes are released, and from now on a write returns with its entry.
            assertThat(post(http, server.endpoint(), "/_basalt/index-propagation", "{\"Mode\":\"SYNCHRONOUS\"}")
                    .statusCode()).isEqualTo(200);
            assertThat(server.node().globalIndexPropagation()).isEqualTo(GlobalIndexPropagation.SYNCHRONOUS);
            client.putItem(b -> b.tableName("Lagging").item(Map.of("pk", AttributeValue.fromS("p9"),
                    "group", AttributeValue.fromS("g"))));
            // The write waited for its own partition; the changes released on the others follow within moments.
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            String released = get(http, server.endpoint(), "/_basalt/indexes").body();
            while (!released.contains("\"PendingChanges\":0,") && System.nanoTime() < deadline) {
                Thread.sleep(10);
                released = get(http, server.endpoint(), "/_basalt/indexes").body();
            }
            assertThat(released).contains("\"PendingChanges\":0,");
        }
    }

    @Test
    void badRequestsGetAClearMessage() throws Exception {
        try (BasaltTestServer server = BasaltTestServer.inMemory()) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> badMode = post(http, server.endpoint(), "/_basalt/index-propagation",
                    "{\"Mode\":\"SOMETIMES\"}");
            assertThat(badMode.statusCode()).isEqualTo(400);
            assertThat(badMode.body()).isEqualTo("{\"message\":\"Mode must be ASYNCHRONOUS or SYNCHRONOUS\"}");
            assertThat(post(http, server.endpoint(), "/_basalt/index-propagation", "not json").statusCode())
                    .isEqualTo(400);
            assertThat(post(http, server.endpoint(), "/_basalt/index-propagation",
                    "{\"Mode\":\"SYNCHRONOUS\",\"DelayMillis\":5}").statusCode()).isEqualTo(400);
            assertThat(get(http, server.endpoint(), "/_basalt/nothing").statusCode()).isEqualTo(404);
            assertThat(server.node().globalIndexPropagation()).isEqualTo(GlobalIndexPropagation.ASYNCHRONOUS);
        }
    }

    private static HttpResponse<String> get(HttpClient http, URI endpoint, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(endpoint.resolve(path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(HttpClient http, URI endpoint, String path, String body)
            throws Exception {
        return http.send(HttpRequest.newBuilder(endpoint.resolve(path)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
