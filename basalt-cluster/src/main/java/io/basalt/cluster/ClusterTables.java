package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.rpc.RpcRequest;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionMap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A cluster node's tables (docs/design/cluster.md §11–§12): table commands and the catalog through the {@link
 * ControlPlane} (the metadata group), the partition map following the catalog's descriptors, and the global index
 * work of the node's data groups ({@link GroupGlobalIndexes}). Nothing here owns storage: closing leaves the control
 * plane and the node's partitions open.
 */
final class ClusterTables implements NodeTables {
    private final ControlPlane control;
    private final ClusterPartitions cluster;
    private final NodeConfig config;
    /** The cluster-wide figures (null: this node's own replicas and propagators only, as before s18). */
    private final ClusterFigures figures;
    /** Every table's and global index's descriptors, swapped whole after each metadata entry (cluster.md §4.2). */
    private volatile PartitionMap partitionMap = PartitionMap.empty();

    ClusterTables(ControlPlane control, ClusterPartitions cluster, NodeConfig config, ClusterFigures figures) {
        this.figures = figures;
        this.control = requireNonNull(control, "control is null");
        this.cluster = requireNonNull(cluster, "cluster is null");
        this.config = requireNonNull(config, "config is null");
        control.addChangeListener(this::followCatalog);
        followCatalog();
    }

    /**
     * A cluster node's partition map follows its catalog: every table's and global index's descriptors (cluster.md
     * §4.2), swapped whole after each metadata entry this node applies.
     */
    private void followCatalog() {
        List<PartitionDescriptor> descriptors = new ArrayList<>();
        for (TableMetadata table : control.tables()) {
            descriptors.addAll(table.partitions());
            descriptors.addAll(table.indexPartitions());
        }
        partitionMap = PartitionMap.of(descriptors);
    }

    /**
     * Makes sure the cluster's internal ledger table exists (docs/design/cluster.md §14): see {@link
     * BasaltNode#createLedgerTable}.
     */
    TableMetadata createLedgerTable(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (true) {
            Optional<TableMetadata> existing = control.tryGetTable(InternalTables.LEDGER);
            if (existing.isPresent()) {
                return existing.get();
            }
            try {
                return control.createTable(InternalTables.ledgerDefinition(), Duration.ZERO);
            } catch (RuntimeException e) {
                // ResourceInUse: another node created it, this node's catalog shows it next; else no leader yet.
                last = e;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the metadata group had no leader to create the ledger table within "
                        + timeout, last);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating the ledger table", e);
            }
        }
    }

    /** The ledger table's id, or -1 before it exists. */
    long ledgerTableId() {
        return control.tryGetTable(InternalTables.LEDGER).map(TableMetadata::id).orElse(-1L);
    }

    @Override
    public TableMetadata createTable(TableDefinition definition) {
        return control.createTable(definition, config.tableCreationDelay());
    }

    @Override
    public Optional<TableMetadata> tryGetTable(String name) {
        return control.tryGetTable(name);
    }

    @Override
    public List<String> tableNamesAfter(String exclusiveStart, int limit) {
        return control.tableNamesAfter(exclusiveStart, limit);
    }

    @Override
    public TableMetadata updateTable(String name, TableChange change) {
        return control.updateTable(name, change);
    }

    @Override
    public TableMetadata deleteTable(TableMetadata table) {
        // The tables' groups drop its partitions through their own logs once their leaders see it gone.
        return control.deleteTable(table);
    }

    @Override
    public boolean isLive(long tableId) {
        return partitionMap.tryGetRanges(tableId, KeyLayout.BASE_TABLE_INDEX).isPresent();
    }

    @Override
    public PartitionMap partitionMap() {
        return partitionMap;
    }

    @Override
    public TableStatistics statistics(TableMetadata table) {
        if (figures == null) {
            return DurableStatistics.table(table, this::durable);
        }
        List<RpcRequest.StatisticsKey> keys = new ArrayList<>();
        table.partitions().forEach(partition -> keys.add(recordKey(table, partition)));
        return sum(figures.statistics(keys));
    }

    @Override
    public TableStatistics indexStatistics(TableMetadata table, IndexMetadata index) {
        if (figures == null) {
            return DurableStatistics.index(table, index, this::durable);
        }
        List<RpcRequest.StatisticsKey> keys = new ArrayList<>();
        if (index.global()) {
            index.partitions().forEach(partition -> keys.add(recordKey(table, partition)));
        } else {
            table.partitions().forEach(partition -> keys.add(new RpcRequest.StatisticsKey(partition.groupId(),
                    table.id(), partition.id(), index.id())));
        }
        return sum(figures.statistics(keys));
    }

    private static RpcRequest.StatisticsKey recordKey(TableMetadata table, PartitionDescriptor partition) {
        return new RpcRequest.StatisticsKey(partition.groupId(), table.id(), partition.id(),
                KeyLayout.BASE_TABLE_INDEX);
    }

    /** The sum of what was read; a record no replica answered counts as empty (a group without a leader now). */
    private static TableStatistics sum(List<TableStatistics> read) {
        long items = 0;
        long bytes = 0;
        for (TableStatistics one : read) {
            if (one != null) {
                items += one.itemCount();
                bytes += one.sizeBytes();
            }
        }
        return new TableStatistics(items, bytes);
    }

    /**
     * A statistics key of {@code partition} from this node's replica of the partition's group once it has applied
     * every write acknowledged before (all nodes hold every group with up to three nodes; a group this node holds no
     * member of, or that has no leader now, counts as empty, cluster.md §20 step 12).
     */
    private byte[] durable(PartitionDescriptor partition, byte[] key) {
        try {
            // Live, as on one node (compatibility.md): the replica first applies what was acknowledged before.
            return cluster.readReplica(partition.groupId(), reader -> reader.get(key));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** How far a global index is behind its table: every node's propagators (without figures: this node's). */
    @Override
    public IndexLag globalIndexLag(TableMetadata table, IndexMetadata index) {
        if (!index.global()) {
            return IndexLag.NONE;
        }
        return figures == null ? cluster.globalIndexes().lag(table, index) : figures.lag(table, index);
    }

    /** Changes how global indexes follow writes on every node (without figures: this node's), from the next write. */
    @Override
    public void setGlobalIndexPropagation(GlobalIndexPropagation propagation) {
        if (figures == null) {
            cluster.globalIndexes().setPropagation(propagation);
        } else {
            figures.setPropagation(propagation);
        }
    }

    @Override
    public GlobalIndexPropagation globalIndexPropagation() {
        return cluster.globalIndexes().propagation();
    }

    @Override
    public void close() {
        cluster.globalIndexes().unbind();
    }
}
