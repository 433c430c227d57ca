package io.basalt.cluster.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.cluster.BasaltNode;
import io.basalt.cluster.TableKeys;
import io.basalt.cluster.TableReads;
import io.basalt.cluster.TransactionGet;
import io.basalt.expressions.keys.KeyCondition;
import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.model.Item;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.EvaluatedWrite;
import io.basalt.partition.PartitionId;
import io.basalt.partition.encoding.StoredItem;
import io.basalt.partition.read.FetchMode;
import io.basalt.partition.read.ReadResult;
import io.basalt.partition.read.ReadSource;
import io.basalt.partition.read.ReadSpec;
import io.basalt.partition.read.ScanRange;
import io.basalt.partition.read.StopReason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * Calls that reach several partitions' leaders (docs/design/cluster.md §12.4, §10, §14): batches fan out per node
 * and report what they could not reach as unprocessed; eventual reads are served by the entry node's member and
 * strong ones by the leader; transactions run their rounds on each partition's leader; Query and Scan pages are read
 * at the leaders of partitions on other nodes.
 */
class TestRoutingFanOut extends RoutingTestSupport {
    @Test
    void batchesFanOutPerNodeAndReportAnUnreachablePartitionAsUnprocessed() {
        PartitionId down = partitionLedBy(2);
        long group = cluster.groupOf(down);
        List<PrimaryKey> keys = new ArrayList<>();
        keysByPartition.values().forEach(partitionKeys -> keys.addAll(partitionKeys.subList(0, 4)));

        // Every partition reachable: one write per key, wherever it is served.
        List<CompletableFuture<EvaluatedWrite>> written = writeBatch(1, keys, 1);
        CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).join();
        List<TableReads> read = cluster.node(3).node.getItems(List.of(new TableKeys(table, keys, true)));
        assertThat(read.get(0).unreached()).isEmpty();
        for (int i = 0; i < keys.size(); i++) {
            assertThat(read.get(0).items().get(i).item()).isEqualTo(item(keys.get(i), 1));
        }

