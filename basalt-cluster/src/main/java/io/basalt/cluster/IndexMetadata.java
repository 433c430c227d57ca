package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.model.SecondaryIndex;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A secondary index of a table, as persisted in the catalog: its schema, its own provisioned throughput (global
 * indexes of provisioned tables; {@link ProvisionedThroughput#NONE} otherwise) and its lifecycle.
 *
 * @param pendingStatus CREATING or UPDATING: what a STEADY index reports before {@code readyAt}, like a table
 */
public record IndexMetadata(SecondaryIndex index, ProvisionedThroughput throughput, IndexPhase phase,
        TableStatus pendingStatus, Instant readyAt) {
    public IndexMetadata {
        requireNonNull(index, "index is null");
        requireNonNull(throughput, "throughput is null");
        requireNonNull(phase, "phase is null");
        requireNonNull(pendingStatus, "pendingStatus is null");
        readyAt = requireNonNull(readyAt, "readyAt is null").truncatedTo(ChronoUnit.MILLIS);
    }

    public String name() {
        return index.name();
    }

    public int id() {
        return index.id();
    }

    public boolean global() {
        return index.global();
    }

    /** The {@code IndexStatus} DynamoDB reports at {@code now}. */
    public TableStatus status(Instant now) {
        return switch (phase) {
            case DELETING -> TableStatus.DELETING;
            case BACKFILLING -> TableStatus.CREATING;
            case STEADY -> now.isBefore(readyAt) ? pendingStatus : TableStatus.ACTIVE;
        };
    }

    /** Whether reads may use the index: DynamoDB refuses queries on an index that is still being built or dropped. */
    public boolean readable() {
        return phase == IndexPhase.STEADY;
    }

    public IndexMetadata withPhase(IndexPhase newPhase) {
        return new IndexMetadata(index, throughput, newPhase, pendingStatus, readyAt);
    }

    public IndexMetadata withThroughput(ProvisionedThroughput newThroughput, Instant newReadyAt) {
        return new IndexMetadata(index, newThroughput, phase, TableStatus.UPDATING, newReadyAt);
    }
}
