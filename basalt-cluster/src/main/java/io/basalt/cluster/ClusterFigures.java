package io.basalt.cluster;

import io.basalt.cluster.rpc.RpcRequest;
import java.util.List;

/**
 * The figures a cluster node answers for the whole cluster (docs/design/cluster.md, "s18 statistics and index
 * settings"): statistics records of every partition, wherever its group's members are; the lag of every node's
 * global index propagators; and the global index propagation setting, applied on every node. The node package's
 * {@code ClusterFiguresService} implements it over the internal RPC ({@code NODE_FIGURES} frames). Thread-safe.
 */
public interface ClusterFigures {
    /**
     * Statistics records, each read from a replica of its group once that replica has applied every write
     * acknowledged before: this node's own when it holds a member of the group, else one node's that does (one
     * frame per node asked).
     *
     * @return one entry per key, in order; null where no replica could be read in time (a group without a leader,
     *     a node down)
     */
    List<TableStatistics> statistics(List<RpcRequest.StatisticsKey> keys);

    /** How far a global index is behind its table, summed over every node's propagators (nodes not answering: 0). */
    IndexLag lag(TableMetadata table, IndexMetadata index);

    /** Sets how global indexes follow writes on this node and every other node it reaches. */
    void setPropagation(GlobalIndexPropagation propagation);
}
