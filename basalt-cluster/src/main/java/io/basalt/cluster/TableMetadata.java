package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.model.AttributeValues;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.SecondaryIndex;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionMap;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Everything Basalt knows about a table, as persisted in the catalog.
 *
 * <p>Transitional states are stored as the instant they end ({@code readyAt}), so the status is a function of
 * the clock: a table is CREATING or UPDATING until then, ACTIVE afterwards. This keeps the lifecycle that SDK
 * waiters poll for without background tasks, and it follows a test's controllable clock.
 *
 * @param id the internal id used in storage keys; never reused
 * @param tableId the UUID DynamoDB reports as {@code TableId}
 * @param lastUpdateToPayPerRequest null when the table never switched to on-demand
 * @param readyAt when the current CREATING or UPDATING phase ends
 * @param pendingStatus CREATING or UPDATING: what the table reports before {@code readyAt}
 * @param tableClass null when the client never chose one (DynamoDB then reports no TableClassSummary; the table
 *     is STANDARD)
 * @param indexes the secondary indexes, local and global, in the order they were defined or added
 * @param nextIndexId the id the next index will get (index ids are never reused within a table)
 * @param partitions the table's partitions in hash order, covering the hash space without gap or overlap (the
 *     table's slice of the partition map; docs/design/cluster.md §4.2)
 */
