package io.basalt.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionConflictException;

class TestEmbeddedBasalt {
    @Test
    void servesDynamoDbOnItsEndpointAndCreatesTablesFromJson() throws URISyntaxException {
        try (EmbeddedBasalt basalt = EmbeddedBasalt.inMemory().start();
                DynamoDbClient client = client(basalt)) {
            assertThat(basalt.endpoint().getHost()).isEqualTo("127.0.0.1");
            assertThat(basalt.port()).isPositive();
            basalt.createTables(resource("tables.json"));
            assertThat(client.listTables().tableNames()).containsExactly("Customers", "Orders");
            assertThat(client.describeTable(b -> b.tableName("Orders")).table().globalSecondaryIndexes())
                    .singleElement().satisfies(index -> assertThat(index.indexName()).isEqualTo("byStatus"));
        }
    }

    @Test
    void createsOneTableFromASingleRequestAndReportsDynamoDbErrors(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("table.json");
        Files.writeString(file, "{\"TableName\": \"Single\", \"AttributeDefinitions\": [{\"AttributeName\": \"id\","
                + " \"AttributeType\": \"N\"}], \"KeySchema\": [{\"AttributeName\": \"id\", \"KeyType\": \"HASH\"}],"
                + " \"BillingMode\": \"PAY_PER_REQUEST\"}");
        try (EmbeddedBasalt basalt = EmbeddedBasalt.inMemory().start()) {
            basalt.createTables(file);
            assertThat(basalt.call("ListTables", "{}")).contains("\"Single\"");
            assertThatThrownBy(() -> basalt.createTables(file))
                    .isInstanceOfSatisfying(EmbeddedBasaltException.class, e -> {
                        assertThat(e.errorType()).isEqualTo("ResourceInUseException");
                        assertThat(e.statusCode()).isEqualTo(400);
                        assertThat(e.getMessage()).contains("Table already exists: Single");
                    });
        }
    }

    @Test
    void resetDeletesEveryTableAndItsItems() throws URISyntaxException {
        try (EmbeddedBasalt basalt = EmbeddedBasalt.inMemory().start();
                DynamoDbClient client = client(basalt)) {
            basalt.createTables(resource("tables.json"));
            client.updateTable(b -> b.tableName("Customers").deletionProtectionEnabled(true));
            client.putItem(b -> b.tableName("Customers").item(Map.of("id", AttributeValue.fromS("c1"))));
            basalt.setTransactionCommitDelay(Duration.ofSeconds(5));

            basalt.reset();

            assertThat(client.listTables().tableNames()).isEmpty();
            basalt.createTables(resource("tables.json"));
            assertThat(client.scan(b -> b.tableName("Customers")).items()).isEmpty();
            // The controls are back to their defaults too: a transaction is not held.
            client.transactWriteItems(b -> b.transactItems(putCustomer("c2")));
            assertThat(basalt.heldTransactions()).isZero();
        }
    }

    @Test
    void synchronousGlobalIndexesShowAWriteAtOnce() throws URISyntaxException {
        try (EmbeddedBasalt basalt = EmbeddedBasalt.inMemory().start();
                DynamoDbClient client = client(basalt)) {
            basalt.createTables(resource("tables.json"));
            basalt.setGlobalIndexesSynchronous(true);
            for (int i = 0; i < 20; i++) {
                client.putItem(b -> b.tableName("Orders").item(Map.of("pk", AttributeValue.fromS("o"),
                        "sk", AttributeValue.fromS("1"), "status", AttributeValue.fromS("NEW"))));
                assertThat(client.query(b -> b.tableName("Orders").indexName("byStatus")
                        .keyConditionExpression("#s = :s").expressionAttributeNames(Map.of("#s", "status"))
                        .expressionAttributeValues(Map.of(":s", AttributeValue.fromS("NEW")))).count())
                        .isEqualTo(1);
                client.deleteItem(b -> b.tableName("Orders").key(Map.of("pk", AttributeValue.fromS("o"),
                        "sk", AttributeValue.fromS("1"))));
            }
        }
    }

