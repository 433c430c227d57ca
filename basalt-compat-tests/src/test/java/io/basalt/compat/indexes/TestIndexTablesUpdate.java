package io.basalt.compat.indexes;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateGlobalSecondaryIndexAction;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexUpdate;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.LimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/** UpdateTable's GlobalSecondaryIndexUpdates: Create, Update and Delete, their rules and their responses. */
class TestIndexTablesUpdate extends IndexTestSupport {
    private static final Duration BACKFILL_TIMEOUT = Duration.ofSeconds(60);

    /** A provisioned table pk/sk (1/1) with a global index {@code byG} on g (2/2) and a local index. */
    private String provisionedTable() {
        String name = uniqueName("idxupd");
        client.createTable(b -> b.tableName(name)
                .attributeDefinitions(def("pk", "S"), def("sk", "S"), def("g", "S"), def("l", "N"))
                .keySchema(hash("pk"), range("sk"))
                .provisionedThroughput(t -> t.readCapacityUnits(1L).writeCapacityUnits(1L))
                .localSecondaryIndexes(lsi("byL", "l", projection(ProjectionType.KEYS_ONLY)))
                .globalSecondaryIndexes(gsi("byG", List.of(hash("g")), projection(ProjectionType.ALL), 2, 2)));
        track(name);
        client.waiter().waitUntilTableExists(b -> b.tableName(name));
        return name;
    }

    private static GlobalSecondaryIndexUpdate create(String name, List<software.amazon.awssdk.services.dynamodb
            .model.KeySchemaElement> keys, Long units) {
        CreateGlobalSecondaryIndexAction.Builder create = CreateGlobalSecondaryIndexAction.builder().indexName(name)
                .keySchema(keys).projection(projection(ProjectionType.KEYS_ONLY));
        if (units != null) {
            create.provisionedThroughput(t -> t.readCapacityUnits(units).writeCapacityUnits(units));
        }
        return GlobalSecondaryIndexUpdate.builder().create(create.build()).build();
    }

    private static GlobalSecondaryIndexUpdate delete(String name) {
        return GlobalSecondaryIndexUpdate.builder().delete(d -> d.indexName(name)).build();
    }

    private static GlobalSecondaryIndexUpdate update(String name, long units) {
        return GlobalSecondaryIndexUpdate.builder().update(u -> u.indexName(name)
                .provisionedThroughput(t -> t.readCapacityUnits(units).writeCapacityUnits(units))).build();
    }

    private static Optional<GlobalSecondaryIndexDescription> index(TableDescription table, String name) {
        return table.globalSecondaryIndexes().stream().filter(i -> i.indexName().equals(name)).findFirst();
    }

