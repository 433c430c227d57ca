package io.basalt.cluster;

import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionId;
import io.basalt.partition.encoding.StoredItem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * A BatchGetItem's point reads grouped by partition, in the order each partition first appears (docs/design/
 * cluster.md §12.4): one group per partition, all groups in one call of the {@link PartitionClient} (one
 * {@code BATCH_READ} frame per serving node once partitions live on several nodes), and the answers put back in
 * request order. A group the client could not reach comes back as null (a routed client, §12.3): its keys are
 * reported unreached, for {@code UnprocessedKeys}.
 */
final class BatchGets {
    private BatchGets() {
    }

    static List<TableReads> read(List<TableKeys> reads, PartitionClient partitions,
            BiFunction<TableMetadata, byte[], PartitionId> router) {
        Map<PartitionId, Group> groups = new LinkedHashMap<>();
        for (int t = 0; t < reads.size(); t++) {
            TableKeys read = reads.get(t);
            for (int k = 0; k < read.keys().size(); k++) {
                byte[] itemKey = KeyLayout.itemKey(read.table().id(), KeyLayout.BASE_TABLE_INDEX,
                        read.table().keySchema(), read.keys().get(k));
                groups.computeIfAbsent(router.apply(read.table(), itemKey), partition -> new Group(read.consistent()))
                        .add(t, k, itemKey);
            }
        }
        List<PartitionClient.KeyGroup> requested = new ArrayList<>(groups.size());
        groups.forEach((partition, group) -> requested.add(new PartitionClient.KeyGroup(partition, group.itemKeys,
                group.consistent)));
        List<List<StoredItem>> found = partitions.getBatch(requested);
        List<StoredItem[]> byTable = new ArrayList<>(reads.size());
        List<Set<Integer>> unreached = new ArrayList<>(reads.size());
        for (TableKeys read : reads) {
            byTable.add(new StoredItem[read.keys().size()]);
            unreached.add(Set.of());
        }
        int g = 0;
        for (Group group : groups.values()) {
            List<StoredItem> items = found.get(g++);
            for (int i = 0; i < group.itemKeys.size(); i++) {
                int table = group.tables.get(i);
                if (items == null) {
                    if (unreached.get(table).isEmpty()) {
                        unreached.set(table, new HashSet<>());
                    }
                    unreached.get(table).add(group.positions.get(i));
                } else {
                    byTable.get(table)[group.positions.get(i)] = items.get(i);
                }
            }
        }
        List<TableReads> results = new ArrayList<>(reads.size());
        for (int t = 0; t < reads.size(); t++) {
            results.add(new TableReads(Collections.unmodifiableList(Arrays.asList(byTable.get(t))),
                    unreached.get(t)));
        }
        return results;
    }

    /** One partition's share, with where each key came from. */
    private static final class Group {
        private final boolean consistent;
        private final List<byte[]> itemKeys = new ArrayList<>();
        private final List<Integer> tables = new ArrayList<>();
        private final List<Integer> positions = new ArrayList<>();

        Group(boolean consistent) {
            this.consistent = consistent;
        }

        void add(int table, int position, byte[] itemKey) {
            tables.add(table);
            positions.add(position);
            itemKeys.add(itemKey);
        }
    }
}
