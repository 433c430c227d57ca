package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.model.AttributeValues;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

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
        int partitionCount) {

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
        if (partitionCount < 1) {
            throw new IllegalArgumentException("partitionCount must be positive: " + partitionCount);
        }
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
                newTags, partitionCount);
    }

    /** The table after an UpdateTable: UPDATING until {@code readyAt}. */
    public TableMetadata updated(BillingMode newBillingMode, ProvisionedThroughput newThroughput,
            Instant newLastUpdateToPayPerRequest, boolean newDeletionProtection, TableClass newTableClass,
            Instant newReadyAt) {
        return new TableMetadata(name, id, tableId, keySchema, attributeDefinitions, newBillingMode, newThroughput,
                creationTime, newLastUpdateToPayPerRequest, TableStatus.UPDATING, newReadyAt, newDeletionProtection,
                newTableClass, tags, partitionCount);
    }
}
