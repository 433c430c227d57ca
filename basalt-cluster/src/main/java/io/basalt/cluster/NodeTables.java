package io.basalt.cluster;

import io.basalt.partition.PartitionMap;
import java.util.List;
import java.util.Optional;

/**
 * A node's tables: their commands, catalog, partition map, statistics and global index settings. {@link BasaltNode}
 * keeps the data plane and reaches tables only through this seam, whose two forms are the single node's
 * ({@link LocalTables}: its own metadata state machine, partitions and propagators over the local log) and a
 * cluster node's ({@link ClusterTables}: the metadata group through the {@link ControlPlane}, partitions in the data
 * groups, docs/design/cluster.md §11). Thread-safe.
 */
interface NodeTables {
    /** @throws io.basalt.model.BasaltException ResourceInUseException when a table of that name exists */
    TableMetadata createTable(TableDefinition definition);

    /** The table of that name (internal tables included). */
    Optional<TableMetadata> tryGetTable(String name);

    /** Up to {@code limit} client table names after {@code exclusiveStart} (null: from the first), in name order. */
    List<String> tableNamesAfter(String exclusiveStart, int limit);

    /** See {@link BasaltNode#updateTable}. */
    TableMetadata updateTable(String name, TableChange change);

    /** See {@link BasaltNode#deleteTable}. */
    TableMetadata deleteTable(TableMetadata table);

    /** Whether table {@code tableId} is live: started on one node, in the partition map of a cluster node. */
    boolean isLive(long tableId);

    /** Which partition holds which hashes of every table and global index (docs/design/cluster.md §4.2). */
    PartitionMap partitionMap();

    /** The item count and size of a table. */
    TableStatistics statistics(TableMetadata table);

    /** The item count and size of one secondary index of {@code table}. */
    TableStatistics indexStatistics(TableMetadata table, IndexMetadata index);

    /** How far a global index is behind its table. */
    IndexLag globalIndexLag(TableMetadata table, IndexMetadata index);

    /** Changes how global indexes follow writes, from the next write on. */
    void setGlobalIndexPropagation(GlobalIndexPropagation propagation);

    GlobalIndexPropagation globalIndexPropagation();

    /** Stops the tables' work (called once, after the node's transaction work stopped). */
    void close();
}
