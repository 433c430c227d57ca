package io.basalt.compat.indexes;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.testing.BasaltTestServer;
import io.basalt.testing.TestClients;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/** CreateTable with secondary indexes and their descriptions in CreateTable, DescribeTable and DeleteTable. */
class TestIndexTables extends IndexTestSupport {
    /** A provisioned table pk/sk with one LSI (INCLUDE) and two GSIs, one of them multi-attribute. */
    private CreateTableRequest provisionedWithIndexes(String name) {
        return CreateTableRequest.builder().tableName(name)
                .attributeDefinitions(def("pk", "S"), def("sk", "S"), def("lsk", "N"), def("g1", "S"), def("g2", "N"),
                        def("g3", "B"))
                .keySchema(hash("pk"), range("sk"))
                .provisionedThroughput(t -> t.readCapacityUnits(5L).writeCapacityUnits(6L))
                .localSecondaryIndexes(lsi("byLsk", "lsk", projection(ProjectionType.INCLUDE, "zeta", "alpha")))
                .globalSecondaryIndexes(
                        gsi("byG1", List.of(hash("g1"), range("sk")), projection(ProjectionType.KEYS_ONLY), 3, 4),
                        gsi("multi", List.of(hash("g1"), hash("g2"), range("g3"), range("lsk")),
                                projection(ProjectionType.ALL), 1, 2))
                .build();
    }

    @Test
    void createTableDescribesEveryIndex() {
        String name = uniqueName("idx");
        TableDescription created = client.createTable(provisionedWithIndexes(name)).tableDescription();
        track(name);
        String arn = created.tableArn();
        assertThat(created.localSecondaryIndexes()).containsExactly(LocalSecondaryIndexDescription.builder()
                .indexName("byLsk").indexArn(arn + "/index/byLsk").indexSizeBytes(0L).itemCount(0L)
                .keySchema(hash("pk"), range("lsk")).projection(projection(ProjectionType.INCLUDE, "alpha", "zeta"))
                .build());
        assertThat(created.globalSecondaryIndexes()).extracting(GlobalSecondaryIndexDescription::indexName,
                GlobalSecondaryIndexDescription::indexStatus).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("byG1", IndexStatus.CREATING),
                        org.assertj.core.groups.Tuple.tuple("multi", IndexStatus.CREATING));
        // The CreateTable response carries no WarmThroughput, for the table or its indexes.
        assertThat(created.globalSecondaryIndexes().get(0).warmThroughput()).isNull();

