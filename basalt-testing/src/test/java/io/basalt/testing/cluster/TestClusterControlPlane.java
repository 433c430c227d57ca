package io.basalt.testing.cluster;

import static io.basalt.testing.cluster.TestClusterNodes.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.cluster.Admission;
import io.basalt.cluster.BillingMode;
import io.basalt.cluster.IndexDefinition;
import io.basalt.cluster.IndexMetadata;
import io.basalt.cluster.ProvisionedThroughput;
import io.basalt.cluster.TableChange;
import io.basalt.cluster.TableChangedException;
import io.basalt.cluster.TableDefinition;
import io.basalt.cluster.TableMetadata;
import io.basalt.cluster.node.ClusterControlPlane;
import io.basalt.cluster.node.ClusterNode;
import io.basalt.cluster.node.ClusterNodeView;
import io.basalt.cluster.node.StaticPlacement;
import io.basalt.cluster.routing.ClusterState;
import io.basalt.cluster.rpc.NettyRpcTransport;
import io.basalt.cluster.rpc.PartitionRpcServer;
import io.basalt.cluster.rpc.RpcPartitionClient;
import io.basalt.cluster.rpc.RpcResponse;
import io.basalt.model.AttributeType;
import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.Projection;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Table commands on three cluster nodes in one JVM, each with its RPC server: a node that does not lead the metadata
 * group forwards its commands to the leader ({@code META_COMMAND}) and answers once its own catalog has the change;
 * refusals come back as they are; the routing view and the serving guard follow the catalog and the leaders.
 */
@Tag("raft")
@Timeout(180)
class TestClusterControlPlane {
    /** The cluster's first elections: about 20 s seen once at load average 74 (cluster.md, "s19 flakes"). */
    private static final Duration FIRST_LEADERS = Duration.ofSeconds(60);

    private static final KeySchema SCHEMA = KeySchema.of(new KeyAttribute("pk", AttributeType.S));

    @TempDir
    Path directory;

    /** One node's control plane, routing view and RPC server. */
    private record Served(ClusterNode node, ClusterNodeView view, ClusterControlPlane control,
            NettyRpcTransport transport) implements AutoCloseable {
        static Served start(ClusterNode node) {
            ClusterNodeView view = new ClusterNodeView(node);
            NettyRpcTransport[] self = new NettyRpcTransport[1];
            ClusterControlPlane control = new ClusterControlPlane(node, address -> self[0].peer(address),
                    Clock.systemUTC(), Duration.ofSeconds(20));
            // No partition calls in this test: the node's partitions are a client whose every call fails.
            PartitionRpcServer server = new PartitionRpcServer(new RpcPartitionClient(frame ->
                    CompletableFuture.failedFuture(new IllegalStateException("no partitions here"))), view,
                    Admission.defaults(), Runnable::run, control);
            self[0] = NettyRpcTransport.start(node.identity().self().rpcSocketAddress(), server::serve, 1);
            return new Served(node, view, control, self[0]);
        }

        @Override
        public void close() {
            transport.close();
            control.close();
            view.close();
        }
    }

