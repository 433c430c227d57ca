package io.basalt.cluster.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.cluster.TableMetadata;
import io.basalt.model.AttributeValue;
import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.model.Item;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.EvaluatedWrite;
import io.basalt.partition.ItemOperation;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PutItemOperation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;

/**
 * What the routing tests share (docs/design/cluster.md §12.3–12.4): three in-JVM nodes, each a real {@code BasaltNode}
 * serving its partitions over a real {@code NettyRpcTransport}, where the test's cluster map says which node leads
 * which partition ({@link RoutingCluster}); a table of four partitions and twelve keys of each; and the calls the
 * tests make through a node. Split from one class by theme: {@link TestRoutingLeaders}, {@link TestRoutingFailures},
 * {@link TestRoutingFanOut}.
 */
@Timeout(120)
abstract class RoutingTestSupport {
    static final Duration DEADLINE = Duration.ofMillis(1_500);

    RoutingCluster cluster;
    TableMetadata table;
    /** Keys by the partition that holds them, 12 per partition. */
    final Map<PartitionId, List<PrimaryKey>> keysByPartition = new LinkedHashMap<>();

    @BeforeEach
    void start() {
        cluster = new RoutingCluster(3, 4, DEADLINE);
        table = cluster.table;
        for (int i = 0; keysByPartition.size() < 4 || keysByPartition.values().stream().anyMatch(k -> k.size() < 12);
                i++) {
            PrimaryKey key = key("k" + i);
            keysByPartition.computeIfAbsent(cluster.partitionOf(key), p -> new ArrayList<>()).add(key);
        }
    }

    @AfterEach
    void stop() {
        cluster.close();
    }


    final long leaderOf(PartitionId partition) {
        return cluster.truth.get().getGroup(cluster.groupOf(partition)).leaderHint();
    }

    final PartitionId partitionLedBy(long node) {
        return keysByPartition.keySet().stream().filter(partition -> leaderOf(partition) == node).findFirst()
                .orElseThrow();
    }

    final CompletableFuture<EvaluatedWrite> put(long entry, PrimaryKey key, int n) {
        return cluster.node(entry).node.write(table, new PutItemOperation(key, item(key, n)));
    }

    final List<CompletableFuture<EvaluatedWrite>> writeBatch(long entry, List<PrimaryKey> keys, int n) {
        List<TableMetadata> tables = new ArrayList<>();
        List<ItemOperation> operations = new ArrayList<>();
        for (PrimaryKey key : keys) {
            tables.add(table);
            operations.add(new PutItemOperation(key, item(key, n)));
        }
        return cluster.node(entry).node.writeBatch(tables, operations);
    }

    static void assertServerError(CompletableFuture<?> call, ErrorCode code, String message) {
        assertThatThrownBy(call::join).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(BasaltException.class)
                .satisfies(e -> {
                    BasaltException error = (BasaltException) e.getCause();
                    assertThat(error.code()).isEqualTo(code);
                    assertThat(error.getMessage()).isEqualTo(message);
                });
    }

    static long elapsedMillis(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    static PrimaryKey key(String pk) {
        return new PrimaryKey(AttributeValue.string(pk), Optional.empty());
    }

    static Item item(PrimaryKey key, int n) {
        return new Item(Map.of("pk", key.partitionValue(), "n", AttributeValue.number(n)));
    }
}
