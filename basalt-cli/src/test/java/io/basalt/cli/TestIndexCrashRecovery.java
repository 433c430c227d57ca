package io.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.testing.TestClients;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * A global secondary index being backfilled while clients write, when the server is killed with SIGKILL, converges
 * after a restart to exactly the table's items: every item with the index key is in the index once, with its
 * current values, and nothing else is.
 */
@Timeout(300)
class TestIndexCrashRecovery {
    private static final String TABLE = "IndexCrash";
    private static final String INDEX = "ByGroup";
    private static final int ITEMS = 30_000;
    private static final int WRITERS = 8;

    @TempDir
    Path dataDirectory;

    @Test
    void anIndexBackfilledDuringACrashConvergesToTheTable() throws Exception {
        AtomicLong acknowledged = new AtomicLong();
        boolean killedWhileBackfilling;
        try (ServerProcess server = ServerProcess.start(dataDirectory)) {
            try (DynamoDbClient client = TestClients.dynamoDb(server.endpoint())) {
                ServerProcess.createHashTable(client, TABLE);
                preload(client);
                AtomicBoolean stop = new AtomicBoolean();
                ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
                List<Future<?>> futures = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    long seed = w;
                    futures.add(writers.submit(() -> write(client, new Random(seed), stop, acknowledged)));
                }
                Thread.sleep(200);
                client.updateTable(request -> request.tableName(TABLE)
                        .attributeDefinitions(definition("pk"), definition("group"))
                        .globalSecondaryIndexUpdates(update -> update.create(create -> create.indexName(INDEX)
                                .keySchema(KeySchemaElement.builder().attributeName("group").keyType(KeyType.HASH)
                                        .build())
                                .projection(projection -> projection.projectionType(ProjectionType.INCLUDE)
                                        .nonKeyAttributes("version")))));
                Thread.sleep(150);
                killedWhileBackfilling = status(client) == IndexStatus.CREATING;
                server.killUnderLoad(stop, futures, writers);
            }
        }
        System.out.println("writes acknowledged during the backfill: " + acknowledged.get()
                + "; killed while backfilling: " + killedWhileBackfilling);
        assertThat(acknowledged.get()).as("writes acknowledged while the index was added").isPositive();

        try (ServerProcess restarted = ServerProcess.start(dataDirectory);
                DynamoDbClient client = TestClients.dynamoDb(restarted.endpoint())) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (status(client) != IndexStatus.ACTIVE && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(status(client)).isEqualTo(IndexStatus.ACTIVE);
            HttpClient http = HttpClient.newHttpClient();
            long caughtUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!lagReport(http, restarted).contains("\"PendingChanges\":0,") && System.nanoTime() < caughtUp) {
                Thread.sleep(50);
            }
            assertThat(lagReport(http, restarted)).as("the index caught up with the table")
                    .contains("\"PendingChanges\":0,");
            Map<String, Map<String, AttributeValue>> expected = new HashMap<>();
            client.scanPaginator(request -> request.tableName(TABLE).consistentRead(true)).items().forEach(item -> {
                if (item.containsKey("group")) {
                    expected.put(item.get("pk").s(), Map.of("pk", item.get("pk"), "group", item.get("group"),
                            "version", item.get("version")));
                }
            });
            Map<String, Map<String, AttributeValue>> indexed = new HashMap<>();
            List<String> duplicates = new ArrayList<>();
            client.scanPaginator(request -> request.tableName(TABLE).indexName(INDEX)).items().forEach(entry -> {
                if (indexed.put(entry.get("pk").s(), entry) != null) {
                    duplicates.add(entry.get("pk").s());
                }
            });
            assertThat(duplicates).as("items in the index more than once").isEmpty();
            assertThat(indexed).as("index entries after SIGKILL during backfill and restart").isEqualTo(expected);
            GlobalSecondaryIndexDescription description = client.describeTable(request -> request.tableName(TABLE))
                    .table().globalSecondaryIndexes().get(0);
            assertThat(description.itemCount()).isEqualTo(expected.size());
        }
    }

    private static String lagReport(HttpClient http, ServerProcess server) throws Exception {
        return http.send(HttpRequest.newBuilder(server.endpoint().resolve("/_basalt/indexes"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static IndexStatus status(DynamoDbClient client) {
        return client.describeTable(request -> request.tableName(TABLE)).table().globalSecondaryIndexes().get(0)
                .indexStatus();
    }

    private static AttributeDefinition definition(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static void preload(DynamoDbClient client) throws Exception {
        ExecutorService loaders = Executors.newFixedThreadPool(8);
        List<Future<?>> batches = new ArrayList<>();
        for (int start = 0; start < ITEMS; start += 25) {
            int first = start;
            batches.add(loaders.submit(() -> {
                List<WriteRequest> writes = new ArrayList<>();
                Random random = new Random(first);
                for (int i = first; i < first + 25; i++) {
                    writes.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item(random, i, 0))
                            .build()).build());
                }
                client.batchWriteItem(request -> request.requestItems(Map.of(TABLE, writes)));
            }));
        }
        for (Future<?> batch : batches) {
            batch.get();
        }
        loaders.shutdown();
    }

    /** An item; one in five lacks the index key (a sparse index leaves it out). */
    private static Map<String, AttributeValue> item(Random random, int i, long version) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", AttributeValue.fromS("item-" + i));
        item.put("version", AttributeValue.fromN(Long.toString(version)));
        item.put("payload", AttributeValue.fromS("x".repeat(100)));
        if (random.nextInt(5) != 0) {
            item.put("group", AttributeValue.fromS("g" + random.nextInt(50)));
        }
        return item;
    }

    /** Overwrites and deletes random items until stopped; errors after the crash end the writer. */
    private static void write(DynamoDbClient client, Random random, AtomicBoolean stop, AtomicLong acknowledged) {
        for (long version = 1; !stop.get(); version++) {
            int i = random.nextInt(ITEMS);
            try {
                if (random.nextInt(10) == 0) {
                    client.deleteItem(request -> request.tableName(TABLE)
                            .key(Map.of("pk", AttributeValue.fromS("item-" + i))));
                } else {
                    Map<String, AttributeValue> item = item(random, i, version);
                    client.putItem(request -> request.tableName(TABLE).item(item));
                }
            } catch (RuntimeException crashed) {
                return;
            }
            acknowledged.incrementAndGet();
        }
    }
}