    @Test
    void anyNodeRunsTableCommandsThroughTheMetadataLeader() throws Exception {
        try (BasaltTestCluster cluster = BasaltTestCluster.start(directory, 3, 2)) {
            List<Served> served = new ArrayList<>();
            try {
                for (int node = 1; node <= 3; node++) {
                    served.add(Served.start(cluster.node(node)));
                }
                Map<Long, Integer> leaders = cluster.awaitLeaders(FIRST_LEADERS);
                int metaLeader = leaders.get(StaticPlacement.METADATA_GROUP);
                Served follower = served.get(metaLeader % 3);
                assertThat(follower.node().selfId()).isNotEqualTo(metaLeader);

                // Created through a follower: its own catalog has the table when the call returns.
                TableMetadata created = follower.control().createTable(definition("Orders", List.of()),
                        Duration.ZERO);
                assertThat(follower.control().tryGetTable("Orders")).contains(created);
                assertThat(created.partitions()).hasSize(cluster.node(1).partitionsPerTable());
                assertThat(created.partitions()).extracting(PartitionDescriptor::groupId)
                        .allMatch(group -> group == 1L || group == 2L);
                for (Served other : served) {
                    awaitTrue(() -> other.control().tryGetTable("Orders").isPresent(), "node has Orders");
                }
                assertThat(follower.control().tableNamesAfter(null, 10)).containsExactly("Orders");

                // Refusals come back with DynamoDB's error and text.
                assertThatThrownBy(() -> follower.control().createTable(definition("Orders", List.of()),
                        Duration.ZERO)).isInstanceOfSatisfying(BasaltException.class, e -> {
                            assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_IN_USE);
                            assertThat(e.getMessage()).isEqualTo("Table already exists: Orders");
                        });
                TableMetadata tagged = follower.control().updateTable("Orders", new TableChange.AddTags(
                        Map.of("team", "billing")));
                assertThat(tagged.tags()).containsEntry("team", "billing");
                assertThat(follower.control().tryGetTable("Orders").orElseThrow().tags())
                        .containsEntry("team", "billing");
                // A change against the version before the tag: the leader says the table changed meanwhile.
                assertThatThrownBy(() -> follower.control().updateTable("Orders", new TableChange.Replace(created,
                        created.withTags(Map.of("stale", "yes"))))).isInstanceOf(TableChangedException.class);

                // A global index gets partitions of its own, placed in data groups, allocated by the leader.
                IndexDefinition byCustomer = new IndexDefinition("ByCustomer", true,
                        List.of(new KeyAttribute("customer", AttributeType.S)), List.of(), Projection.ALL,
                        ProvisionedThroughput.NONE);
                TableMetadata indexed = follower.control().createTable(definition("Lines", List.of(byCustomer)),
                        Duration.ofSeconds(1));
                IndexMetadata index = indexed.globalIndexes().get(0);
                assertThat(index.partitions()).hasSize(created.partitions().size());
                assertThat(indexed.id()).isGreaterThan(created.id());
                assertThat(indexed.readyAt()).isEqualTo(indexed.creationTime().plusSeconds(1));

                // The routing view: every partition, its group, and each group's leader.
                ClusterState state = follower.view().current();
                assertThat(state.version()).isPositive();
                for (PartitionDescriptor partition : indexed.partitions()) {
                    assertThat(state.tryGetPartition(partition.id())).contains(partition);
                }
                assertThat(state.tryGetPartition(index.partitions().get(0).id())).isPresent();
                awaitTrue(() -> follower.view().current().groups().get(1L).leaderHint() == leaders.get(1L),
                        "the view knows group 1's leader");

                // The serving guard: the leader of a partition's group serves it, the others send the caller there.
                PartitionDescriptor partition = created.partitions().get(0);
                int groupLeader = leaders.get(partition.groupId());
                for (Served node : served) {
                    RpcResponse refusal = node.view().refusal(partition.id(), true);
                    if (node.node().selfId() == groupLeader) {
                        assertThat(refusal).isNull();
                    } else {
                        assertThat(refusal).isEqualTo(new RpcResponse.NotLeader(partition.groupId(), groupLeader));
                    }
                }

                // A partition this node's catalog does not know (yet): the sender, whose map has it, retries.
                assertThat(follower.view().refusal(new PartitionId(999_999), true))
                        .isEqualTo(new RpcResponse.NotReady());

                // Deleted through another follower: gone from its catalog and its view at once.
                Served other = served.get((metaLeader + 1) % 3);
                other.control().deleteTable(other.control().tryGetTable("Orders").orElseThrow());
                assertThat(other.control().tryGetTable("Orders")).isEmpty();
                assertThat(other.view().current().tryGetPartition(partition.id())).isEmpty();
                assertThatThrownBy(() -> other.control().deleteTable(tagged))
                        .isInstanceOfSatisfying(BasaltException.class,
                                e -> assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_NOT_FOUND));

                // The metadata leader stops: a follower's command waits for the new leader and succeeds.
                served.get(metaLeader - 1).close();
                cluster.stop(metaLeader);
                TableMetadata afterFailover = follower.control().createTable(definition("AfterFailover", List.of()),
                        Duration.ZERO);
                assertThat(afterFailover.id()).isGreaterThan(indexed.id());
                assertThat(follower.control().tryGetTable("AfterFailover")).isPresent();
            } finally {
                served.forEach(Served::close);
            }
        }
    }

    private static TableDefinition definition(String name, List<IndexDefinition> indexes) {
        List<KeyAttribute> attributes = new ArrayList<>(List.of(SCHEMA.partitionKey()));
        indexes.forEach(index -> attributes.addAll(index.partitionKeys()));
        return new TableDefinition(name, SCHEMA, attributes, BillingMode.PAY_PER_REQUEST, ProvisionedThroughput.NONE,
                false, null, Map.of(), indexes);
    }
}
