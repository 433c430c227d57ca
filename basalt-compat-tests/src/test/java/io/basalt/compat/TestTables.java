package io.basalt.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.testing.BasaltTestServer;
import io.basalt.testing.TestClients;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableResponse;
import software.amazon.awssdk.services.dynamodb.model.DeleteTableResponse;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ListTablesResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableClass;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.UpdateTableResponse;

/** Table lifecycle: CreateTable, DescribeTable, UpdateTable, DeleteTable, ListTables, and restarts. */
class TestTables extends CompatTestSupport {
    private static final String UUID_V4 = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}";

    private TableDescription describe(String table) {
        return client.describeTable(b -> b.tableName(table)).table();
    }

    @Test
    void createProvisionedHashTableDescribesEveryField() {
        String name = uniqueName("create");
        Instant before = Instant.now().minusSeconds(2);
        CreateTableResponse response = client.createTable(b -> b.tableName(name)
                .attributeDefinitions(AttributeDefinition.builder().attributeName("id")
                        .attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build())
                .provisionedThroughput(t -> t.readCapacityUnits(3L).writeCapacityUnits(7L)));
        track(name);
        TableDescription description = response.tableDescription();
        assertThat(description.tableName()).isEqualTo(name);
        assertThat(description.tableStatus()).isEqualTo(TableStatus.CREATING);
        assertThat(description.attributeDefinitions()).containsExactly(AttributeDefinition.builder()
                .attributeName("id").attributeType(ScalarAttributeType.S).build());
        assertThat(description.keySchema()).containsExactly(
                KeySchemaElement.builder().attributeName("id").keyType(KeyType.HASH).build());
        assertThat(description.provisionedThroughput().readCapacityUnits()).isEqualTo(3L);
        assertThat(description.provisionedThroughput().writeCapacityUnits()).isEqualTo(7L);
        assertThat(description.provisionedThroughput().numberOfDecreasesToday()).isEqualTo(0L);
        assertThat(description.provisionedThroughput().lastIncreaseDateTime()).isNull();
        assertThat(description.provisionedThroughput().lastDecreaseDateTime()).isNull();
        assertThat(description.itemCount()).isEqualTo(0L);
        assertThat(description.tableSizeBytes()).isEqualTo(0L);
        assertThat(description.tableId()).matches(UUID_V4);
        assertThat(description.tableArn()).matches("arn:aws:dynamodb:us-east-1:\\d{12}:table/" + name);
        assertThat(description.creationDateTime()).isBetween(before, Instant.now().plusSeconds(2));
        assertThat(description.deletionProtectionEnabled()).isFalse();
        // Only what DynamoDB sends for a plain provisioned table.
        assertThat(description.billingModeSummary()).isNull();
        assertThat(description.warmThroughput()).isNull();
        assertThat(description.tableClassSummary()).isNull();
        assertThat(description.streamSpecification()).isNull();
        assertThat(description.sseDescription()).isNull();
        assertThat(description.hasGlobalSecondaryIndexes()).isFalse();
        assertThat(description.hasLocalSecondaryIndexes()).isFalse();
    }

    @Test
    void createOnDemandHashRangeTable() {
        String name = uniqueName("ondemand");
        CreateTableResponse response = createTable(name, "pk", ScalarAttributeType.S, "sk", ScalarAttributeType.N,
                BillingMode.PAY_PER_REQUEST);
        TableDescription created = response.tableDescription();
        assertThat(created.tableStatus()).isEqualTo(TableStatus.CREATING);
        assertThat(created.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
        assertThat(created.billingModeSummary().lastUpdateToPayPerRequestDateTime()).isNull();
        assertThat(created.provisionedThroughput().readCapacityUnits()).isEqualTo(0L);
        assertThat(created.provisionedThroughput().writeCapacityUnits()).isEqualTo(0L);
        assertThat(created.provisionedThroughput().numberOfDecreasesToday()).isEqualTo(0L);
        assertThat(created.keySchema()).extracting(KeySchemaElement::attributeName, KeySchemaElement::keyType)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("pk", KeyType.HASH),
                        org.assertj.core.groups.Tuple.tuple("sk", KeyType.RANGE));
        assertThat(created.attributeDefinitions()).extracting(AttributeDefinition::attributeType)
                .containsExactly(ScalarAttributeType.S, ScalarAttributeType.N);

        TableDescription active = describe(name);
        assertThat(active.tableStatus()).isEqualTo(TableStatus.ACTIVE);
        assertThat(active.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
        assertThat(active.billingModeSummary().lastUpdateToPayPerRequestDateTime())
                .isEqualTo(active.creationDateTime());
        assertThat(active.warmThroughput().readUnitsPerSecond()).isEqualTo(12000L);
        assertThat(active.warmThroughput().writeUnitsPerSecond()).isEqualTo(4000L);
        assertThat(active.warmThroughput().statusAsString()).isEqualTo("ACTIVE");
        assertThat(active.tableId()).isEqualTo(created.tableId());
        assertThat(active.tableArn()).isEqualTo(created.tableArn());
        assertThat(active.creationDateTime()).isEqualTo(created.creationDateTime());

        // UpdateTable answers with the full description, the on-demand date included (ack-api-quirks DDB-TABLE-177,
        // live 2026: an UpdateTable response on an on-demand table carries LastUpdateToPayPerRequestDateTime);
        // CreateTable's response has none (real create-table captures, ap-south-1 2026 and us-east-1 2025).
        TableDescription updated = client.updateTable(b -> b.tableName(name).deletionProtectionEnabled(false))
                .tableDescription();
        assertThat(updated.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
        assertThat(updated.billingModeSummary().lastUpdateToPayPerRequestDateTime())
                .isEqualTo(active.creationDateTime());
    }

    @Test
    void describeProvisionedTableWhenActive() {
        String name = uniqueName("describe");
        createTable(name, "id", ScalarAttributeType.N, null, null, BillingMode.PROVISIONED);
        TableDescription active = describe(name);
        assertThat(active.tableStatus()).isEqualTo(TableStatus.ACTIVE);
        assertThat(active.billingModeSummary()).isNull();
        assertThat(active.provisionedThroughput().readCapacityUnits()).isEqualTo(5L);
        assertThat(active.warmThroughput().readUnitsPerSecond()).isEqualTo(5L);
        assertThat(active.warmThroughput().writeUnitsPerSecond()).isEqualTo(5L);
        assertThat(active.deletionProtectionEnabled()).isFalse();
        assertThat(active.tableClassSummary()).isNull();
    }

    @ParameterizedTest
    @EnumSource(value = ScalarAttributeType.class, names = {"S", "N", "B"})
    void everyKeyTypeWorksForHashAndRange(ScalarAttributeType type) {
        String name = uniqueName("keys-" + lower(type.toString()));
        createTable(name, "h", type, "r", type, BillingMode.PROVISIONED);
        AttributeValue value = switch (type) {
            case S -> s("text");
            case N -> n("42");
            default -> AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {0, 1, (byte) 255}));
        };
        client.putItem(b -> b.tableName(name).item(item("h", value, "r", value, "x", s("y"))));
        Map<String, AttributeValue> got = client.getItem(b -> b.tableName(name).key(item("h", value, "r", value))
                .consistentRead(true)).item();
        assertThat(got).containsEntry("x", s("y")).containsEntry("h", value).containsEntry("r", value);
    }

    @Test
    void itemCountAndSizeReflectWrites() {
        Assumptions.assumeTrue(isInProcess(), "DynamoDB refreshes these only every six hours");
        String name = hashTable();
        // pk "a" (2 + 1) + v "hello" (1 + 5) = 9 bytes; pk "bb" (2 + 2) = 4 bytes.
        client.putItem(b -> b.tableName(name).item(item("pk", s("a"), "v", s("hello"))));
        client.putItem(b -> b.tableName(name).item(item("pk", s("bb"))));
        TableDescription description = describe(name);
        assertThat(description.itemCount()).isEqualTo(2L);
        assertThat(description.tableSizeBytes()).isEqualTo(13L);
        client.deleteItem(b -> b.tableName(name).key(item("pk", s("a"))));
        description = describe(name);
        assertThat(description.itemCount()).isEqualTo(1L);
        assertThat(description.tableSizeBytes()).isEqualTo(4L);
    }

    @Test
    void duplicateCreateIsResourceInUse() {
        String name = hashTable();
        assertError(ResourceInUseException.class, "ResourceInUseException", "Table already exists: " + name,
                () -> createTable(name, "pk", ScalarAttributeType.S, null, null, BillingMode.PAY_PER_REQUEST));
    }

    @Test
    void missingTableMessagesForTableOperations() {
        String name = uniqueName("missing");
        String message = "Requested resource not found: Table: " + name + " not found";
        assertNotFound(message, () -> client.describeTable(b -> b.tableName(name)));
        assertNotFound(message, () -> client.deleteTable(b -> b.tableName(name)));
        assertNotFound(message, () -> client.updateTable(b -> b.tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST)));
        assertNotFound(message, () -> client.describeTimeToLive(b -> b.tableName(name)));
    }

    @Test
    void deleteTableAnswersDeletingAndTheTableGoes() {
        String name = uniqueName("delete");
        createTable(name, "pk", ScalarAttributeType.S, "sk", ScalarAttributeType.S, BillingMode.PROVISIONED);
        client.putItem(b -> b.tableName(name).item(item("pk", s("a"), "sk", s("b"))));
        DeleteTableResponse response = client.deleteTable(b -> b.tableName(name));
        TableDescription description = response.tableDescription();
        // DynamoDB's reduced description (scylladb test_table.py test_delete_table_description, run against it).
        assertThat(description.tableStatus()).isEqualTo(TableStatus.DELETING);
        assertThat(description.tableName()).isEqualTo(name);
        assertThat(description.tableId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(description.tableArn()).startsWith("arn:aws:dynamodb:").endsWith(":table/" + name);
        assertThat(description.provisionedThroughput().readCapacityUnits()).isEqualTo(5L);
        assertThat(description.provisionedThroughput().numberOfDecreasesToday()).isZero();
        assertThat(description.itemCount()).isEqualTo(1L);
        assertThat(description.tableSizeBytes()).isPositive();
        assertThat(description.deletionProtectionEnabled()).isFalse();
        assertThat(description.billingModeSummary()).isNull();
        assertThat(description.hasKeySchema()).isFalse();
        assertThat(description.hasAttributeDefinitions()).isFalse();
        assertThat(description.creationDateTime()).isNull();
        assertThat(description.warmThroughput()).isNull();
        assertThat(description.hasGlobalSecondaryIndexes()).isFalse();
        assertThat(description.hasLocalSecondaryIndexes()).isFalse();
        client.waiter().waitUntilTableNotExists(b -> b.tableName(name));
        assertNotFound("Requested resource not found: Table: " + name + " not found",
                () -> client.describeTable(b -> b.tableName(name)));
        assertThat(client.listTables(b -> b.exclusiveStartTableName(name.substring(0, name.length() - 1)))
                .tableNames()).doesNotContain(name);
        // Items go with the table: a new table of the same name is empty.
        createTable(name, "pk", ScalarAttributeType.S, "sk", ScalarAttributeType.S, BillingMode.PROVISIONED);
        assertThat(client.getItem(b -> b.tableName(name).key(item("pk", s("a"), "sk", s("b")))).hasItem())
                .isFalse();
    }

    @Test
    void deleteTableOfAnOnDemandTableReportsItsBillingMode() {
        String name = uniqueName("deleteod");
        createTable(name, "pk", ScalarAttributeType.S, null, null, BillingMode.PAY_PER_REQUEST);
        TableDescription created = describe(name);
        TableDescription deleted = client.deleteTable(b -> b.tableName(name)).tableDescription();
        assertThat(deleted.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
        assertThat(deleted.billingModeSummary().lastUpdateToPayPerRequestDateTime())
                .isEqualTo(created.creationDateTime());
        assertThat(deleted.provisionedThroughput().readCapacityUnits()).isZero();
        assertThat(deleted.provisionedThroughput().writeCapacityUnits()).isZero();
        assertThat(deleted.itemCount()).isZero();
        assertThat(deleted.tableSizeBytes()).isZero();
        assertThat(deleted.hasKeySchema()).isFalse();
    }

    @Test
    void deletionProtection() {
        String name = uniqueName("protected");
        client.createTable(b -> b.tableName(name)
                .attributeDefinitions(AttributeDefinition.builder().attributeName("pk")
                        .attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .deletionProtectionEnabled(true));
        track(name);
        client.waiter().waitUntilTableExists(b -> b.tableName(name));
        assertThat(describe(name).deletionProtectionEnabled()).isTrue();
        assertValidation("Resource cannot be deleted as it is currently protected against deletion. Disable "
                + "deletion protection first.", () -> client.deleteTable(b -> b.tableName(name)));
        assertThat(describe(name).tableStatus()).isEqualTo(TableStatus.ACTIVE);
        assertValidation("One or more parameter values were invalid: DeletionProtection modification must be the "
                + "only operation in the request", () -> client.updateTable(b -> b.tableName(name)
                        .deletionProtectionEnabled(false).billingMode(BillingMode.PAY_PER_REQUEST)));

        UpdateTableResponse update = client.updateTable(b -> b.tableName(name).deletionProtectionEnabled(false));
        assertThat(update.tableDescription().deletionProtectionEnabled()).isFalse();
        assertThat(update.tableDescription().tableStatus()).isEqualTo(TableStatus.ACTIVE);
        assertThat(describe(name).deletionProtectionEnabled()).isFalse();
        assertThat(client.deleteTable(b -> b.tableName(name)).tableDescription().tableStatus())
                .isEqualTo(TableStatus.DELETING);
        client.waiter().waitUntilTableNotExists(b -> b.tableName(name));
    }

    @Test
    void switchBillingModeBothWays() {
        String name = uniqueName("billing");
        createTable(name, "pk", ScalarAttributeType.S, null, null, BillingMode.PROVISIONED);
        UpdateTableResponse toOnDemand = client.updateTable(b -> b.tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST));
        assertThat(toOnDemand.tableDescription().tableStatus()).isEqualTo(TableStatus.UPDATING);
        assertThat(toOnDemand.tableDescription().billingModeSummary().billingMode())
                .isEqualTo(BillingMode.PAY_PER_REQUEST);
        Instant announced = toOnDemand.tableDescription().billingModeSummary().lastUpdateToPayPerRequestDateTime();
        assertThat(announced).isNotNull();
        client.waiter().waitUntilTableExists(b -> b.tableName(name));
        TableDescription onDemand = describe(name);
        assertThat(onDemand.tableStatus()).isEqualTo(TableStatus.ACTIVE);
        assertThat(onDemand.billingModeSummary().billingMode()).isEqualTo(BillingMode.PAY_PER_REQUEST);
        Instant switched = onDemand.billingModeSummary().lastUpdateToPayPerRequestDateTime();
        assertThat(switched).isAfterOrEqualTo(onDemand.creationDateTime());
        assertThat(switched).isEqualTo(announced);
        assertThat(onDemand.provisionedThroughput().readCapacityUnits()).isEqualTo(0L);
        assertThat(onDemand.provisionedThroughput().writeCapacityUnits()).isEqualTo(0L);

        // Throughput cannot be given to an on-demand table, and PROVISIONED needs it.
        assertValidation("One or more parameter values were invalid: Neither ReadCapacityUnits nor "
                + "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST",
                () -> client.updateTable(b -> b.tableName(name)
                        .provisionedThroughput(t -> t.readCapacityUnits(1L).writeCapacityUnits(1L))));
        assertValidation("One or more parameter values were invalid: ProvisionedThroughput must be specified when "
                + "BillingMode is PROVISIONED", () -> client.updateTable(b -> b.tableName(name)
                        .billingMode(BillingMode.PROVISIONED)));

        UpdateTableResponse toProvisioned = client.updateTable(b -> b.tableName(name)
                .billingMode(BillingMode.PROVISIONED)
                .provisionedThroughput(t -> t.readCapacityUnits(4L).writeCapacityUnits(6L)));
        assertThat(toProvisioned.tableDescription().billingModeSummary().billingMode())
                .isEqualTo(BillingMode.PROVISIONED);
        client.waiter().waitUntilTableExists(b -> b.tableName(name));
        TableDescription provisioned = describe(name);
        assertThat(provisioned.billingModeSummary().billingMode()).isEqualTo(BillingMode.PROVISIONED);
        assertThat(provisioned.billingModeSummary().lastUpdateToPayPerRequestDateTime()).isEqualTo(switched);
        assertThat(provisioned.provisionedThroughput().readCapacityUnits()).isEqualTo(4L);
        assertThat(provisioned.provisionedThroughput().writeCapacityUnits()).isEqualTo(6L);
    }

    @Test
    void throughputIncreaseAndDecrease() {
        String name = uniqueName("throughput");
        createTable(name, "pk", ScalarAttributeType.S, null, null, BillingMode.PROVISIONED);
        Instant before = Instant.now().minusSeconds(2);
        UpdateTableResponse increase = client.updateTable(b -> b.tableName(name)
                .provisionedThroughput(t -> t.readCapacityUnits(10L).writeCapacityUnits(10L)));
        TableDescription increasing = increase.tableDescription();
        assertThat(increasing.tableStatus()).isEqualTo(TableStatus.UPDATING);
        // The response shows the units in force until the update completes.
        assertThat(increasing.provisionedThroughput().readCapacityUnits()).isEqualTo(5L);
        assertThat(increasing.provisionedThroughput().writeCapacityUnits()).isEqualTo(5L);
        assertThat(increasing.provisionedThroughput().lastIncreaseDateTime()).isAfter(before);
        client.waiter().waitUntilTableExists(b -> b.tableName(name));
        TableDescription increased = describe(name);
        assertThat(increased.tableStatus()).isEqualTo(TableStatus.ACTIVE);
        assertThat(increased.provisionedThroughput().readCapacityUnits()).isEqualTo(10L);
        assertThat(increased.provisionedThroughput().writeCapacityUnits()).isEqualTo(10L);
        assertThat(increased.provisionedThroughput().lastIncreaseDateTime()).isAfter(before);
        assertThat(increased.provisionedThroughput().lastDecreaseDateTime()).isNull();
        assertThat(increased.provisionedThroughput().numberOfDecreasesToday()).isEqualTo(0L);
        awaitActive(name);

        UpdateTableResponse decrease = client.updateTable(b -> b.tableName(name)
                .provisionedThroughput(t -> t.readCapacityUnits(2L).writeCapacityUnits(10L)));
        assertThat(decrease.tableDescription().provisionedThroughput().lastDecreaseDateTime()).isAfter(before);
        awaitActive(name);
        TableDescription decreased = describe(name);
        assertThat(decreased.provisionedThroughput().readCapacityUnits()).isEqualTo(2L);
        assertThat(decreased.provisionedThroughput().lastDecreaseDateTime()).isAfter(before);
        assertThat(decreased.provisionedThroughput().numberOfDecreasesToday()).isEqualTo(1L);
    }

    @Test
    void unchangedThroughputIsRefused() {
        String name = uniqueName("same");
        createTable(name, "pk", ScalarAttributeType.S, null, null, BillingMode.PROVISIONED);
        assertValidation("The provisioned throughput for the table will not change. The requested value equals the "
                + "current value. Current ReadCapacityUnits provisioned for the table: 5. Requested "
                + "ReadCapacityUnits: 5. Current WriteCapacityUnits provisioned for the table: 5. Requested "
                + "WriteCapacityUnits: 5. Refer to the Amazon DynamoDB Developer Guide for current limits and how "
                + "to request higher limits.", () -> client.updateTable(b -> b.tableName(name)
                        .provisionedThroughput(t -> t.readCapacityUnits(5L).writeCapacityUnits(5L))));
    }

    @Test
    void onDemandResentIsAccepted() {
        String name = hashTable();
        UpdateTableResponse response = client.updateTable(b -> b.tableName(name)
                .billingMode(BillingMode.PAY_PER_REQUEST));
        assertThat(response.tableDescription().billingModeSummary().billingMode())
                .isEqualTo(BillingMode.PAY_PER_REQUEST);
    }

    @Test
    void tableClassUpdate() {
        String name = hashTable();
        UpdateTableResponse response = client.updateTable(b -> b.tableName(name)
                .tableClass(TableClass.STANDARD_INFREQUENT_ACCESS));
        assertThat(response.tableDescription().tableClassSummary().tableClass())
                .isEqualTo(TableClass.STANDARD_INFREQUENT_ACCESS);
        awaitActive(name);
        assertThat(describe(name).tableClassSummary().tableClass()).isEqualTo(TableClass.STANDARD_INFREQUENT_ACCESS);
        assertValidation("One or more parameter values were invalid: TableClass modification must be the only "
                + "operation in the request", () -> client.updateTable(b -> b.tableName(name)
                        .tableClass(TableClass.STANDARD).billingMode(BillingMode.PAY_PER_REQUEST)));
    }

    @Test
    void updateWithNothingToChange() {
        String name = hashTable();
        assertValidation("At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
                + "GlobalSecondaryIndexUpdates, SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, "
                + "ReplicaTransitRoleArn, MultiRegionConsistency, DeletionProtectionEnabled, OnDemandThroughput, "
                + "WarmThroughput or TableClass is required", () -> client.updateTable(b -> b.tableName(name)));
    }

    @Test
    void updateTableValidation() {
        String name = hashTable();
        assertValidation("2 validation errors detected: Value '0' at 'provisionedThroughput.writeCapacityUnits' "
                + "failed to satisfy constraint: Member must have value greater than or equal to 1; Value '0' at "
                + "'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: Member must have value "
                + "greater than or equal to 1", () -> client.updateTable(b -> b.tableName(name)
                        .billingMode(BillingMode.PROVISIONED)
                        .provisionedThroughput(t -> t.readCapacityUnits(0L).writeCapacityUnits(0L))));
        assertValidation("1 validation error detected: Value 'CHEAP' at 'billingMode' failed to satisfy constraint: "
                + "Member must satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]",
                () -> client.updateTable(b -> b.tableName(name).billingMode("CHEAP")));
        assertValidation("The parameter 'TableName' is required but was not present in the request",
                () -> client.updateTable(b -> b.billingMode(BillingMode.PAY_PER_REQUEST)));
    }

    @Test
    void listTablesPagination() {
        String prefix = "zzzz" + lower(uniqueName("l").replace("-", ""));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String name = prefix + "-" + (char) ('a' + i);
            names.add(name);
            createTable(name, "pk", ScalarAttributeType.S, null, null, BillingMode.PAY_PER_REQUEST);
        }
        ListTablesResponse first = client.listTables(b -> b.exclusiveStartTableName(prefix).limit(2));
        assertThat(first.tableNames()).containsExactly(names.get(0), names.get(1));
        assertThat(first.lastEvaluatedTableName()).isEqualTo(names.get(1));
        ListTablesResponse second = client.listTables(b -> b.exclusiveStartTableName(names.get(1)).limit(2));
        assertThat(second.tableNames()).containsExactly(names.get(2), names.get(3));
        assertThat(second.lastEvaluatedTableName()).isEqualTo(names.get(3));
        ListTablesResponse last = client.listTables(b -> b.exclusiveStartTableName(names.get(3)).limit(1));
        assertThat(last.tableNames()).containsExactly(names.get(4));
        if (isInProcess()) {
            // Nothing sorts after these names here, so an exact fit has no LastEvaluatedTableName.
            assertThat(last.lastEvaluatedTableName()).isNull();
        }
        // A start name that is not a table works too.
        assertThat(client.listTables(b -> b.exclusiveStartTableName(names.get(2) + "0").limit(1)).tableNames())
                .containsExactly(names.get(3));

        List<String> paged = new ArrayList<>();
        client.listTablesPaginator(b -> b.limit(2)).tableNames().forEach(paged::add);
        assertThat(paged).containsSubsequence(names).isSorted().doesNotHaveDuplicates();
        List<String> all = client.listTables().tableNames();
        assertThat(all).isSorted().containsAll(names);
    }

    @Test
    void listTablesValidation() {
        assertValidation("1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must "
                + "have value greater than or equal to 1", () -> client.listTables(b -> b.limit(0)));
        assertValidation("1 validation error detected: Value '101' at 'limit' failed to satisfy constraint: Member "
                + "must have value less than or equal to 100", () -> client.listTables(b -> b.limit(101)));
        assertValidation("1 validation error detected: Value 'ab' at 'exclusiveStartTableName' failed to satisfy "
                + "constraint: Member must have length greater than or equal to 3",
                () -> client.listTables(b -> b.exclusiveStartTableName("ab")));
    }

    @Test
    void tableNamesMayBeArns() {
        String name = hashTable();
        String arn = describe(name).tableArn();
        assertThat(client.describeTable(b -> b.tableName(arn)).table().tableName()).isEqualTo(name);
        client.putItem(b -> b.tableName(arn).item(item("pk", s("via-arn"))));
        assertThat(client.getItem(b -> b.tableName(name).key(item("pk", s("via-arn"))).consistentRead(true)).hasItem())
                .isTrue();
    }

    @Test
    void tablesSurviveRestart(@TempDir Path directory) {
        Assumptions.assumeTrue(isInProcess(), "restarts need the in-process server");
        String name = uniqueName("durable");
        TableDescription original;
        try (BasaltTestServer disk = BasaltTestServer.onDisk(directory);
                DynamoDbClient diskClient = TestClients.dynamoDb(disk.endpoint())) {
            diskClient.createTable(b -> b.tableName(name)
                    .attributeDefinitions(
                            AttributeDefinition.builder().attributeName("pk").attributeType("S").build(),
                            AttributeDefinition.builder().attributeName("sk").attributeType("B").build())
                    .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build(),
                            KeySchemaElement.builder().attributeName("sk").keyType(KeyType.RANGE).build())
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .deletionProtectionEnabled(true)
                    .tableClass(TableClass.STANDARD)
                    .tags(t -> t.key("team").value("storage")));
            diskClient.waiter().waitUntilTableExists(b -> b.tableName(name));
            diskClient.putItem(b -> b.tableName(name).item(item("pk", s("k"),
                    "sk", AttributeValue.fromB(SdkBytes.fromUtf8String("x")), "v", n("1.50"))));
            original = diskClient.describeTable(b -> b.tableName(name)).table();
        }
        try (BasaltTestServer disk = BasaltTestServer.onDisk(directory);
                DynamoDbClient diskClient = TestClients.dynamoDb(disk.endpoint())) {
            TableDescription reopened = diskClient.describeTable(b -> b.tableName(name)).table();
            assertThat(reopened.tableId()).isEqualTo(original.tableId());
            assertThat(reopened.creationDateTime()).isEqualTo(original.creationDateTime());
            assertThat(reopened.keySchema()).isEqualTo(original.keySchema());
            assertThat(reopened.attributeDefinitions()).isEqualTo(original.attributeDefinitions());
            assertThat(reopened.billingModeSummary()).isEqualTo(original.billingModeSummary());
            assertThat(reopened.deletionProtectionEnabled()).isTrue();
            assertThat(reopened.tableClassSummary().tableClass()).isEqualTo(TableClass.STANDARD);
            assertThat(reopened.tableStatus()).isEqualTo(TableStatus.ACTIVE);
            assertThat(diskClient.listTagsOfResource(b -> b.resourceArn(reopened.tableArn())).tags())
                    .extracting(t -> t.key() + "=" + t.value()).containsExactly("team=storage");
            assertThat(diskClient.getItem(b -> b.tableName(name).key(item("pk", s("k"),
                    "sk", AttributeValue.fromB(SdkBytes.fromUtf8String("x"))))).item()).containsEntry("v", n("1.5"));
        }
    }

    /** Waits until a table is ACTIVE again after an update (immediately on Basalt by default). */
    private void awaitActive(String name) {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (describe(name).tableStatus() != TableStatus.ACTIVE) {
            assertThat(Instant.now()).isBefore(deadline);
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
