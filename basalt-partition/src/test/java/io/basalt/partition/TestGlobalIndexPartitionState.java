package io.basalt.partition;

import static io.basalt.partition.TestItemOperation.item;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.Item;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.Projection;
import io.basalt.model.SecondaryIndex;
import io.basalt.partition.apply.ApplyOutcome;
import io.basalt.partition.apply.GroupStateMachine;
import io.basalt.partition.log.PartitionEntry;
import io.basalt.storage.StorageEngine;
import io.basalt.storage.StorageIterator;
import io.basalt.storage.WriteBatch;
import io.basalt.storage.memory.InMemoryStorageEngine;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A global index partition turns {@code GSI_APPLY} batches into its own log entries (cluster.md §15): entries,
 * the source's position in {@code 0x13} and the partition record in one entry, which the group state machine's key
 * check accepts; a batch applied twice or an old position replayed logs nothing; counts and sizes add up per
 * source.
 */
class TestGlobalIndexPartitionState {
    private static final long TABLE = 7;
    private static final KeySchema SCHEMA = KeySchema.of(new KeyAttribute("pk", AttributeType.S));
    private static final SecondaryIndex INDEX = new SecondaryIndex("byColour", 2, true,
            List.of(new KeyAttribute("colour", AttributeType.S)), List.of(), Projection.KEYS_ONLY);
    /** The index's one partition, covering the whole hash space of the index key. */
    private static final PartitionDescriptor PARTITION = PartitionDescriptor.equalRanges(TABLE, INDEX.id(), 20, 1,
            GroupStateMachine.LOCAL_GROUP_ID).get(0);
    private static final PartitionId SOURCE = new PartitionId(3);
    private static final PartitionId OTHER_SOURCE = new PartitionId(4);

    private final StorageEngine storage = new InMemoryStorageEngine();
    private final GroupStateMachine group = new GroupStateMachine(storage, GroupStateMachine.LOCAL_GROUP_ID);
    private final IndexMaintainer maintainer = new IndexMaintainer(TABLE, SCHEMA, INDEX);
    private final GlobalIndexPartitionState state;

    TestGlobalIndexPartitionState() {
        group.openPartition(PARTITION, List.of());
        state = new GlobalIndexPartitionState(PARTITION, storage, () -> 1_000L);
    }

    @AfterEach
    void close() {
        storage.close();
    }

    @Test
    void aBatchBecomesOneEntryWithItsPositionAndTheRecord() {
        GlobalIndexPartitionState.Evaluated evaluated = applyThroughTheLog(changes(SOURCE, 5, null, red("a"),
                null, red("b")));
        assertThat(evaluated.entry().sequence()).isEqualTo(1);
        assertThat(evaluated.applied()).isEqualTo(2);
        assertThat(evaluated.position()).isEqualTo(new IndexPosition(5, 0));
        assertThat(entryCount()).isEqualTo(2);
        PartitionRecord record = PartitionRecord.decode(storage.get(KeyLayout.partitionRecordKey(TABLE,
                PARTITION.id())));
        assertThat(record.descriptor()).isEqualTo(PARTITION);
        assertThat(record.metadata()).isEqualTo(new PartitionMetadata(1, 2, 2 * sizeOf(red("a"))));
        assertThat(IndexPartitionState.decode(storage.get(KeyLayout.globalIndexPositionKey(TABLE, INDEX.id(),
                PARTITION.id(), SOURCE))).position()).isEqualTo(new IndexPosition(5, 0));
        // A restarted leader reads the same from storage.
        GlobalIndexPartitionState restarted = new GlobalIndexPartitionState(PARTITION, storage, () -> 2_000L);
        assertThat(restarted.metadata()).isEqualTo(record.metadata());
        assertThat(restarted.position(SOURCE)).isEqualTo(new IndexPosition(5, 0));
        assertThat(restarted.position(OTHER_SOURCE)).isEqualTo(IndexPosition.START);
    }

    @Test
    void theSameBatchTwiceAndAnOldPositionLogNothing() {
        GlobalIndexBatch first = changes(SOURCE, 5, null, red("a"));
        applyThroughTheLog(first);
        applyThroughTheLog(changes(SOURCE, 6, red("a"), blue("a")));
        List<String> current = entryKeys();

        GlobalIndexPartitionState.Evaluated again = state.evaluate(first);

        assertThat(again.entry()).as("nothing to log").isNull();
        assertThat(again.skipped()).isEqualTo(1);
        assertThat(again.position()).isEqualTo(new IndexPosition(6, 0));
        assertThat(entryKeys()).isEqualTo(current);
        assertThat(state.metadata().itemCount()).isEqualTo(1);
    }