        client.waiter().waitUntilTableExists(b -> b.tableName(name));
        TableDescription described = client.describeTable(b -> b.tableName(name)).table();
        assertThat(described.localSecondaryIndexes()).isEqualTo(created.localSecondaryIndexes());
        GlobalSecondaryIndexDescription byG1 = described.globalSecondaryIndexes().get(0);
        assertThat(byG1.indexName()).isEqualTo("byG1");
        assertThat(byG1.indexArn()).isEqualTo(arn + "/index/byG1");
        assertThat(byG1.indexStatus()).isEqualTo(IndexStatus.ACTIVE);
        assertThat(byG1.backfilling()).isNull();
        assertThat(byG1.keySchema()).containsExactly(hash("g1"), range("sk"));
        assertThat(byG1.projection()).isEqualTo(projection(ProjectionType.KEYS_ONLY));
        assertThat(byG1.provisionedThroughput().readCapacityUnits()).isEqualTo(3L);
        assertThat(byG1.provisionedThroughput().writeCapacityUnits()).isEqualTo(4L);
        assertThat(byG1.provisionedThroughput().numberOfDecreasesToday()).isZero();
        assertThat(byG1.warmThroughput().readUnitsPerSecond()).isEqualTo(3L);
        assertThat(byG1.warmThroughput().writeUnitsPerSecond()).isEqualTo(4L);
        assertThat(byG1.itemCount()).isZero();
        assertThat(byG1.indexSizeBytes()).isZero();
        GlobalSecondaryIndexDescription multi = described.globalSecondaryIndexes().get(1);
        assertThat(multi.keySchema()).containsExactly(hash("g1"), hash("g2"), range("g3"), range("lsk"));
        assertThat(multi.projection()).isEqualTo(projection(ProjectionType.ALL));
    }

    @Test
    void membersAreWrittenInDynamoDbsOrder() {
        String name = uniqueName("idxraw");
        client.createTable(provisionedWithIndexes(name));
        track(name);
        HttpResponse<String> response = post("DescribeTable", "{\"TableName\":\"" + name + "\"}");
        String body = response.body();
        String arn = client.describeTable(b -> b.tableName(name)).table().tableArn();
        assertThat(body).contains("\"DeletionProtectionEnabled\":false,\"GlobalSecondaryIndexes\":[{\"IndexArn\":\""
                + arn + "/index/byG1\",\"IndexName\":\"byG1\",\"IndexSizeBytes\":0,\"IndexStatus\":\"ACTIVE\","
                + "\"ItemCount\":0,\"KeySchema\":[{\"AttributeName\":\"g1\",\"KeyType\":\"HASH\"},"
                + "{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}],\"Projection\":{\"ProjectionType\":\"KEYS_ONLY\"},"
                + "\"ProvisionedThroughput\":{\"NumberOfDecreasesToday\":0,\"ReadCapacityUnits\":3,"
                + "\"WriteCapacityUnits\":4},\"WarmThroughput\":{\"ReadUnitsPerSecond\":3,\"Status\":\"ACTIVE\","
                + "\"WriteUnitsPerSecond\":4}},");
        assertThat(body).contains("\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},"
                + "{\"AttributeName\":\"sk\",\"KeyType\":\"RANGE\"}],\"LocalSecondaryIndexes\":[{\"IndexArn\":\""
                + arn + "/index/byLsk\",\"IndexName\":\"byLsk\",\"IndexSizeBytes\":0,\"ItemCount\":0,"
                + "\"KeySchema\":[{\"AttributeName\":\"pk\",\"KeyType\":\"HASH\"},{\"AttributeName\":\"lsk\","
                + "\"KeyType\":\"RANGE\"}],\"Projection\":{\"NonKeyAttributes\":[\"alpha\",\"zeta\"],"
                + "\"ProjectionType\":\"INCLUDE\"}}],\"ProvisionedThroughput\":");
    }

    @Test
    void onDemandIndexesReportZeroUnitsAndDefaultWarmThroughput() {
        String name = uniqueName("idxppr");
        client.createTable(b -> b.tableName(name).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(def("pk", "S"), def("g", "N"))
                .keySchema(hash("pk"))
                .globalSecondaryIndexes(gsi("byG", List.of(hash("g")), projection(ProjectionType.ALL))));
        track(name);
        client.waiter().waitUntilTableExists(b -> b.tableName(name));
        GlobalSecondaryIndexDescription index = client.describeTable(b -> b.tableName(name)).table()
                .globalSecondaryIndexes().get(0);
        assertThat(index.provisionedThroughput().readCapacityUnits()).isZero();
        assertThat(index.provisionedThroughput().writeCapacityUnits()).isZero();
        assertThat(index.provisionedThroughput().numberOfDecreasesToday()).isZero();
        assertThat(index.warmThroughput().readUnitsPerSecond()).isEqualTo(12_000L);
        assertThat(index.warmThroughput().writeUnitsPerSecond()).isEqualTo(4_000L);
    }

    @Test
    void deleteTableDoesNotDescribeItsIndexes() {
        // DynamoDB leaves the indexes out of DeleteTable's description (scylladb test_table.py
        // test_delete_table_description_with_si, run against DynamoDB).
        String name = uniqueName("idxdel");
        client.createTable(provisionedWithIndexes(name));
        track(name);
        client.waiter().waitUntilTableExists(b -> b.tableName(name));
        TableDescription deleted = client.deleteTable(b -> b.tableName(name)).tableDescription();
        assertThat(deleted.tableStatus()).isEqualTo(TableStatus.DELETING);
        assertThat(deleted.tableName()).isEqualTo(name);
        assertThat(deleted.hasLocalSecondaryIndexes()).isFalse();
        assertThat(deleted.hasGlobalSecondaryIndexes()).isFalse();
        assertThat(deleted.hasKeySchema()).isFalse();
        assertThat(deleted.hasAttributeDefinitions()).isFalse();
    }

    @Test
    void indexesSurviveRestart(@TempDir Path directory) {
        Assumptions.assumeTrue(isInProcess(), "restarts need the in-process server");
        String name = uniqueName("idxdisk");
        TableDescription original;
        try (BasaltTestServer disk = BasaltTestServer.onDisk(directory);
                DynamoDbClient diskClient = TestClients.dynamoDb(disk.endpoint())) {
            diskClient.createTable(provisionedWithIndexes(name));
            diskClient.waiter().waitUntilTableExists(b -> b.tableName(name));
            original = diskClient.describeTable(b -> b.tableName(name)).table();
        }
        try (BasaltTestServer disk = BasaltTestServer.onDisk(directory);
                DynamoDbClient diskClient = TestClients.dynamoDb(disk.endpoint())) {
            TableDescription reopened = diskClient.describeTable(b -> b.tableName(name)).table();
            assertThat(reopened.localSecondaryIndexes()).isEqualTo(original.localSecondaryIndexes());
            assertThat(reopened.globalSecondaryIndexes()).isEqualTo(original.globalSecondaryIndexes());
            assertThat(reopened.attributeDefinitions()).isEqualTo(original.attributeDefinitions());
        }
    }
}
