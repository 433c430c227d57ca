package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.model.SecondaryIndex;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionMap;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * A secondary index of a table, as persisted in the catalog: its schema, its own provisioned throughput (global
 * indexes of provisioned tables; {@link ProvisionedThroughput#NONE} otherwise) and its lifecycle.
 *
 * @param pendingStatus CREATING or UPDATING: what a STEADY index reports before {@code readyAt}, like a table
 * @param partitions a global index's partitions in hash order, covering the hash space of the index partition
 *     key (docs/design/cluster.md §15): each with {@code indexId} = the index's id. Empty for a local index (its
 *     entries live in the table's partitions), and for a global index only while a change that adds it is on its
 *     way to the metadata state machine, which refuses it without partitions.
 */
public record IndexMetadata(SecondaryIndex index, ProvisionedThroughput throughput, IndexPhase phase,
        TableStatus pendingStatus, Instant readyAt, List<PartitionDescriptor> partitions) {
    public IndexMetadata {
        requireNonNull(index, "index is null");
        requireNonNull(throughput, "throughput is null");
        requireNonNull(phase, "phase is null");
        requireNonNull(pendingStatus, "pendingStatus is null");
        readyAt = requireNonNull(readyAt, "readyAt is null").truncatedTo(ChronoUnit.MILLIS);
        partitions = List.copyOf(partitions);
        if (!partitions.isEmpty()) {
            if (!index.global()) {
                throw new IllegalArgumentException("local index " + index.name() + " has partitions");
            }
            PartitionMap.checkCoverage(partitions);
            if (partitions.get(0).indexId() != index.id()) {
                throw new IllegalArgumentException("partition " + partitions.get(0) + " is not one of index "
                        + index.id());
            }
        }
    }

    /** An index without partitions of its own: a local index, or a global one before its partitions are given. */
    public IndexMetadata(SecondaryIndex index, ProvisionedThroughput throughput, IndexPhase phase,
            TableStatus pendingStatus, Instant readyAt) {
        this(index, throughput, phase, pendingStatus, readyAt, List.of());
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
        return new IndexMetadata(index, throughput, newPhase, pendingStatus, readyAt, partitions);
    }

    public IndexMetadata withThroughput(ProvisionedThroughput newThroughput, Instant newReadyAt) {
        return new IndexMetadata(index, newThroughput, phase, TableStatus.UPDATING, newReadyAt, partitions);
    }

    /** The index with its own provisioned throughput replaced and nothing else changed. */
    public IndexMetadata withThroughputOnly(ProvisionedThroughput newThroughput) {
        return new IndexMetadata(index, newThroughput, phase, pendingStatus, readyAt, partitions);
    }

    /** The index, STEADY from now and reporting CREATING until {@code newReadyAt}: its backfill has finished. */
    public IndexMetadata backfilled(Instant newReadyAt) {
        return new IndexMetadata(index, throughput, IndexPhase.STEADY, TableStatus.CREATING, newReadyAt, partitions);
    }

    /** The global index with its partitions given ({@link #partitions}). */
    public IndexMetadata withPartitions(List<PartitionDescriptor> newPartitions) {
        return new IndexMetadata(index, throughput, phase, pendingStatus, readyAt, newPartitions);
    }
}
