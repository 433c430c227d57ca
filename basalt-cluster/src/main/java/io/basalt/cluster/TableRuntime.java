package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.partition.PartitionHash;
import io.basalt.partition.PartitionIndexes;
import io.basalt.replication.PartitionLeader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A live table: its partitions' leaders, each with the propagator that feeds its share of the global secondary
 * indexes, and the router from partition hash to partition.
 */
final class TableRuntime {
    private final long tableId;
    private final List<PartitionLeader> partitions;
    private final List<GlobalIndexPropagator> propagators;
    private volatile boolean globalIndexes;

    TableRuntime(long tableId, List<PartitionLeader> partitions, List<GlobalIndexPropagator> propagators) {
        this.tableId = tableId;
        this.partitions = List.copyOf(requireNonNull(partitions, "partitions is null"));
        this.propagators = List.copyOf(requireNonNull(propagators, "propagators is null"));
        if (this.partitions.size() != this.propagators.size()) {
            throw new IllegalArgumentException("one propagator per partition");
        }
    }

    long tableId() {
        return tableId;
    }

    int partitionIndexFor(long hash) {
        return PartitionHash.partitionIndex(hash, partitions.size());
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
