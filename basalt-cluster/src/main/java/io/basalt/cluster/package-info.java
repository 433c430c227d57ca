/**
 * What spans partitions: the catalog of tables and their lifecycle, the partition map, and the
 * {@link io.basalt.cluster.BasaltNode} facade through which the server reaches tables and items. On a single node
 * every partition is local; in a cluster a {@link io.basalt.cluster.PartitionRouting} puts the routed client of
 * {@code io.basalt.cluster.routing} between the node and its partitions. Catalog
 * changes are {@link io.basalt.cluster.MetaCommand}s evaluated by the metadata state machine and logged as metadata
 * entries; the catalog is a read cache of what was applied (docs/design/cluster.md §11).
 */
package io.basalt.cluster;
