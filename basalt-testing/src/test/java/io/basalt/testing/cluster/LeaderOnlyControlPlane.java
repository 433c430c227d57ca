package io.basalt.testing.cluster;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.ControlPlane;
import io.basalt.cluster.TableChange;
import io.basalt.cluster.TableDefinition;
import io.basalt.cluster.TableMetadata;
import io.basalt.cluster.node.ClusterNode;
import io.basalt.cluster.node.StaticPlacement;
import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * A test stand-in for the cluster's control plane until the real one (metadata-leader evaluation with
 * {@code META_COMMAND} forwarding) is wired: catalog reads from this node's copy; CreateTable evaluated directly on
 * the in-JVM node that leads the metadata group, then awaited in this node's copy. No forwarding over the network,
 * no UpdateTable or DeleteTable.
 */
final class LeaderOnlyControlPlane implements ControlPlane {
    private final ClusterNode self;
    private final int nodes;
    private final IntFunction<ClusterNode> node;

    LeaderOnlyControlPlane(ClusterNode self, int nodes, IntFunction<ClusterNode> node) {
        this.self = requireNonNull(self, "self is null");
        this.nodes = nodes;
        this.node = requireNonNull(node, "node is null");
    }

    @Override
    public Optional<TableMetadata> tryGetTable(String name) {
        return self.metadata().tryGetTable(name);
    }

    @Override
    public List<TableMetadata> tables() {
        return self.metadata().tables();
    }

    @Override
    public List<String> tableNamesAfter(String exclusiveStart, int limit) {
        return self.metadata().namesAfter(exclusiveStart, limit);
    }

    @Override
    public TableMetadata createTable(TableDefinition definition, Duration creationDelay) {
        for (int id = 1; id <= nodes; id++) {
            ClusterNode candidate = node.apply(id);
            if (candidate != null && candidate.leads(StaticPlacement.METADATA_GROUP)) {
                TableMetadata created = candidate.createTable(definition);
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (self.metadata().tryGetTable(definition.name()).isEmpty() && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                return created;
            }
        }
        throw new BasaltException(ErrorCode.SERVICE_UNAVAILABLE, "no metadata leader", null);
    }

    @Override
    public TableMetadata updateTable(String name, TableChange change) {
        throw new UnsupportedOperationException("not in the leader-only test control plane");
    }

    @Override
    public TableMetadata deleteTable(TableMetadata table) {
        throw new UnsupportedOperationException("not in the leader-only test control plane");
    }

    @Override
    public void addChangeListener(Runnable listener) {
        self.metadata().addChangeListener(listener);
    }
}
