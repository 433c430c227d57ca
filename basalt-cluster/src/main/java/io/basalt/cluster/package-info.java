/**
 * What spans partitions: the catalog of tables and their lifecycle, the partition map and router, and the
 * {@link io.basalt.cluster.BasaltNode} facade through which the server reaches tables and items. On a single node
 * every partition is local; the cluster will put the same partitions behind Raft groups on other nodes.
 */
package io.basalt.cluster;