    @Test
    void requestRules() {
        String table = provisionedTable();
        assertValidation(INVALID + "List of GlobalSecondaryIndexUpdates is empty", () -> client.updateTable(b -> b
                .tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .globalSecondaryIndexUpdates(List.of())));
        assertValidation(INVALID + "One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, "
                + "GlobalSecondaryIndexUpdate.Delete must not be null", () -> client.updateTable(b -> b
                        .tableName(table).globalSecondaryIndexUpdates(GlobalSecondaryIndexUpdate.builder().build())));
        assertValidation(INVALID + "Only one global secondary index action is allowed per "
                + "GlobalSecondaryIndexUpdate object", () -> client.updateTable(b -> b.tableName(table)
                        .globalSecondaryIndexUpdates(GlobalSecondaryIndexUpdate.builder()
                                .delete(d -> d.indexName("byG")).update(u -> u.indexName("byG")
                                        .provisionedThroughput(t -> t.readCapacityUnits(3L).writeCapacityUnits(3L)))
                                .build())));
        assertValidation(INVALID + "Only one global secondary index update per index is allowed simultaneously. "
                + "Index: byG", () -> client.updateTable(b -> b.tableName(table)
                        .globalSecondaryIndexUpdates(update("byG", 3), delete("byG"))));
        assertValidation(INVALID + "You cannot create or delete index while updating table IOPS",
                () -> client.updateTable(b -> b.tableName(table)
                        .provisionedThroughput(t -> t.readCapacityUnits(3L).writeCapacityUnits(3L))
                        .globalSecondaryIndexUpdates(delete("byG"))));
        assertValidation(INVALID + "DeletionProtection modification must be the only operation in the request",
                () -> client.updateTable(b -> b.tableName(table).deletionProtectionEnabled(true)
                        .globalSecondaryIndexUpdates(delete("byG"))));
        assertValidation(INVALID + "AttributeDefinitions is not specified for index: new",
                () -> client.updateTable(b -> b.tableName(table)
                        .globalSecondaryIndexUpdates(create("new", List.of(hash("h")), 1L))));
        assertError(LimitExceededException.class, "LimitExceededException", "Subscriber limit exceeded: Only 1 "
                + "online index can be created or deleted simultaneously per table", () -> client.updateTable(b -> b
                        .tableName(table).attributeDefinitions(def("h", "S"))
                        .globalSecondaryIndexUpdates(create("new", List.of(hash("h")), 1L), delete("byG"))));
        assertNotFound("Requested resource not found: Index ghost for table " + table,
                () -> client.updateTable(b -> b.tableName(table).globalSecondaryIndexUpdates(delete("ghost"))));
        assertNotFound("Requested resource not found: Index ghost for table " + table,
                () -> client.updateTable(b -> b.tableName(table).globalSecondaryIndexUpdates(update("ghost", 3))));
        assertValidation("Cannot delete an index that is not a GlobalSecondaryIndex: byL",
                () -> client.updateTable(b -> b.tableName(table).globalSecondaryIndexUpdates(delete("byL"))));
        assertValidation("Attempting to create an index which already exists", () -> client.updateTable(b -> b
                .tableName(table).attributeDefinitions(def("h", "S"))
                .globalSecondaryIndexUpdates(create("byL", List.of(hash("h")), 1L))));
        assertValidation(INVALID + "Both ReadCapacityUnits and WriteCapacityUnits must be specified for index: new",
                () -> client.updateTable(b -> b.tableName(table).attributeDefinitions(def("h", "S"))
                        .globalSecondaryIndexUpdates(create("new", List.of(hash("h")), null))));
        assertValidation(INVALID + "Some index key attributes are not defined in AttributeDefinitions. Keys: [h, x], "
                + "AttributeDefinitions: [h]", () -> client.updateTable(b -> b.tableName(table)
                        .attributeDefinitions(def("h", "S"))
                        .globalSecondaryIndexUpdates(create("new", List.of(hash("h"), range("x")), 1L))));
        assertValidation("The provisioned throughput for the index byG will not change. The requested value equals "
                + "the current value. Current ReadCapacityUnits provisioned for index byG: 2. Requested "
                + "ReadCapacityUnits: 2. Current WriteCapacityUnits provisioned for index byG: 2. Requested "
                + "WriteCapacityUnits: 2. Refer to the Amazon DynamoDB Developer Guide for current limits and how to "
                + "request higher limits.", () -> client.updateTable(b -> b.tableName(table)
                        .globalSecondaryIndexUpdates(update("byG", 2))));
        assertNotFound("Requested resource not found: Table: nosuch" + table + " not found",
                () -> client.updateTable(b -> b.tableName("nosuch" + table)
                        .globalSecondaryIndexUpdates(delete("byG"))));
        // Nothing above changed the table.
        TableDescription after = client.describeTable(b -> b.tableName(table)).table();
        assertThat(after.globalSecondaryIndexes()).extracting(GlobalSecondaryIndexDescription::indexName)
                .containsExactly("byG");
        assertThat(after.attributeDefinitions()).hasSize(4);
    }

