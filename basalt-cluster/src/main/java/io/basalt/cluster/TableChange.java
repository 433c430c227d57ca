package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.model.AttributeValues;
import io.basalt.model.KeyAttribute;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One change of a table's metadata, as data (docs/design/cluster.md §11): what an UpdateTable, TagResource or
 * UntagResource asks, or a global index's lifecycle step. It replaces the validation lambdas the server used to run
 * under the node's lock (REVIEW problem 7): the metadata state machine evaluates a change against the current
 * table on its control sequencer and logs the result; a change can be encoded ({@link MetaCommandCodec}) and sent
 * to the metadata leader.
 *
 * <p>Changes the server computes from the table it read ({@link Replace}, {@link AddGlobalIndex},
 * {@link StartIndexDrop}) carry that table as {@code expected}: they apply only if the table is still exactly that,
 * else they fail with {@link TableChangedException} and the server reads the table again, checks the request
 * against it again (DynamoDB's checks and texts stay in the server) and retries. That is the lock the lambdas
 * held, made optimistic.
 */
public sealed interface TableChange {
    /**
     * Replaces the table's metadata with {@code updated} (throughput, billing mode, deletion protection, table class,
     * index throughput: everything UpdateTable changes but index creation and deletion).
     */
    record Replace(TableMetadata expected, TableMetadata updated) implements TableChange {
        public Replace {
            requireNonNull(expected, "expected is null");
            requireNonNull(updated, "updated is null");
            sameTable(expected, updated);
        }
    }

    /**
     * Adds a global secondary index, which starts BACKFILLING (the node then fills it).
     *
     * @param updated the table with the index added and its key attributes defined
     * @param indexId the new index's id
     */
    record AddGlobalIndex(TableMetadata expected, TableMetadata updated, int indexId) implements TableChange {
        public AddGlobalIndex {
            requireNonNull(expected, "expected is null");
            requireNonNull(updated, "updated is null");
            sameTable(expected, updated);
            if (updated.indexes().stream().noneMatch(index -> index.id() == indexId && index.global()
                    && index.phase() == IndexPhase.BACKFILLING)) {
                throw new IllegalArgumentException("the updated table has no backfilling global index " + indexId);
            }
        }

        /**
         * The change adding {@code index} to {@code table} at {@code createdAt}, with the table's attribute
         * definitions after the change.
         */
        public static AddGlobalIndex of(TableMetadata table, IndexDefinition index,
                List<KeyAttribute> attributeDefinitions, Instant createdAt) {
            List<IndexMetadata> indexes = new ArrayList<>(table.indexes());
            int id = table.nextIndexId();
            indexes.add(new IndexMetadata(index.withId(id), index.throughput(), IndexPhase.BACKFILLING,
                    TableStatus.CREATING, createdAt));
            return new AddGlobalIndex(table, table.withIndexes(indexes, id + 1)
                    .withAttributeDefinitions(attributeDefinitions), id);
        }

        /** The new index's partitions, which the node allocates before the change goes to the metadata group. */
        public List<PartitionDescriptor> indexPartitions() {
            return updated.indexes().stream().filter(index -> index.id() == indexId).findFirst().orElseThrow()
                    .partitions();
        }

        /** The change with the new index given {@code partitions} (docs/design/cluster.md §15). */
        public AddGlobalIndex withIndexPartitions(List<PartitionDescriptor> partitions) {
            return new AddGlobalIndex(expected, updated.withIndex(updated.indexes().stream()
                    .filter(index -> index.id() == indexId).findFirst().orElseThrow().name(),
                    index -> index.withPartitions(partitions)), indexId);
        }
    }

    /** Starts dropping a global secondary index: DELETING, no longer maintained or readable. */
    record StartIndexDrop(TableMetadata expected, TableMetadata updated, int indexId) implements TableChange {
        public StartIndexDrop {
            requireNonNull(expected, "expected is null");
            requireNonNull(updated, "updated is null");
            sameTable(expected, updated);
        }

        /** The change dropping the index named {@code indexName} of {@code table}. */
        public static StartIndexDrop of(TableMetadata table, String indexName) {
            IndexMetadata index = table.index(indexName)
                    .orElseThrow(() -> new IllegalArgumentException("no index " + indexName));
            return new StartIndexDrop(table, table.withIndex(indexName, i -> i.withPhase(IndexPhase.DELETING)),
                    index.id());
        }
    }

    /**
     * TagResource: adds tags, replacing the values of keys the table has. More than
     * {@link io.basalt.model.Limits#MAX_TAGS_PER_RESOURCE} tags afterwards is refused.
     */
    record AddTags(Map<String, String> tags) implements TableChange {
        public AddTags {
            tags = AttributeValues.immutableOrderedMap(requireNonNull(tags, "tags is null"));
        }
    }

    /** UntagResource: removes tag keys (absent ones are fine). */
    record RemoveTags(List<String> keys) implements TableChange {
        public RemoveTags {
            keys = List.copyOf(keys);
        }
    }

    /**
     * Every partition has filled the index: it becomes STEADY and reports CREATING until {@code readyAt}. Nothing
     * changes when the table (by id) or a backfilling index of that id is gone.
     */
    record IndexBackfilled(long tableId, int indexId, Instant readyAt) implements TableChange {
        public IndexBackfilled {
            requireNonNull(readyAt, "readyAt is null");
        }
    }

    /**
     * A dropped index's data is gone: the index leaves the table, with the attribute definitions no key uses any
     * more. Nothing changes when the table (by id) is gone.
     */
    record IndexDropped(long tableId, int indexId) implements TableChange {
    }

    /**
     * A cluster's report (docs/design/cluster.md §15, "GSIs on a cluster"): base partition {@code partition} of table
     * {@code tableId} has backfilled global index {@code indexId}. Never logged: the metadata group's leader gathers
     * the reports in memory ({@link MetadataGroup}) and logs {@link IndexBackfilled} once every partition of the
     * table has reported; the partitions' leaders report again every second while the index is BACKFILLING, so a new
     * metadata leader hears them all again.
     */
    record PartitionBackfilled(long tableId, int indexId, PartitionId partition) implements TableChange {
        public PartitionBackfilled {
            requireNonNull(partition, "partition is null");
        }
    }

    /**
     * A cluster's report: global index partition {@code partition} of index {@code indexId} has removed its data
     * through its own log. Gathered like {@link PartitionBackfilled}; the last one makes the leader log
     * {@link IndexDropped}.
     */
    record IndexPartitionDropped(long tableId, int indexId, PartitionId partition) implements TableChange {
        public IndexPartitionDropped {
            requireNonNull(partition, "partition is null");
        }
    }

    private static void sameTable(TableMetadata expected, TableMetadata updated) {
        if (expected.id() != updated.id() || !expected.name().equals(updated.name())) {
            throw new IllegalArgumentException("a change must keep the table's name and id");
        }
    }
}
