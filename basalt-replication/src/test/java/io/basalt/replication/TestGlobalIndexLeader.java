package io.basalt.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.Item;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.Projection;
import io.basalt.model.SecondaryIndex;
import io.basalt.partition.GlobalIndexBatch;
import io.basalt.partition.IndexEntryOperation;
import io.basalt.partition.IndexMaintainer;
import io.basalt.partition.IndexPartitionState;
import io.basalt.partition.IndexPosition;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionMetadata;
import io.basalt.partition.PartitionRecord;
import io.basalt.partition.apply.GroupStateMachine;
import io.basalt.storage.StorageIterator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A global index partition's leader (cluster.md §15) logs each batch as an entry of its own partition through the
 * replicator, answers the position reached for the batch's source, keeps one batch per source in flight (so many
 * batches of one source sent at once count every entry once), and after a failed entry resets from storage so a
 * batch sent again applies.
 */
@Timeout(30)
class TestGlobalIndexLeader {
    private static final long TABLE = 7;
    private static final KeySchema SCHEMA = KeySchema.of(new KeyAttribute("pk", AttributeType.S));
    private static final SecondaryIndex INDEX = new SecondaryIndex("byColour", 2, true,
            List.of(new KeyAttribute("colour", AttributeType.S)), List.of(), Projection.KEYS_ONLY);
    private static final PartitionDescriptor PARTITION = PartitionDescriptor.equalRanges(TABLE, INDEX.id(), 20, 1,
            GroupStateMachine.LOCAL_GROUP_ID).get(0);
    private static final PartitionId SOURCE = new PartitionId(3);
    private static final PartitionId OTHER_SOURCE = new PartitionId(4);

    private final FakeStorage storage = new FakeStorage();
    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private final IndexMaintainer maintainer = new IndexMaintainer(TABLE, SCHEMA, INDEX);