    @Test
    void aGlobalIndexDelayHoldsChangesBack() throws URISyntaxException {
        try (EmbeddedBasalt basalt = EmbeddedBasalt.inMemory().start();
                DynamoDbClient client = client(basalt)) {
            basalt.createTables(resource("tables.json"));
            basalt.setGlobalIndexDelay(Duration.ofHours(1));
            client.putItem(b -> b.tableName("Orders").item(Map.of("pk", AttributeValue.fromS("o"),
                    "sk", AttributeValue.fromS("1"), "status", AttributeValue.fromS("NEW"))));
            assertThat(client.scan(b -> b.tableName("Orders").indexName("byStatus")).count()).isZero();
            // Lifting the delay releases what it held.
            basalt.setGlobalIndexDelay(Duration.ZERO);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (client.scan(b -> b.tableName("Orders").indexName("byStatus")).count() == 0) {
                assertThat(System.nanoTime()).as("index caught up within 30 s").isLessThan(deadline);
                Thread.onSpinWait();
            }
        }
    }

    @Test
    void aTransactionCommitDelayMakesRacingWritesConflict() throws Exception {
        try (EmbeddedBasalt basalt = EmbeddedBasalt.inMemory().start();
                DynamoDbClient client = client(basalt)) {
            basalt.createTables(resource("tables.json"));
            basalt.setTransactionCommitDelay(Duration.ofMinutes(5));
            CompletableFuture<Void> transaction = CompletableFuture.runAsync(
                    () -> client.transactWriteItems(b -> b.transactItems(putCustomer("c1"))));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (basalt.heldTransactions() == 0) {
                assertThat(System.nanoTime()).as("transaction held within 30 s").isLessThan(deadline);
                Thread.sleep(1);
            }
            assertThatThrownBy(() -> client.putItem(b -> b.tableName("Customers")
                    .item(Map.of("id", AttributeValue.fromS("c1")))))
                    .isInstanceOf(TransactionConflictException.class);
            basalt.setTransactionCommitDelay(Duration.ZERO);
            transaction.get();
        }
    }

    @Test
    void theClockStampsTables() throws URISyntaxException {
        Instant fixed = Instant.parse("2030-01-02T03:04:05Z");
        try (EmbeddedBasalt basalt = EmbeddedBasalt.inMemory().clock(Clock.fixed(fixed, ZoneOffset.UTC)).start();
                DynamoDbClient client = client(basalt)) {
            basalt.createTables(resource("tables.json"));
            assertThat(client.describeTable(b -> b.tableName("Customers")).table().creationDateTime())
                    .isEqualTo(fixed);
        }
    }

    @Test
    void closeStopsListeningAndLeavesNoThreadsRunning() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        EmbeddedBasalt basalt = EmbeddedBasalt.inMemory().start();
        try (DynamoDbClient client = client(basalt)) {
            basalt.createTables(resource("tables.json"));
            client.putItem(b -> b.tableName("Customers").item(Map.of("id", AttributeValue.fromS("c1"))));
        }
        int port = basalt.port();
        basalt.close();
        basalt.close();

        assertThat(basalt.isClosed()).isTrue();
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
        assertThatThrownBy(basalt::reset).isInstanceOf(IllegalStateException.class);
        // Basalt's own threads (daemons) stop in close(); Netty's global executor, a non-daemon thread that runs the
        // event loops' termination listeners, stops after one idle second.
        assertThat(ThreadsLeft.afterWaiting(before,
                thread -> thread.getName().startsWith("basalt-") || !thread.isDaemon())).isEmpty();
    }

    @Test
    void anOnDiskServerKeepsItsTablesAcrossRestarts(@TempDir Path directory) throws URISyntaxException {
        try (EmbeddedBasalt basalt = EmbeddedBasalt.onDisk(directory).start()) {
            basalt.createTables(resource("tables.json"));
        }
        try (EmbeddedBasalt basalt = EmbeddedBasalt.onDisk(directory).start()) {
            assertThat(basalt.call("ListTables", "{}")).contains("\"Customers\"", "\"Orders\"");
        }
    }

    private static TransactWriteItem putCustomer(String id) {
        return TransactWriteItem.builder()
                .put(Put.builder().tableName("Customers").item(Map.of("id", AttributeValue.fromS(id))).build())
                .build();
    }

    static Path resource(String name) throws URISyntaxException {
        return Path.of(TestEmbeddedBasalt.class.getClassLoader().getResource(name).toURI());
    }

    static DynamoDbClient client(EmbeddedBasalt basalt) {
        return DynamoDbClient.builder()
                .endpointOverride(basalt.endpoint())
                .region(Region.of(basalt.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(basalt.accessKeyId(), basalt.secretAccessKey())))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }
}
