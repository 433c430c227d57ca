package io.basalt.testing.cluster;

import static io.basalt.testing.cluster.TestClusterNodes.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.cluster.BillingMode;
import io.basalt.cluster.NodeConfig;
import io.basalt.cluster.ProvisionedThroughput;
import io.basalt.cluster.TableDefinition;
import io.basalt.cluster.TableMetadata;
import io.basalt.cluster.node.ClusterNode;
import io.basalt.cluster.routing.RoutingConfig;
import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.Item;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PutItemOperation;
import io.basalt.partition.apply.GroupStateMachine;
import io.basalt.server.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data group learns its partitions from its own log (docs/design/cluster.md §6.2 step 4, §20 step 12): its leader
 * proposes the open entry for a new table's partitions, every member (followers included) holds them, a member
 * restarted from its directory holds them again from its own storage, and a deleted table's partitions are dropped
 * by every member.
 */
@Tag("raft")
@Timeout(180)
class TestDataGroupPartitions {
    /** The cluster's first elections: about 20 s seen once at load average 74 (cluster.md, "s19 flakes"). */
    private static final Duration FIRST_LEADERS = Duration.ofSeconds(60);

    @TempDir
    Path directory;

    @Test
    void everyMemberOpensRestartsWithAndDropsTheGroupsPartitions() throws Exception {
        try (BasaltTestCluster cluster = BasaltTestCluster.start(directory, 3, 2)) {
            cluster.awaitLeaders(FIRST_LEADERS);
            // The cluster starts the nodes' servers and owns them: it closes each with its node, on every path (a
            // failed start or assertion included). It creates the ledger table too.
            cluster.serve(NodeConfig.defaults(), RoutingConfig.defaults(), ServerConfig.of("127.0.0.1", 0));
            TableMetadata table = cluster.server(3).node().createTable(definition("Kept"));
            for (int id = 1; id <= 3; id++) {
                awaitHeld(cluster.node(id), table.partitions(), true);
            }
            cluster.server(2).node().write(table, put("a")).get();
            assertThat(cluster.server(3).node().read(table, key("a"))).isNotNull();

            // A member restarted from its directory holds the partitions again, from its own storage.
            cluster.stop(3);
            cluster.restart(3);
            awaitHeld(cluster.node(3), table.partitions(), true);

            // Deleted: every member of each group drops the table's partitions (its leader proposes the drop).
            TableMetadata current = cluster.server(1).node().describeTable("Kept");
            cluster.server(1).node().deleteTable(current);
            for (int id = 1; id <= 3; id++) {
                awaitHeld(cluster.node(id), table.partitions(), false);
            }
        }
    }

    private static void awaitHeld(ClusterNode node, List<PartitionDescriptor> partitions, boolean held) {
        for (PartitionDescriptor partition : partitions) {
            awaitTrue(() -> {
                GroupStateMachine machine = node.raft().member(partition.groupId()).stateMachine()
                        .groupStateMachine();
                return machine.holds(partition.id()) == held;
            }, "node " + node.selfId() + (held ? " holds " : " dropped ") + partition);
        }
    }

    private static PutItemOperation put(String pk) {
        return new PutItemOperation(key(pk), new Item(Map.of("pk", AttributeValue.string(pk))));
    }

    private static PrimaryKey key(String pk) {
        return new PrimaryKey(AttributeValue.string(pk), Optional.empty());
    }

    private static TableDefinition definition(String name) {
        KeySchema schema = KeySchema.of(new KeyAttribute("pk", AttributeType.S));
        return new TableDefinition(name, schema, List.of(schema.partitionKey()), BillingMode.PAY_PER_REQUEST,
                ProvisionedThroughput.NONE, false, null, Map.of(), List.of());
    }
}
