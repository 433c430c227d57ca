package io.basalt.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.expressions.keys.KeyCondition;
import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.model.Item;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PutItemOperation;
import io.basalt.partition.read.FetchMode;
import io.basalt.partition.read.KeyRange;
import io.basalt.partition.read.ReadPlan;
import io.basalt.partition.read.ReadResult;
import io.basalt.partition.read.ReadSource;
import io.basalt.partition.read.ReadSpec;
import io.basalt.partition.read.StopReason;
import io.basalt.storage.memory.InMemoryStorageEngine;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link LocalPartitionClient} reads each partition from the storage its {@link PartitionStores} names (in a cluster,
 * the partition's replication group's storage on this node): a page and a point read of one partition come from
 * that partition's storage, a partition the node holds no storage for fails as for a deleted table, and a page
 * whose range reaches past its table's keys is refused.
 */
class TestLocalPartitionClient {
    private static final KeySchema SCHEMA = KeySchema.of(new KeyAttribute("pk", AttributeType.S));

    @Test
    void eachPartitionIsReadFromItsOwnStorage() {
        NodeConfig config = NodeConfig.defaults().withSyncWrites(false);
        try (BasaltNode node = BasaltNode.open(new InMemoryStorageEngine(), config);
                InMemoryStorageEngine empty = new InMemoryStorageEngine()) {
            TableMetadata table = node.createTable(new TableDefinition("Stores", SCHEMA,
                    List.of(SCHEMA.partitionKey()), BillingMode.PAY_PER_REQUEST, ProvisionedThroughput.NONE, false,
                    null, Map.of(), List.of()));
            PrimaryKey key = new PrimaryKey(AttributeValue.string("a"), Optional.empty());
            Item item = new Item(Map.of("pk", AttributeValue.string("a"), "n", AttributeValue.number(1)));
            node.write(table, new PutItemOperation(key, item)).join();
            byte[] itemKey = KeyLayout.itemKey(table.id(), KeyLayout.BASE_TABLE_INDEX, SCHEMA, key);
            PartitionId holder = node.partitionOf(table, itemKey);
            PartitionId other = table.partitions().stream().map(partition -> partition.id())
                    .filter(id -> !id.equals(holder)).findFirst().orElseThrow();
            // The holder's storage is the node's; another partition is given an empty one; the rest have none.
            LocalPartitionClient client = new LocalPartitionClient(partition -> partition.equals(holder)
                    ? node.storage() : partition.equals(other) ? empty : null, node.globalIndexes());

            ReadPlan query = node.planRead(table, new ReadSpec(table.id(), ReadSource.BASE, new KeyCondition(
                    List.of(key.partitionValue()), List.of(), Optional.empty()), null, true, 10,
                    ReadSpec.MAX_PAGE_BYTES, null, null, false, FetchMode.NONE, null, true));
            ReadResult page = client.readPage(holder, query).join();
            assertThat(page.items()).singleElement().satisfies(stored -> assertThat(stored.item()).isEqualTo(item));
            assertThat(page.stopReason()).isEqualTo(StopReason.EXHAUSTED);
            assertThat(client.get(holder, itemKey, true).item()).isEqualTo(item);

            assertThat(client.readPage(other, query).join().items()).as("read from the other partition's storage")
                    .isEmpty();
            assertThat(client.get(other, itemKey, true)).isNull();

            PartitionId absent = table.partitions().stream().map(partition -> partition.id())
                    .filter(id -> !id.equals(holder) && !id.equals(other)).findFirst().orElseThrow();
            assertThatThrownBy(() -> client.readPage(absent, query).join()).cause()
                    .isInstanceOfSatisfying(BasaltException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_NOT_FOUND);
                        assertThat(e.getMessage()).isEqualTo("Requested resource not found");
                    });
            assertThatThrownBy(() -> client.get(absent, itemKey, true)).isInstanceOfSatisfying(
                    BasaltException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_NOT_FOUND));

            ReadPlan pastTheTable = new ReadPlan(query.spec(), SCHEMA, null, new KeyRange(
                    KeyLayout.indexStart(table.id(), KeyLayout.BASE_TABLE_INDEX), KeyLayout.tableEnd(table.id() + 1)));
            assertThatThrownBy(() -> client.readPage(holder, pastTheTable).join()).cause()
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reaches past its keys");
        }
    }
}