    @Test
    void countsAreSummedOverSourcesAndPositionsKeptPerSource() {
        applyThroughTheLog(changes(SOURCE, 5, null, red("a")));
        applyThroughTheLog(changes(OTHER_SOURCE, 2, null, red("b"), null, blue("c")));
        applyThroughTheLog(changes(SOURCE, 6, red("a"), null));
        assertThat(state.metadata().itemCount()).isEqualTo(2);
        assertThat(state.metadata().appliedIndex()).isEqualTo(3);
        assertThat(state.position(SOURCE)).isEqualTo(new IndexPosition(6, 0));
        assertThat(state.position(OTHER_SOURCE)).isEqualTo(new IndexPosition(2, 0));
        assertThat(entryCount()).isEqualTo(2);
    }

    @Test
    void anEntryTheGroupRejectsIsForgottenByReset() {
        GlobalIndexPartitionState.Evaluated lost = state.evaluate(changes(SOURCE, 5, null, red("a")));
        assertThat(lost.entry()).isNotNull();
        // The entry never reaches the log (the leader lost it): the next one would not apply on top of it.
        state.reset();
        assertThat(state.metadata().appliedIndex()).isZero();
        assertThat(state.position(SOURCE)).isEqualTo(IndexPosition.START);
        applyThroughTheLog(changes(SOURCE, 5, null, red("a")));
        assertThat(entryCount()).isEqualTo(1);
    }

    @Test
    void aBatchOfAnotherIndexIsRefused() {
        GlobalIndexBatch other = new GlobalIndexBatch(TABLE, INDEX.id() + 1, SOURCE, new IndexPosition(1, 0),
                List.of());
        assertThatThrownBy(() -> state.evaluate(other)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sent to partition 20");
        assertThatThrownBy(() -> new GlobalIndexPartitionState(PartitionDescriptor.equalRanges(TABLE, 0, 1, 1, 1)
                .get(0), storage, () -> 0L)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theGroupRefusesPositionsOfAnotherPartition() {
        GlobalIndexPartitionState.Evaluated evaluated = state.evaluate(changes(SOURCE, 5, null, red("a")));
        List<WriteBatch.Operation> operations = new ArrayList<>(evaluated.entry().operations());
        operations.add(new WriteBatch.Put(KeyLayout.globalIndexPositionKey(TABLE, INDEX.id(), new PartitionId(21),
                SOURCE), new byte[] {1}));
        PartitionEntry forged = new PartitionEntry(PARTITION.id(), TABLE, evaluated.entry().sequence(), 0, 1,
                operations);
        assertThat(group.applyNext(List.of(forged), false)).containsExactly(ApplyOutcome.REJECTED);
    }

    private GlobalIndexPartitionState.Evaluated applyThroughTheLog(GlobalIndexBatch batch) {
        GlobalIndexPartitionState.Evaluated evaluated = state.evaluate(batch);
        assertThat(evaluated.entry()).isNotNull();
        assertThat(group.applyNext(List.of(evaluated.entry()), false)).containsExactly(ApplyOutcome.APPLIED);
        return evaluated;
    }

    /** A change record of {@code source} at {@code sequence}: old and new image pairs. */
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

    private List<String> entryKeys() {
        List<String> keys = new ArrayList<>();
        try (StorageIterator it = storage.iterator(KeyLayout.indexStart(TABLE, INDEX.id()),
                KeyLayout.indexEnd(TABLE, INDEX.id()))) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                keys.add(java.util.HexFormat.of().formatHex(it.key()));
            }
        }
        return keys;
    }

    private int entryCount() {
        return entryKeys().size();
    }

    private static long sizeOf(Item item) {
        return IndexEntries.size(IndexEntries.project(SCHEMA, INDEX, item));
    }

    private static Item red(String pk) {
        return item("pk", AttributeValue.string(pk), "colour", AttributeValue.string("red"));
    }

    private static Item blue(String pk) {
        return item("pk", AttributeValue.string(pk), "colour", AttributeValue.string("blue"));
    }
}
