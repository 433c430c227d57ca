package io.basalt.cluster.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.cluster.BillingMode;
import io.basalt.cluster.IndexDefinition;
import io.basalt.cluster.IndexMetadata;
import io.basalt.cluster.ProvisionedThroughput;
import io.basalt.cluster.TableDefinition;
import io.basalt.cluster.TableMetadata;
import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.Item;
import io.basalt.model.KeyAttribute;
import io.basalt.model.Projection;
import io.basalt.partition.GlobalIndexBatch;
import io.basalt.partition.IndexEntries;
import io.basalt.partition.IndexEntryOperation;
import io.basalt.partition.IndexPosition;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code GSI_APPLY} between nodes (docs/design/cluster.md §15, §12.3): a batch a base partition's propagator sends
 * through its node's routed client reaches the leader of the global index partition it names, over the real
 * NettyRpcTransport, whichever node it enters by; the leader logs it once (a resend changes nothing) and answers the
 * position it reached for the batch's source, which the other nodes' copies of the partition do not have.
 */
@Timeout(60)
class TestGlobalIndexRouting {
    private static final KeyAttribute COLOUR = new KeyAttribute("colour", AttributeType.S);

    private final RoutingCluster cluster = new RoutingCluster(3, 4, Duration.ofMillis(1_500));

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void aBatchLandsOnTheIndexPartitionsLeaderWhicheverNodeSendsIt() {
        for (RoutingCluster.Node node : cluster.nodes) {
            node.node.createTable(new TableDefinition("G", RoutingCluster.SCHEMA,
                    List.of(RoutingCluster.SCHEMA.partitionKey(), COLOUR), BillingMode.PAY_PER_REQUEST,
                    ProvisionedThroughput.NONE, false, null, Map.of(), List.of(new IndexDefinition("ByColour", true,
                            List.of(COLOUR), List.of(), Projection.KEYS_ONLY, ProvisionedThroughput.NONE))));
        }
        TableMetadata table = cluster.node(1).node.describeTable("G");
        IndexMetadata index = table.globalIndexes().get(0);
        // Index partition j in group 200 + j, on every node, led by node (j mod 3) + 1.
        cluster.change(state -> {
            List<PartitionDescriptor> descriptors = new ArrayList<>();
            Map<Long, ReplicationGroup> groups = new HashMap<>(state.groups());
            List<Long> members = List.of(1L, 2L, 3L);
            for (int j = 0; j < index.partitions().size(); j++) {
                descriptors.add(RoutingCluster.inGroup(index.partitions().get(j), 200 + j));
                groups.put(200L + j, new ReplicationGroup(200 + j, members, members.get(j % 3)));
            }
            return new ClusterState(state.version(), state.partitions().withRanges(descriptors), groups,
                    state.nodes());
        });
        PartitionDescriptor source = table.partitions().get(0);
        for (int sender = 1; sender <= 3; sender++) {
            Item item = new Item(Map.of("pk", AttributeValue.string("k" + sender), "colour",
                    AttributeValue.string("red" + sender)));
            byte[] entryKey = KeyLayout.indexEntryKey(table.id(), table.keySchema(), index.index(), item);
            int target = 0;
            while (!index.partitions().get(target).owns(KeyLayout.readLong(entryKey, 11))) {
                target++;
            }
            PartitionDescriptor partition = index.partitions().get(target);
            IndexPosition through = new IndexPosition(10 * sender, 0);
            GlobalIndexBatch batch = new GlobalIndexBatch(table.id(), index.id(), source.id(), through,
                    List.of(new GlobalIndexBatch.Tagged(through, new IndexEntryOperation.IndexEntryPut(entryKey,
                            IndexEntries.project(table.keySchema(), index.index(), item)))));

            assertThat(cluster.node(sender).routed.applyGlobalIndex(partition.id(), batch).join())
                    .isEqualTo(through);
            assertThat(cluster.node(sender % 3 + 1).routed.applyGlobalIndex(partition.id(), batch).join())
                    .as("sent again from another node: applied once, the same answer").isEqualTo(through);

            long leader = target % 3 + 1;
            GlobalIndexBatch ask = new GlobalIndexBatch(table.id(), index.id(), source.id(), IndexPosition.START,
                    List.of());
            for (RoutingCluster.Node node : cluster.nodes) {
                // Each node's own copy of the partition, asked without routing.
                IndexPosition own = node.local.applyGlobalIndex(partition.id(), ask).join();
                assertThat(own.isAfter(IndexPosition.START)).as("node %s (leader %s)", node.id, leader)
                        .isEqualTo(node.id == leader);
            }
        }
    }
}