        // The group of one partition loses its only member.
        cluster.change(state -> RoutingCluster.withGroup(state, group, List.of(2L), 2));
        cluster.kill(2);
        List<CompletableFuture<EvaluatedWrite>> partial = writeBatch(1, keys, 2);
        for (int i = 0; i < keys.size(); i++) {
            if (cluster.partitionOf(keys.get(i)).equals(down)) {
                int position = i;
                assertThatThrownBy(() -> partial.get(position).join()).isInstanceOf(CompletionException.class)
                        .hasCauseInstanceOf(BasaltException.class)
                        .satisfies(e -> assertThat(((BasaltException) e.getCause()).code())
                                .isEqualTo(ErrorCode.SERVICE_UNAVAILABLE));
            } else {
                partial.get(i).join();
            }
        }
        List<TableReads> partialRead = cluster.node(1).node.getItems(List.of(new TableKeys(table, keys, false)));
        for (int i = 0; i < keys.size(); i++) {
            boolean unreachable = cluster.partitionOf(keys.get(i)).equals(down);
            assertThat(partialRead.get(0).isUnreached(i)).isEqualTo(unreachable);
            if (!unreachable) {
                assertThat(partialRead.get(0).items().get(i).item()).isEqualTo(item(keys.get(i), 2));
            }
        }
    }

    /**
     * A node's batch frame names two partitions it leads; one of them has just lost its leader to another node, which
     * the entry node's map does not show yet. The frame's node serves the parts of the partition it still leads and
     * answers NOT_LEADER for the others only (cluster.md §12.4), so just those go through the retry table: the node
     * receives the one frame, not the frame and then each of its parts again.
     */
    @Test
    void aBatchFrameIsRefusedOnlyForThePartitionsItsNodeDoesNotServe() {
        List<PartitionId> ledBy1 = keysByPartition.keySet().stream().filter(p -> leaderOf(p) == 1).toList();
        assertThat(ledBy1).hasSize(2);
        PartitionId kept = ledBy1.get(0);
        PartitionId moved = ledBy1.get(1);
        List<PrimaryKey> keys = new ArrayList<>(keysByPartition.get(kept).subList(0, 4));
        keys.addAll(keysByPartition.get(moved).subList(0, 4));
        cluster.freezeViews();
        cluster.change(state -> RoutingCluster.withGroup(state, cluster.groupOf(moved), List.of(1L, 2L, 3L), 3));
        int framesBefore = cluster.node(1).frames.get();

        List<CompletableFuture<EvaluatedWrite>> written = writeBatch(2, keys, 7);
        CompletableFuture.allOf(written.toArray(CompletableFuture[]::new)).join();
        assertThat(cluster.node(1).frames.get() - framesBefore).as("frames node 1 received").isEqualTo(1);
        for (PrimaryKey key : keys) {
            long leader = cluster.partitionOf(key).equals(moved) ? 3 : 1;
            for (RoutingCluster.Node node : cluster.nodes) {
                StoredItem stored = node.local.get(cluster.partitionOf(key), cluster.itemKey(key), true);
                assertThat(stored == null ? null : stored.item()).as("%s on node %s", key, node.id)
                        .isEqualTo(node.id == leader ? item(key, 7) : null);
            }
        }

        // The same for a BatchGetItem entered at node 3, whose map is as stale: node 1 answers its partition's
        // groups and refuses the moved one's alone, which node 3 then serves itself.
        framesBefore = cluster.node(1).frames.get();
        List<TableReads> read = cluster.node(3).node.getItems(List.of(new TableKeys(table, keys, true)));
        assertThat(read.get(0).unreached()).isEmpty();
        for (int i = 0; i < keys.size(); i++) {
            assertThat(read.get(0).items().get(i).item()).isEqualTo(item(keys.get(i), 7));
        }
        assertThat(cluster.node(1).frames.get() - framesBefore).as("frames node 1 received").isEqualTo(1);
    }

    @Test
    void eventualReadsAreServedByTheEntryNodesOwnMemberAndStrongReadsByTheLeader() {
        cluster.close();
        cluster = new RoutingCluster(3, 4, DEADLINE, true);
        table = cluster.table;
        PartitionId partition = partitionLedBy(2);
        PrimaryKey key = keysByPartition.get(partition).get(0);
        put(1, key, 7).join();
        // Node 1 hosts a member of every group: its eventual reads never leave it, and its member (which, in this
        // cluster without replication, never catches up) has nothing yet. A strong read goes to the leader.
        int before = cluster.node(2).served.get();
        assertThat(cluster.node(1).node.getItem(table, key, false)).isNull();
        assertThat(cluster.node(1).node.getItems(List.of(new TableKeys(table, List.of(key), false))).get(0).items())
                .containsExactly((StoredItem) null);
        assertThat(cluster.node(2).served.get()).as("no frame reached the leader").isEqualTo(before);
        assertThat(cluster.node(1).node.getItem(table, key, true).item()).isEqualTo(item(key, 7));
        assertThat(cluster.node(1).node.getItems(List.of(new TableKeys(table, List.of(key), true))).get(0).items()
                .get(0).item()).isEqualTo(item(key, 7));
        // On the leader's own node, its member is the leader: eventual reads see the write.
        assertThat(cluster.node(2).node.getItem(table, key, false).item()).isEqualTo(item(key, 7));
    }

    @Test
    void transactionsRunTheirRoundsOnEachPartitionsLeader() {
        List<PrimaryKey> keys = new ArrayList<>();
        keysByPartition.values().forEach(partitionKeys -> keys.add(partitionKeys.get(0)));
        for (PrimaryKey key : keys) {
            put(2, key, 5).join();
        }
        List<TransactionGet> gets = new ArrayList<>();
        keys.forEach(key -> gets.add(new TransactionGet(table, key)));
        List<Item> items = cluster.node(1).node.transactGet(gets).join();
        for (int i = 0; i < keys.size(); i++) {
            assertThat(items.get(i)).isEqualTo(item(keys.get(i), 5));
        }
    }

    @Test
    void queryAndScanPagesAreReadFromThePartitionsLeadersOnOtherNodes() {
        List<PrimaryKey> keys = new ArrayList<>();
        keysByPartition.values().forEach(keys::addAll);
        for (PrimaryKey key : keys) {
            put(2, key, 3).join();
        }
        PartitionId elsewhere = partitionLedBy(2);
        PrimaryKey remote = keysByPartition.get(elsewhere).get(0);
        assertThat(cluster.node(1).local.get(elsewhere, cluster.itemKey(remote), true)).as("not on node 1").isNull();
        for (PrimaryKey key : keys) {
            ReadResult page = read(1, new ReadSpec(table.id(), ReadSource.BASE, new KeyCondition(
                    List.of(key.partitionValue()), List.of(), Optional.empty()), null, true, 100,
                    ReadSpec.MAX_PAGE_BYTES, null, null, false, FetchMode.NONE, null, true), null);
            assertThat(page.items()).singleElement().satisfies(stored -> assertThat(stored.item())
                    .isEqualTo(item(key, 3)));
        }
        // A Scan page carries what is left of Limit from one partition (and node) to the next; the items come in
        // hash order, then key order, as from one storage.
        List<Item> expected = keys.stream().sorted((a, b) -> Arrays.compareUnsigned(cluster.itemKey(a),
                cluster.itemKey(b))).map(key -> item(key, 3)).toList();
        assertThat(scan(1, ScanRange.ALL, 7)).isEqualTo(expected);
        assertThat(scan(3, ScanRange.ALL, 1000)).isEqualTo(expected);
        List<Item> segments = new ArrayList<>();
        for (int segment = 0; segment < 3; segment++) {
            segments.addAll(scan(segment + 1, new ScanRange(segment, 3), 5));
        }
        assertThat(segments).isEqualTo(expected);

        // A stale leader hint: NOT_LEADER, then the page is read at the leader it names.
        long group = cluster.groupOf(elsewhere);
        cluster.freezeViews();
        cluster.change(state -> RoutingCluster.withGroup(state, group, List.of(1L, 2L, 3L), 3));
        PrimaryKey moved = keysByPartition.get(elsewhere).get(1);
        cluster.node(3).view.set(cluster.truth.get());
        put(3, moved, 4).join();
        int refusals = cluster.node(2).refusals.get();
        ReadResult page = read(1, new ReadSpec(table.id(), ReadSource.BASE, new KeyCondition(
                List.of(moved.partitionValue()), List.of(), Optional.empty()), null, true, 100,
                ReadSpec.MAX_PAGE_BYTES, null, null, false, FetchMode.NONE, null, true), null);
        assertThat(page.items()).singleElement().satisfies(stored -> assertThat(stored.item())
                .isEqualTo(item(moved, 4)));
        assertThat(cluster.node(2).refusals.get()).isEqualTo(refusals + 1);

        // A partition that cannot be reached: the page fails with DynamoDB's 503 at the routing deadline.
        cluster.change(state -> RoutingCluster.withGroup(state, group, List.of(3L), 3));
        cluster.node(1).view.set(cluster.truth.get());
        cluster.kill(3);
        assertThatThrownBy(() -> scan(1, ScanRange.ALL, 1000)).isInstanceOfSatisfying(BasaltException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE));
    }

    /** Every item of a Scan of {@code range} entered at node {@code entry}, page by page of {@code limit}. */
    private List<Item> scan(long entry, ScanRange range, int limit) {
        List<Item> items = new ArrayList<>();
        Item start = null;
        for (int pages = 0; pages < 1_000; pages++) {
            ReadResult page = read(entry, new ReadSpec(table.id(), ReadSource.BASE, null, range, true, limit,
                    ReadSpec.MAX_PAGE_BYTES, null, null, false, FetchMode.NONE, null, true), start);
            page.items().forEach(stored -> items.add(stored.item()));
            assertThat(page.scannedCount()).isLessThanOrEqualTo(limit);
            if (page.stopReason() == StopReason.EXHAUSTED) {
                return items;
            }
            start = page.lastEvaluatedKey();
        }
        throw new AssertionError("the Scan did not end");
    }

    private ReadResult read(long entry, ReadSpec spec, Item start) {
        ReadSpec from = new ReadSpec(spec.tableId(), spec.source(), spec.keyCondition(), spec.scanRange(),
                spec.forward(), spec.limit(), spec.byteBudget(), spec.filter(), spec.projection(), spec.countOnly(),
                spec.fetch(), start, spec.consistent());
        BasaltNode node = cluster.node(entry).node;
        return node.read(table, node.planRead(table, from));
    }

}
