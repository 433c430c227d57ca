/**
 * Routing a partition call to the node that serves it (docs/design/cluster.md §12.3, §12.4): the {@link
 * io.basalt.cluster.routing.Router} with its leader-hint cache and retry table, the {@link
 * io.basalt.cluster.routing.ClusterView} it reads groups and members from (the metadata group's map once it
 * exists; tests fill it in until then), the serving side's {@link io.basalt.cluster.routing.ViewServingGuard}, and
 * {@link io.basalt.cluster.routing.RoutedPartitionClient}, the {@code PartitionClient} of a node in a cluster,
 * which fans batches out per serving node.
 */
package io.basalt.cluster.routing;
