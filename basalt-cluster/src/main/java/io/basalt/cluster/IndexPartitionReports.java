package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.PartitionId;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reports a cluster node's partition leaders owe the metadata leader (docs/design/cluster.md §15, "GSIs on a
 * cluster"): {@link TableChange.PartitionBackfilled} once a base partition has backfilled an index,
 * {@link TableChange.IndexPartitionDropped} once an index partition has removed its data. Each is sent through the
 * control plane (to the metadata leader, from any node) at once and again at every {@link #resendAll} until this
 * node's catalog shows the index past that phase: the leader gathers them in memory ({@link MetadataGroup}), so a
 * new leader, or a report lost in flight, is covered by the next resend.
 *
 * <p>Thread-safe; sends (which wait for the metadata leader) run on one thread of their own.
 */
final class IndexPartitionReports {
    private static final Logger LOG = LoggerFactory.getLogger(IndexPartitionReports.class);

    private final MetadataGroup metadata;
    private final ExecutorService sender;
    /** Reports made and not yet seen through in the catalog. */
    private final Set<Report> pending = ConcurrentHashMap.newKeySet();
    /**
     * Reports queued or being sent: a resend skips them, so that a metadata group without a leader (each send then
     * waits out the routing deadline) does not pile up sends.
     */
    private final Set<Report> queued = ConcurrentHashMap.newKeySet();
    private volatile ControlPlane control;

    private record Report(String tableName, TableChange change) {
    }

    IndexPartitionReports(MetadataGroup metadata, ExecutorService sender) {
        this.metadata = requireNonNull(metadata, "metadata is null");
        this.sender = requireNonNull(sender, "sender is null");
    }

    /** The control plane reports go through (null: none yet, or the serving side is closing). */
    void bind(ControlPlane controlPlane) {
        this.control = controlPlane;
    }

    /** Reports that base partition {@code partition} of {@code table} has backfilled index {@code indexId}. */
    void backfilled(TableMetadata table, int indexId, PartitionId partition) {
        report(new Report(table.name(), new TableChange.PartitionBackfilled(table.id(), indexId, partition)));
    }

    /** Reports that index partition {@code partition} of index {@code indexId} has removed its data. */
    void dropped(TableMetadata table, int indexId, PartitionId partition) {
        report(new Report(table.name(), new TableChange.IndexPartitionDropped(table.id(), indexId, partition)));
    }

    /** Sends every report the catalog has not seen through yet again. */
    void resendAll() {
        for (Report report : pending) {
            execute(report);
        }
    }

    private void report(Report report) {
        pending.add(report);
        execute(report);
    }

    private void execute(Report report) {
        if (!queued.add(report)) {
            return;
        }
        try {
            sender.execute(() -> {
                try {
                    send(report);
                } finally {
                    queued.remove(report);
                }
            });
        } catch (RejectedExecutionException closing) {
            // Closing: the partition's next leader reports it.
            queued.remove(report);
        }
    }

    /** Sends a report to the metadata leader unless the catalog has moved on (then forgets it). */
    private void send(Report report) {
        if (!stillNeeded(report)) {
            pending.remove(report);
            return;
        }
        ControlPlane current = control;
        if (current == null) {
            return;
        }
        try {
            current.updateTable(report.tableName(), report.change());
        } catch (RuntimeException e) {
            LOG.debug("Reporting {} to the metadata leader failed; sent again", report.change(), e);
        }
    }

    private boolean stillNeeded(Report report) {
        if (!metadata.isOpen()) {
            return true;
        }
        long tableId;
        int indexId;
        IndexPhase awaited;
        if (report.change() instanceof TableChange.PartitionBackfilled backfilled) {
            tableId = backfilled.tableId();
            indexId = backfilled.indexId();
            awaited = IndexPhase.BACKFILLING;
        } else {
            TableChange.IndexPartitionDropped dropped = (TableChange.IndexPartitionDropped) report.change();
            tableId = dropped.tableId();
            indexId = dropped.indexId();
            awaited = IndexPhase.DELETING;
        }
        return metadata.tryGetTable(tableId).flatMap(table -> table.indexes().stream()
                .filter(index -> index.id() == indexId).findFirst())
                .map(index -> index.phase() == awaited).orElse(false);
    }
}