    @AfterEach
    void close() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(5, TimeUnit.SECONDS);
        storage.close();
    }

    @Test
    void batchesOfManySourcesAtOnceAreEachCountedOnce() throws Exception {
        try (LocalReplicator replicator = replicator()) {
            GlobalIndexLeader leader = new GlobalIndexLeader(PARTITION, storage, () -> 1L, replicator, pool);
            List<CompletableFuture<IndexPosition>> answers = new ArrayList<>();
            Map<String, Boolean> expected = new LinkedHashMap<>();
            for (int sequence = 1; sequence <= 50; sequence++) {
                // Each batch is sent twice at once, as a propagator's resend after a lost answer would.
                GlobalIndexBatch batch = changes(SOURCE, sequence, null, red("a" + sequence));
                answers.add(leader.apply(batch));
                answers.add(leader.apply(batch));
                GlobalIndexBatch other = changes(OTHER_SOURCE, sequence, null, red("b" + sequence));
                answers.add(leader.apply(other));
                expected.put("a" + sequence, true);
                expected.put("b" + sequence, true);
            }
            CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
            assertThat(answers.get(answers.size() - 1).join()).isEqualTo(new IndexPosition(50, 0));

            assertThat(entryCount()).isEqualTo(100);
            PartitionMetadata record = PartitionRecord.metadataOf(storage.get(KeyLayout.partitionRecordKey(TABLE,
                    PARTITION.id())));
            assertThat(record.itemCount()).isEqualTo(100);
            assertThat(leader.metadata().get(5, TimeUnit.SECONDS)).isEqualTo(record);
            IndexPartitionState source = IndexPartitionState.decode(storage.get(KeyLayout.globalIndexPositionKey(
                    TABLE, INDEX.id(), PARTITION.id(), SOURCE)));
            assertThat(source.itemCount()).isEqualTo(50);
            assertThat(source.position()).isEqualTo(new IndexPosition(50, 0));
        }
    }

    @Test
    void aBatchWithoutOperationsAsksThePosition() throws Exception {
        try (LocalReplicator replicator = replicator()) {
            GlobalIndexLeader leader = new GlobalIndexLeader(PARTITION, storage, () -> 1L, replicator, pool);
            assertThat(leader.apply(changes(SOURCE, 9, null, red("a"))).get(5, TimeUnit.SECONDS))
                    .isEqualTo(new IndexPosition(9, 0));
            int writes = storage.writes();
            GlobalIndexBatch ask = new GlobalIndexBatch(TABLE, INDEX.id(), SOURCE, IndexPosition.START, List.of());
            assertThat(leader.apply(ask).get(5, TimeUnit.SECONDS)).isEqualTo(new IndexPosition(9, 0));
            assertThat(leader.apply(new GlobalIndexBatch(TABLE, INDEX.id(), OTHER_SOURCE, IndexPosition.START,
                    List.of())).get(5, TimeUnit.SECONDS)).isEqualTo(IndexPosition.START);
            assertThat(storage.writes()).as("asking logs nothing").isEqualTo(writes);
        }
    }

    @Test
    void aFailedEntryResetsAndTheBatchSentAgainApplies() throws Exception {
        try (LocalReplicator replicator = replicator()) {
            GlobalIndexLeader leader = new GlobalIndexLeader(PARTITION, storage, () -> 1L, replicator, pool);
            leader.apply(changes(SOURCE, 1, null, red("a"))).get(5, TimeUnit.SECONDS);
            storage.failWith(new IllegalStateException("disk gone"));
            GlobalIndexBatch lost = changes(SOURCE, 2, null, red("b"));
            assertThatThrownBy(() -> leader.apply(lost).get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
        }
        // The local log is fail-stop: a restarted partition (a new replicator and leader) applies the resend.
        storage.failWith(null);
        try (LocalReplicator replicator = replicator()) {
            GlobalIndexLeader leader = new GlobalIndexLeader(PARTITION, storage, () -> 1L, replicator, pool);
            assertThat(leader.apply(changes(SOURCE, 2, null, red("b"))).get(5, TimeUnit.SECONDS))
                    .isEqualTo(new IndexPosition(2, 0));
            assertThat(entryCount()).isEqualTo(2);
            assertThat(leader.metadata().get(5, TimeUnit.SECONDS).itemCount()).isEqualTo(2);
        }
    }

    @Test
    void aClosedLeaderRefusesBatches() throws Exception {
        try (LocalReplicator replicator = replicator()) {
            GlobalIndexLeader leader = new GlobalIndexLeader(PARTITION, storage, () -> 1L, replicator, pool);
            leader.close().get(5, TimeUnit.SECONDS);
            assertThatThrownBy(() -> leader.apply(changes(SOURCE, 1, null, red("a"))).get(5, TimeUnit.SECONDS))
                    .hasMessageContaining("Requested resource not found");
        }
    }

    @Test
    void aDropRemovesThePartitionsDataThroughItsOwnLog() throws Exception {
        try (LocalReplicator replicator = replicator()) {
            GlobalIndexLeader leader = new GlobalIndexLeader(PARTITION, storage, () -> 1L, replicator, pool);
            leader.apply(changes(SOURCE, 1, null, red("a"), null, red("b"))).get(5, TimeUnit.SECONDS);
            leader.apply(changes(OTHER_SOURCE, 4, null, red("c"))).get(5, TimeUnit.SECONDS);
            assertThat(entryCount()).isEqualTo(3);

            leader.drop(List.of(SOURCE, OTHER_SOURCE)).get(5, TimeUnit.SECONDS);

            assertThat(entryCount()).isZero();
            for (PartitionId source : List.of(SOURCE, OTHER_SOURCE)) {
                assertThat(storage.get(KeyLayout.globalIndexPositionKey(TABLE, INDEX.id(), PARTITION.id(), source)))
                        .isNull();
            }
            assertThat(storage.get(KeyLayout.partitionRecordKey(TABLE, PARTITION.id()))).isNull();
            assertThatThrownBy(() -> leader.apply(changes(SOURCE, 2, null, red("d"))).get(5, TimeUnit.SECONDS))
                    .hasMessageContaining("Requested resource not found");
        }
    }

    private LocalReplicator replicator() {
        GroupStateMachine group = new GroupStateMachine(storage, GroupStateMachine.LOCAL_GROUP_ID);
        group.openPartition(PARTITION, List.of());
        return new LocalReplicator(group, false);
    }

    private GlobalIndexBatch changes(PartitionId source, long sequence, Item... oldAndNew) {
        IndexPosition position = new IndexPosition(sequence, 0);
        List<GlobalIndexBatch.Tagged> tagged = new ArrayList<>();
        for (int i = 0; i < oldAndNew.length; i += 2) {
            for (IndexEntryOperation operation : maintainer.delta(oldAndNew[i], oldAndNew[i + 1])
                    .replayOperations()) {
                tagged.add(new GlobalIndexBatch.Tagged(position, operation));
            }
        }
        return new GlobalIndexBatch(TABLE, INDEX.id(), source, position, tagged);
    }

    private int entryCount() {
        int count = 0;
        try (StorageIterator it = storage.iterator(KeyLayout.indexStart(TABLE, INDEX.id()),
                KeyLayout.indexEnd(TABLE, INDEX.id()))) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                count++;
            }
        }
        return count;
    }

    private static Item red(String pk) {
        return new Item(Map.of("pk", AttributeValue.string(pk), "colour", AttributeValue.string("red")));
    }
}
