package io.basalt.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

/** ReturnConsumedCapacity on the item operations, with DynamoDB's unit arithmetic. */
class TestCapacity extends CompatTestSupport {
    private String table;

    @BeforeAll
    void createTables() {
        table = hashTable();
    }

    /** An item of exactly {@code size} bytes: pk (2 + pk length) plus "v" (1) plus the string. */
    private static Map<String, AttributeValue> sized(String pk, int size) {
        return item("pk", s(pk), "v", s(repeat('x', size - 3 - pk.length())));
    }

    private ConsumedCapacity put(Map<String, AttributeValue> item) {
        return client.putItem(b -> b.tableName(table).item(item)
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)).consumedCapacity();
    }

    private ConsumedCapacity get(String pk, boolean consistent) {
        return client.getItem(b -> b.tableName(table).key(item("pk", s(pk))).consistentRead(consistent)
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)).consumedCapacity();
    }

    private ConsumedCapacity delete(String pk) {
        return client.deleteItem(b -> b.tableName(table).key(item("pk", s(pk)))
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)).consumedCapacity();
    }

    private ConsumedCapacity update(String pk) {
        return client.updateItem(b -> b.tableName(table).key(item("pk", s(pk)))
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)).consumedCapacity();
    }

    private void assertTotal(ConsumedCapacity capacity, double units) {
        assertThat(capacity.tableName()).isEqualTo(table);
        assertThat(capacity.capacityUnits()).isEqualTo(units);
        // TOTAL carries only the total.
        assertThat(capacity.readCapacityUnits()).isNull();
        assertThat(capacity.writeCapacityUnits()).isNull();
        assertThat(capacity.table()).isNull();
        assertThat(capacity.hasGlobalSecondaryIndexes()).isFalse();
    }

    @Test
    void putUnitsPerKilobyte() {
        assertTotal(put(sized("p1", 10)), 1.0);
        assertTotal(put(sized("p2", 1024)), 1.0);
        assertTotal(put(sized("p3", 1025)), 2.0);
        assertTotal(put(sized("p4", 3073)), 4.0);
    }

    @Test
    void writesChargeTheLargerOfOldAndNew() {
        put(sized("big", 2049));
        assertTotal(put(sized("big", 10)), 3.0);
        assertTotal(put(sized("big", 10)), 1.0);
        put(sized("big", 2049));
        assertTotal(update("big"), 3.0);
        assertTotal(delete("big"), 3.0);
    }

    @Test
    void missingItemsCostTheMinimum() {
        assertTotal(delete("absent-d"), 1.0);
        assertTotal(get("absent-g", true), 1.0);
        assertTotal(get("absent-g", false), 0.5);
        assertTotal(update("absent-u"), 1.0);
    }

    @Test
    void readUnitsPerFourKilobytes() {
        put(sized("r4096", 4096));
        put(sized("r4097", 4097));
        assertTotal(get("r4096", true), 1.0);
        assertTotal(get("r4096", false), 0.5);
        assertTotal(get("r4097", true), 2.0);
        assertTotal(get("r4097", false), 1.0);
        put(sized("r9000", 9000));
        assertTotal(get("r9000", true), 3.0);
        assertTotal(get("r9000", false), 1.5);
    }

    @Test
    void indexesAddsTheSplitAndTheTable() {
        ConsumedCapacity write = client.putItem(b -> b.tableName(table).item(sized("i1", 1500))
                .returnConsumedCapacity(ReturnConsumedCapacity.INDEXES)).consumedCapacity();
        assertThat(write.tableName()).isEqualTo(table);
        assertThat(write.capacityUnits()).isEqualTo(2.0);
        // Only transactions split units into reads and writes (measured: paritysuite/dynamodb-conformance#69).
        assertThat(write.writeCapacityUnits()).isNull();
        assertThat(write.readCapacityUnits()).isNull();
        assertThat(write.table().capacityUnits()).isEqualTo(2.0);
        assertThat(write.table().writeCapacityUnits()).isNull();
        assertThat(write.hasGlobalSecondaryIndexes()).isFalse();
        assertThat(write.hasLocalSecondaryIndexes()).isFalse();

        ConsumedCapacity read = client.getItem(b -> b.tableName(table).key(item("pk", s("i1")))
                .returnConsumedCapacity(ReturnConsumedCapacity.INDEXES)).consumedCapacity();
        assertThat(read.capacityUnits()).isEqualTo(0.5);
        assertThat(read.readCapacityUnits()).isNull();
        assertThat(read.table().capacityUnits()).isEqualTo(0.5);

        ConsumedCapacity deleted = client.deleteItem(b -> b.tableName(table).key(item("pk", s("i1")))
                .returnConsumedCapacity(ReturnConsumedCapacity.INDEXES)).consumedCapacity();
        assertThat(deleted.capacityUnits()).isEqualTo(2.0);
        ConsumedCapacity updated = client.updateItem(b -> b.tableName(table).key(item("pk", s("i1")))
                .returnConsumedCapacity(ReturnConsumedCapacity.INDEXES)).consumedCapacity();
        assertThat(updated.table().capacityUnits()).isEqualTo(1.0);
    }

    @Test
    void noneOrAbsentMeansNoCapacity() {
        assertThat(client.putItem(b -> b.tableName(table).item(sized("n1", 10))
                .returnConsumedCapacity(ReturnConsumedCapacity.NONE)).consumedCapacity()).isNull();
        assertThat(client.getItem(b -> b.tableName(table).key(item("pk", s("n1")))).consumedCapacity()).isNull();
        assertThat(client.deleteItem(b -> b.tableName(table).key(item("pk", s("n1")))).consumedCapacity())
                .isNull();
        var raw = post("GetItem", "{\"TableName\":\"" + table + "\",\"Key\":{\"pk\":{\"S\":\"none\"}},"
                + "\"ReturnConsumedCapacity\":\"TOTAL\"}");
        assertThat(raw.body()).isEqualTo("{\"ConsumedCapacity\":{\"CapacityUnits\":0.5,\"TableName\":\"" + table
                + "\"}}");
    }

    @Test
    void unknownModeIsRefused() {
        assertValidation("1 validation error detected: Value 'ALL' at 'returnConsumedCapacity' failed to satisfy "
                + "constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]",
                () -> client.getItem(b -> b.tableName(table).key(item("pk", s("x"))).returnConsumedCapacity("ALL")));
        assertValidation("1 validation error detected: Value 'ALL' at 'returnConsumedCapacity' failed to satisfy "
                + "constraint: Member must satisfy enum value set: [INDEXES, TOTAL, NONE]",
                () -> client.putItem(b -> b.tableName(table).item(item("pk", s("x"))).returnConsumedCapacity("ALL")));
    }
}
