package io.basalt.testing.raft;

import io.basalt.model.AttributeValue;
import io.basalt.model.Item;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionHash;
import io.basalt.partition.PutItemOperation;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Items of the harness' tables ({@code pk} string hash key) and the operations that write them. */
final class RaftTestItems {
    private RaftTestItems() {
    }

    static PrimaryKey key(String pk) {
        return new PrimaryKey(AttributeValue.string(pk), Optional.empty());
    }

    static byte[] itemKey(RaftGroupHarness harness, long groupId, String pk) {
        return KeyLayout.itemKey(RaftGroupHarness.tableId(groupId), KeyLayout.BASE_TABLE_INDEX,
                RaftGroupHarness.SCHEMA, key(pk));
    }

    /** Which of the group's partitions holds {@code pk}. */
    static int partitionOf(RaftGroupHarness harness, long groupId, String pk) {
        return PartitionHash.partitionIndex(KeyLayout.hashOfItemKey(itemKey(harness, groupId, pk)),
                harness.partitionsPerGroup());
    }

    static PutItemOperation put(String pk, long n) {
        Map<String, AttributeValue> attributes = new LinkedHashMap<>();
        attributes.put("pk", AttributeValue.string(pk));
        attributes.put("n", AttributeValue.number(n));
        return new PutItemOperation(key(pk), new Item(attributes));
    }
}
