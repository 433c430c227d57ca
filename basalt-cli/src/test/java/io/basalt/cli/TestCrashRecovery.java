package io.basalt.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.testing.TestClients;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;

/**
 * Nothing acknowledged is ever lost: a server killed with SIGKILL while many clients write finds, after a
 * restart, every write it acknowledged (and the latest acknowledged version of every overwritten item).
 */
class TestCrashRecovery {
    private static final String TABLE = "CrashTable";
    private static final int WRITERS = 16;

    @TempDir
    Path dataDirectory;

    @Test
    void everyAcknowledgedWriteSurvivesSigkill() throws Exception {
        Map<String, Long> acknowledged = new ConcurrentHashMap<>();
        AtomicLong attempted = new AtomicLong();
        try (ServerProcess server = ServerProcess.start(dataDirectory)) {
            try (DynamoDbClient client = TestClients.dynamoDb(server.endpoint())) {
                ServerProcess.createHashTable(client, TABLE);
                AtomicBoolean stop = new AtomicBoolean();
                ExecutorService writers = Executors.newFixedThreadPool(WRITERS);
                List<Future<?>> futures = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    int writer = w;
                    futures.add(writers.submit(() -> write(client, writer, stop, acknowledged, attempted)));
                }
                // Let the load run, then crash the server in the middle of it.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (acknowledged.size() < 3000 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                server.killUnderLoad(stop, futures, writers);
            }
        }
        System.out.println("acknowledged before the crash: " + acknowledged.size() + " of " + attempted.get());
        assertThat(acknowledged).as("writes acknowledged before the crash").hasSizeGreaterThan(100);

        try (ServerProcess restarted = ServerProcess.start(dataDirectory);
                DynamoDbClient client = TestClients.dynamoDb(restarted.endpoint())) {
            List<String> lost = new ArrayList<>();
            for (Map.Entry<String, Long> write : acknowledged.entrySet()) {
                GetItemResponse response = client.getItem(request -> request.tableName(TABLE).consistentRead(true)
                        .key(Map.of("pk", AttributeValue.fromS(write.getKey()))));
                if (!response.hasItem() || Long.parseLong(response.item().get("version").n()) < write.getValue()) {
                    lost.add(write.getKey() + " (acknowledged version " + write.getValue() + ", found "
                            + (response.hasItem() ? response.item().get("version").n() : "nothing") + ")");
                }
            }
            assertThat(lost).as("acknowledged writes missing after SIGKILL and restart").isEmpty();
            long items = client.describeTable(request -> request.tableName(TABLE)).table().itemCount();
            assertThat(items).as("item count after recovery").isGreaterThanOrEqualTo(acknowledged.size())
                    .isLessThanOrEqualTo(attempted.get());
        }
    }

    @Test
    void sigtermStopsCleanlyAndKeepsData() throws Exception {
        try (ServerProcess server = ServerProcess.start(dataDirectory)) {
            try (DynamoDbClient client = TestClients.dynamoDb(server.endpoint())) {
                ServerProcess.createHashTable(client, TABLE);
                client.putItem(request -> request.tableName(TABLE).item(Map.of(
                        "pk", AttributeValue.fromS("kept"), "version", AttributeValue.fromN("7"))));
            }
            assertThat(server.terminate()).as("exit code after SIGTERM").isIn(0, 143);
        }
        try (ServerProcess restarted = ServerProcess.start(dataDirectory);
                DynamoDbClient client = TestClients.dynamoDb(restarted.endpoint())) {
            GetItemResponse response = client.getItem(request -> request.tableName(TABLE)
                    .key(Map.of("pk", AttributeValue.fromS("kept"))));
            assertThat(response.item()).containsEntry("version", AttributeValue.fromN("7"));
        }
    }

    /**
     * Table changes are logged like item writes (metadata entries on the local log, docs/design/cluster.md §11): every
     * acknowledged CreateTable, DeleteTable, TagResource and UpdateTable is there after SIGKILL, with the items
     * written around them, and a dropped table's items with it are gone.
     */
    @Test
    void acknowledgedTableChangesSurviveSigkill() throws Exception {
        String kept = "KeptTable";
        String dropped = "DroppedTable";
        String updated = "UpdatedTable";
        try (ServerProcess server = ServerProcess.start(dataDirectory)) {
            try (DynamoDbClient client = TestClients.dynamoDb(server.endpoint())) {
                for (String table : List.of(kept, dropped, updated)) {
                    ServerProcess.createHashTable(client, table);
                    client.putItem(request -> request.tableName(table).item(Map.of(
                            "pk", AttributeValue.fromS("a"), "version", AttributeValue.fromN("1"))));
                }
                String arn = client.describeTable(request -> request.tableName(kept)).table().tableArn();
                client.tagResource(request -> request.resourceArn(arn).tags(
                        software.amazon.awssdk.services.dynamodb.model.Tag.builder().key("team").value("x").build()));
                client.deleteTable(request -> request.tableName(dropped));
                client.updateTable(request -> request.tableName(updated).deletionProtectionEnabled(true));
            }
            server.kill();
        }
        try (ServerProcess restarted = ServerProcess.start(dataDirectory);
                DynamoDbClient client = TestClients.dynamoDb(restarted.endpoint())) {
            assertThat(client.listTables().tableNames()).containsExactly(kept, updated);
            String arn = client.describeTable(request -> request.tableName(kept)).table().tableArn();
            assertThat(client.listTagsOfResource(request -> request.resourceArn(arn)).tags())
                    .extracting(tag -> tag.key() + "=" + tag.value()).containsExactly("team=x");
            assertThat(client.describeTable(request -> request.tableName(updated)).table()
                    .deletionProtectionEnabled()).isTrue();
            for (String table : List.of(kept, updated)) {
                assertThat(client.getItem(request -> request.tableName(table).consistentRead(true)
                        .key(Map.of("pk", AttributeValue.fromS("a")))).item())
                        .containsEntry("version", AttributeValue.fromN("1"));
            }
            // A new table of the dropped name starts empty: the drop took the items with it.
            ServerProcess.createHashTable(client, dropped);
            assertThat(client.scan(request -> request.tableName(dropped)).count()).isZero();
        }
    }

    /**
     * Each writer puts new items and keeps overwriting one hot item with increasing versions, recording what the
     * server acknowledged. Errors after the crash end the writer.
     */
    private static void write(DynamoDbClient client, int writer, AtomicBoolean stop, Map<String, Long> acknowledged,
            AtomicLong attempted) {
        String hot = "hot-" + writer;
        for (long sequence = 1; !stop.get(); sequence++) {
            String key = sequence % 4 == 0 ? hot : "item-" + writer + "-" + sequence;
            long version = sequence;
            attempted.incrementAndGet();
            try {
                client.putItem(request -> request.tableName(TABLE).item(Map.of(
                        "pk", AttributeValue.fromS(key),
                        "version", AttributeValue.fromN(Long.toString(version)),
                        "payload", AttributeValue.fromS("x".repeat(200)))));
            } catch (RuntimeException crashed) {
                return;
            }
            acknowledged.put(key, version);
        }
    }
}
