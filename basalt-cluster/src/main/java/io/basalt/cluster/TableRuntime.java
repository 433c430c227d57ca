package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.PartitionIndexes;
import io.basalt.partition.PartitionRanges;
import io.basalt.replication.PartitionLeader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A live table: its partitions' leaders, each with the propagator that feeds its share of the global secondary
 * indexes, and the table's slice of the partition map that routes a hash to its partition. Leaders and
 * propagators are in the map's hash order, so a partition's position in the slice is its position here.
 */
final class TableRuntime {
    private final long tableId;
    private final PartitionRanges ranges;
    private final List<PartitionLeader> partitions;
    private final List<GlobalIndexPropagator> propagators;
    private volatile boolean globalIndexes;

    TableRuntime(long tableId, PartitionRanges ranges, List<PartitionLeader> partitions,
            List<GlobalIndexPropagator> propagators) {
        this.tableId = tableId;
        this.ranges = requireNonNull(ranges, "ranges is null");
        this.partitions = List.copyOf(requireNonNull(partitions, "partitions is null"));
        this.propagators = List.copyOf(requireNonNull(propagators, "propagators is null"));
        if (this.partitions.size() != this.propagators.size() || this.partitions.size() != ranges.size()) {
            throw new IllegalArgumentException("one leader and one propagator per partition");
        }
        for (int i = 0; i < ranges.size(); i++) {
            if (!this.partitions.get(i).id().equals(ranges.get(i).id())) {
                throw new IllegalArgumentException("leaders not in the map's order: " + this.partitions.get(i).id()
                        + " at the position of " + ranges.get(i).id());
            }
        }
    }

    long tableId() {
        return tableId;
    }

    /** The position of the partition that owns {@code hash}, by the partition map (a floor lookup). */
    int partitionIndexFor(long hash) {
        return ranges.positionOf(hash);
    }

    PartitionLeader partition(int index) {
        return partitions.get(index);
    }

    GlobalIndexPropagator propagator(int index) {
        return propagators.get(index);
    }

    List<PartitionLeader> partitions() {
        return partitions;
    }

    List<GlobalIndexPropagator> propagators() {
        return propagators;
    }

    /** Whether writes to this table feed a global secondary index. */
    boolean hasGlobalIndexes() {
        return globalIndexes;
    }

    /**
     * Makes every partition's writes maintain {@code indexes} from now on. The futures (one per partition)
     * complete with the log index of the partition's first write under the new configuration, once every earlier
     * write is applied. Call under the node's control lock, so configurations reach the partitions in order.
     */
    List<CompletableFuture<Long>> configure(PartitionIndexes indexes) {
        globalIndexes = !indexes.global().isEmpty();
        List<CompletableFuture<Long>> firsts = new ArrayList<>(partitions.size());
        for (PartitionLeader leader : partitions) {
            firsts.add(leader.configure(indexes));
        }
        return firsts;
    }

    /** Stops the partitions (after their accepted writes are durable) and the propagators. */
    CompletableFuture<Void> close() {
        List<CompletableFuture<Void>> stopped = new ArrayList<>();
        for (PartitionLeader leader : partitions) {
            stopped.add(leader.close());
        }
        for (GlobalIndexPropagator propagator : propagators) {
            stopped.add(propagator.close());
        }
        return CompletableFuture.allOf(stopped.toArray(CompletableFuture[]::new));
    }
}