public record TableMetadata(
        String name,
        long id,
        String tableId,
        KeySchema keySchema,
        List<KeyAttribute> attributeDefinitions,
        BillingMode billingMode,
        ProvisionedThroughput throughput,
        Instant creationTime,
        Instant lastUpdateToPayPerRequest,
        TableStatus pendingStatus,
        Instant readyAt,
        boolean deletionProtection,
        TableClass tableClass,
        Map<String, String> tags,
        List<PartitionDescriptor> partitions,
        List<IndexMetadata> indexes,
        int nextIndexId) {

    public TableMetadata {
        requireNonNull(name, "name is null");
        requireNonNull(tableId, "tableId is null");
        requireNonNull(keySchema, "keySchema is null");
        attributeDefinitions = List.copyOf(attributeDefinitions);
        requireNonNull(billingMode, "billingMode is null");
        requireNonNull(throughput, "throughput is null");
        requireNonNull(creationTime, "creationTime is null");
        requireNonNull(pendingStatus, "pendingStatus is null");
        requireNonNull(readyAt, "readyAt is null");
        // The catalog stores instants in epoch milliseconds; holding more precision in memory would make a table
        // describe itself differently before and after a restart.
        creationTime = creationTime.truncatedTo(ChronoUnit.MILLIS);
        lastUpdateToPayPerRequest = lastUpdateToPayPerRequest == null ? null
                : lastUpdateToPayPerRequest.truncatedTo(ChronoUnit.MILLIS);
        readyAt = readyAt.truncatedTo(ChronoUnit.MILLIS);
        tags = AttributeValues.immutableOrderedMap(tags);
        partitions = List.copyOf(partitions);
        PartitionMap.checkCoverage(partitions);
        for (PartitionDescriptor partition : partitions) {
            if (partition.tableId() != id || partition.indexId() != KeyLayout.BASE_TABLE_INDEX) {
                throw new IllegalArgumentException("partition " + partition + " is not one of table " + id);
            }
        }
        indexes = List.copyOf(indexes);
        for (IndexMetadata index : indexes) {
            if (index.id() >= nextIndexId) {
                throw new IllegalArgumentException("index id " + index.id() + " not below nextIndexId " + nextIndexId);
            }
            if (!index.partitions().isEmpty() && index.partitions().get(0).tableId() != id) {
                throw new IllegalArgumentException("partition " + index.partitions().get(0) + " of index "
                        + index.name() + " is not one of table " + id);
            }
        }
    }

    /** How many partitions hold the table's items. */
    public int partitionCount() {
        return partitions.size();
    }

    /**
     * Every partition of the table's global indexes (docs/design/cluster.md §15), index by index in definition
     * order, each index's in hash order.
     */
    public List<PartitionDescriptor> indexPartitions() {
        List<PartitionDescriptor> all = new ArrayList<>();
        for (IndexMetadata index : indexes) {
            all.addAll(index.partitions());
        }
        return all;
    }

    /** The index of that name, in any phase. */
    public Optional<IndexMetadata> index(String indexName) {
        for (IndexMetadata index : indexes) {
            if (index.name().equals(indexName)) {
                return Optional.of(index);
            }
        }
        return Optional.empty();
    }

    /** The indexes writes must maintain: every index but those being dropped. */
    public List<SecondaryIndex> maintainedIndexes() {
        List<SecondaryIndex> maintained = new ArrayList<>(indexes.size());
        for (IndexMetadata index : indexes) {
            if (index.phase() != IndexPhase.DELETING) {
                maintained.add(index.index());
            }
        }
        return maintained;
    }

    public List<IndexMetadata> localIndexes() {
        return indexes.stream().filter(index -> !index.global()).toList();
    }

    public List<IndexMetadata> globalIndexes() {
        return indexes.stream().filter(IndexMetadata::global).toList();
    }

    /** The table with its index list replaced; {@code newNextIndexId} must exceed every index id ever used. */
    public TableMetadata withIndexes(List<IndexMetadata> newIndexes, int newNextIndexId) {
        return new TableMetadata(name, id, tableId, keySchema, attributeDefinitions, billingMode, throughput,
                creationTime, lastUpdateToPayPerRequest, pendingStatus, readyAt, deletionProtection, tableClass, tags,
                partitions, newIndexes, newNextIndexId);
    }

    /** The table with one index replaced by {@code change} applied to it. */
    public TableMetadata withIndex(String indexName, UnaryOperator<IndexMetadata> change) {
        List<IndexMetadata> changed = new ArrayList<>(indexes.size());
        for (IndexMetadata index : indexes) {
            changed.add(index.name().equals(indexName) ? change.apply(index) : index);
        }
        return withIndexes(changed, nextIndexId);
    }

    /** The table with its attribute definitions replaced (UpdateTable defines the keys of a new index). */
    public TableMetadata withAttributeDefinitions(List<KeyAttribute> definitions) {
        return new TableMetadata(name, id, tableId, keySchema, definitions, billingMode, throughput, creationTime,
                lastUpdateToPayPerRequest, pendingStatus, readyAt, deletionProtection, tableClass, tags,
                partitions, indexes, nextIndexId);
    }

    public TableStatus status(Instant now) {
        return now.isBefore(readyAt) ? pendingStatus : TableStatus.ACTIVE;
    }

    public String arn(String region, String accountId) {
        return "arn:aws:dynamodb:" + region + ":" + accountId + ":table/" + name;
    }

    public TableMetadata withTags(Map<String, String> newTags) {
        return new TableMetadata(name, id, tableId, keySchema, attributeDefinitions, billingMode, throughput,
                creationTime, lastUpdateToPayPerRequest, pendingStatus, readyAt, deletionProtection, tableClass,
                newTags, partitions, indexes, nextIndexId);
    }

    /** The table after an UpdateTable: UPDATING until {@code readyAt}. */
    public TableMetadata updated(BillingMode newBillingMode, ProvisionedThroughput newThroughput,
            Instant newLastUpdateToPayPerRequest, boolean newDeletionProtection, TableClass newTableClass,
            Instant newReadyAt) {
        return new TableMetadata(name, id, tableId, keySchema, attributeDefinitions, newBillingMode, newThroughput,
                creationTime, newLastUpdateToPayPerRequest, TableStatus.UPDATING, newReadyAt, newDeletionProtection,
                newTableClass, tags, partitions, indexes, nextIndexId);
    }
}