    @Test
    void updateChangesIndexUnits() {
        String table = provisionedTable();
        Instant before = Instant.now().minusSeconds(5);
        TableDescription response = client.updateTable(b -> b.tableName(table)
                .globalSecondaryIndexUpdates(update("byG", 7))).tableDescription();
        GlobalSecondaryIndexDescription updating = index(response, "byG").orElseThrow();
        // DynamoDB's response shows the index UPDATING with its old units and the new increase time.
        assertThat(updating.indexStatus()).isEqualTo(IndexStatus.UPDATING);
        assertThat(updating.provisionedThroughput().readCapacityUnits()).isEqualTo(2L);
        assertThat(updating.provisionedThroughput().lastIncreaseDateTime()).isAfter(before);
        assertThat(response.tableStatus()).isEqualTo(TableStatus.ACTIVE);
        GlobalSecondaryIndexDescription described = index(client.describeTable(b -> b.tableName(table)).table(),
                "byG").orElseThrow();
        assertThat(described.indexStatus()).isEqualTo(IndexStatus.ACTIVE);
        assertThat(described.provisionedThroughput().readCapacityUnits()).isEqualTo(7L);
        assertThat(described.provisionedThroughput().writeCapacityUnits()).isEqualTo(7L);
        // A decrease counts, as the table's do.
        client.updateTable(b -> b.tableName(table).globalSecondaryIndexUpdates(update("byG", 3)));
        assertThat(index(client.describeTable(b -> b.tableName(table)).table(), "byG").orElseThrow()
                .provisionedThroughput().numberOfDecreasesToday()).isEqualTo(1);
    }

    @Test
    void billingSwitchCarriesTheIndexes() {
        String table = provisionedTable();
        TableDescription onDemand = client.updateTable(b -> b.tableName(table)
                .billingMode(BillingMode.PAY_PER_REQUEST)).tableDescription();
        assertThat(onDemand.tableStatus()).isEqualTo(TableStatus.UPDATING);
        GlobalSecondaryIndexDescription index = index(client.describeTable(b -> b.tableName(table)).table(), "byG")
                .orElseThrow();
        assertThat(index.provisionedThroughput().readCapacityUnits()).isZero();
        assertValidation(INVALID + "The only Updates for index: byG when TableThroughputMode is PAY_PER_REQUEST can "
                + "be to OnDemandThroughput, WarmThroughput", () -> client.updateTable(b -> b.tableName(table)
                        .globalSecondaryIndexUpdates(update("byG", 3))));
        assertValidation(INVALID + "ProvisionedThroughput must be specified for index: byG",
                () -> client.updateTable(b -> b.tableName(table).billingMode(BillingMode.PROVISIONED)
                        .provisionedThroughput(t -> t.readCapacityUnits(4L).writeCapacityUnits(4L))));
        assertValidation(INVALID + "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified for index: new "
                + "when BillingMode is PAY_PER_REQUEST", () -> client.updateTable(b -> b.tableName(table)
                        .attributeDefinitions(def("h", "S"))
                        .globalSecondaryIndexUpdates(create("new", List.of(hash("h")), 1L))));
        client.updateTable(b -> b.tableName(table).billingMode(BillingMode.PROVISIONED)
                .provisionedThroughput(t -> t.readCapacityUnits(4L).writeCapacityUnits(4L))
                .globalSecondaryIndexUpdates(update("byG", 5)));
        index = index(client.describeTable(b -> b.tableName(table)).table(), "byG").orElseThrow();
        assertThat(index.provisionedThroughput().readCapacityUnits()).isEqualTo(5L);
    }

    /**
     * Adding an index to a table with items: CREATING with Backfilling false in the response, then backfilling,
     * then ACTIVE once the index engine has filled it. Needs the engine (it flips the index to ACTIVE).
     */
    @Test
    void createBackfillsThenDeleteDrops() throws InterruptedException {
        String table = provisionedTable();
        for (int i = 0; i < 20; i++) {
            client.putItem(b -> b.tableName(table).item(item("pk", s("p"), "sk", s("s" + Math.random()),
                    "h", s("h"), "multi", n("1"))));
        }
        TableDescription response = client.updateTable(b -> b.tableName(table)
                .attributeDefinitions(def("h", "S"), def("multi", "N"))
                .globalSecondaryIndexUpdates(create("byH", List.of(hash("h"), hash("multi")), 1L)))
                .tableDescription();
        assertThat(response.tableStatus()).isEqualTo(TableStatus.UPDATING);
        GlobalSecondaryIndexDescription creating = index(response, "byH").orElseThrow();
        assertThat(creating.indexStatus()).isEqualTo(IndexStatus.CREATING);
        assertThat(creating.backfilling()).isFalse();
        assertThat(creating.keySchema()).containsExactly(hash("h"), hash("multi"));
        assertThat(creating.indexArn()).isEqualTo(response.tableArn() + "/index/byH");
        assertThat(response.attributeDefinitions()).extracting(d -> d.attributeName())
                .contains("h", "multi");

        Instant deadline = Instant.now().plus(BACKFILL_TIMEOUT);
        GlobalSecondaryIndexDescription current = index(client.describeTable(b -> b.tableName(table)).table(),
                "byH").orElseThrow();
        while (current.indexStatus() != IndexStatus.ACTIVE && Instant.now().isBefore(deadline)) {
            assertThat(current.indexStatus()).isEqualTo(IndexStatus.CREATING);
            assertThat(current.backfilling()).isTrue();
            Thread.sleep(100);
            current = index(client.describeTable(b -> b.tableName(table)).table(), "byH").orElseThrow();
        }
        assertThat(current.indexStatus()).as("index ACTIVE within %s", BACKFILL_TIMEOUT)
                .isEqualTo(IndexStatus.ACTIVE);
        assertThat(current.backfilling()).isNull();

        TableDescription deleting = client.updateTable(b -> b.tableName(table)
                .globalSecondaryIndexUpdates(delete("byH"))).tableDescription();
        assertThat(index(deleting, "byH").orElseThrow().indexStatus()).isEqualTo(IndexStatus.DELETING);
        deadline = Instant.now().plus(BACKFILL_TIMEOUT);
        while (index(client.describeTable(b -> b.tableName(table)).table(), "byH").isPresent()
                && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertThat(index(client.describeTable(b -> b.tableName(table)).table(), "byH")).isEmpty();
    }

    @Test
    void deleteTableWaitsForIndexChanges() throws InterruptedException {
        assumeBasalt();
        String table = provisionedTable();
        // Basalt's deliberate propagation delay holds a drop back too: the index stays DELETING until it is lifted.
        assertThat(admin("/_basalt/index-propagation", "{\"Mode\":\"ASYNCHRONOUS\",\"DelayMillis\":600000}")
                .statusCode()).isEqualTo(200);
        try {
            client.updateTable(b -> b.tableName(table).globalSecondaryIndexUpdates(delete("byG")));
            assertThat(index(client.describeTable(b -> b.tableName(table)).table(), "byG").orElseThrow()
                    .indexStatus()).isEqualTo(IndexStatus.DELETING);
            assertError(software.amazon.awssdk.services.dynamodb.model.ResourceInUseException.class,
                    "ResourceInUseException", "Attempt to change a resource which is still in use: Cannot delete "
                            + "table while indexes are being created, updated, or deleted.",
                    () -> client.deleteTable(b -> b.tableName(table)));
            assertError(LimitExceededException.class, "LimitExceededException", "Subscriber limit exceeded: Only 1 "
                    + "online index can be created or deleted simultaneously per table", () -> client.updateTable(
                            b -> b.tableName(table).attributeDefinitions(def("h", "S"))
                                    .globalSecondaryIndexUpdates(create("new", List.of(hash("h")), 1L))));
        } finally {
            admin("/_basalt/index-propagation", "{\"Mode\":\"ASYNCHRONOUS\"}");
        }

        Instant deadline = Instant.now().plus(BACKFILL_TIMEOUT);
        while (index(client.describeTable(b -> b.tableName(table)).table(), "byG").isPresent()
                && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        assertThat(index(client.describeTable(b -> b.tableName(table)).table(), "byG")).isEmpty();
        client.deleteTable(b -> b.tableName(table));
    }
}
