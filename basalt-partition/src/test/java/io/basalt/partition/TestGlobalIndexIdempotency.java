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
import io.basalt.partition.log.OperationList;
import io.basalt.storage.StorageEngine;
import io.basalt.storage.StorageIterator;
import io.basalt.storage.WriteBatch;
import io.basalt.storage.memory.InMemoryStorageEngine;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GSI_APPLY} batches are idempotent per source position (cluster.md §15): the same batch applied twice, an
 * old position replayed, and a backfill chunk arriving after a later change leave the entries, their count and
 * size exactly as applying each operation once in order would.
 */
class TestGlobalIndexIdempotency {
    private static final long TABLE = 7;
    private static final KeySchema SCHEMA = KeySchema.of(new KeyAttribute("pk", AttributeType.S));
    private static final SecondaryIndex INDEX = new SecondaryIndex("byColour", 1, true,
            List.of(new KeyAttribute("colour", AttributeType.S)), List.of(), Projection.KEYS_ONLY);
    private static final PartitionId SOURCE = new PartitionId(3);
    private static final byte[] STATE_KEY = KeyLayout.indexStateKey(TABLE, SOURCE, INDEX.id());

    private final StorageEngine storage = new InMemoryStorageEngine();
    private final IndexMaintainer maintainer = new IndexMaintainer(TABLE, SCHEMA, INDEX);

    @AfterEach
    void close() {
        storage.close();
    }

    @Test
    void theSameBatchAppliedTwiceChangesNothingTheSecondTime() {
        GlobalIndexBatch batch = changes(1, null, red("a"), null, red("b"));
        GlobalIndexApplier.Applied first = apply(batch);
        assertThat(first.applied()).isEqualTo(2);
        Map<String, String> afterFirst = dump();
        IndexPartitionState stateAfterFirst = state();

        GlobalIndexApplier.Applied second = apply(batch);

        assertThat(second.applied()).isZero();
        assertThat(second.skipped()).isEqualTo(2);
        assertThat(dump()).isEqualTo(afterFirst);
        assertThat(state()).isEqualTo(stateAfterFirst);
        assertThat(state().itemCount()).isEqualTo(2);
        assertThat(state().position()).isEqualTo(new IndexPosition(1, 0));
    }

    @Test
    void anOldPositionReplayedIsSkipped() {
        apply(changes(1, null, red("a")));
        apply(changes(2, red("a"), blue("a")));
        Map<String, String> current = dump();

        // Sequence 1 again (a resend after a leader change, say): it would put the red entry back.
        GlobalIndexApplier.Applied replayed = apply(changes(1, null, red("a")));

        assertThat(replayed.applied()).isZero();
        assertThat(dump()).isEqualTo(current);
        assertThat(entries()).containsExactly(entryKey(blue("a")));
        assertThat(state()).isEqualTo(new IndexPartitionState(1, sizeOf(blue("a")), 2, true));
    }

    @Test
    void aBackfillChunkAfterALaterChangeIsSkipped() {
        // The backfill copies the partition as of sequence 4: its chunks sort after (4, 0) and before (5, 0).
        storage.write(new WriteBatch().put(STATE_KEY, new IndexPartitionState(0, 0, 4, false).encode()), false);
        apply(chunk(4, 1, red("a")));
        apply(changes(5, red("a"), blue("a")));

        // Chunk 1 resent (its image of "a" is stale) and a chunk numbered after it: both older than sequence 5.
        GlobalIndexApplier.Applied stale = apply(chunk(4, 1, red("a")));
        GlobalIndexApplier.Applied late = apply(chunk(4, 2, red("b")));

        assertThat(stale.applied()).isZero();
        assertThat(late.applied()).isZero();
        assertThat(entries()).containsExactly(entryKey(blue("a")));
        assertThat(state().position()).isEqualTo(new IndexPosition(5, 0));
        assertThat(state().itemCount()).isEqualTo(1);
    }

    @Test
    void chunksInOrderThenChangesApplyAndCountOnce() {
        storage.write(new WriteBatch().put(STATE_KEY, new IndexPartitionState(0, 0, 4, false).encode()), false);
        apply(chunk(4, 1, red("a"), red("b")));
        apply(chunk(4, 1, red("a"), red("b")));
        apply(chunk(4, 2, red("c")));
        assertThat(state().position()).isEqualTo(new IndexPosition(4, 2));
        assertThat(state().itemCount()).isEqualTo(3);

        apply(changes(5, red("b"), null));
        apply(changes(5, red("b"), null));

        assertThat(entries()).containsExactlyInAnyOrder(entryKey(red("a")), entryKey(red("c")));
        assertThat(state()).isEqualTo(new IndexPartitionState(2, sizeOf(red("a")) + sizeOf(red("c")), 5, false));
        // The state survives its encoding, sub-position included.
        assertThat(IndexPartitionState.decode(new IndexPartitionState(1, 2, 4, 3, false).encode()))
                .isEqualTo(new IndexPartitionState(1, 2, 4, 3, false));
    }

    @Test
    void aBatchWithoutOperationsOnlyMovesThePositionForward() {
        apply(changes(3, null, red("a")));
        apply(new GlobalIndexBatch(TABLE, INDEX.id(), SOURCE, new IndexPosition(9, 0), List.of()));
        assertThat(state().position()).isEqualTo(new IndexPosition(9, 0));
        apply(new GlobalIndexBatch(TABLE, INDEX.id(), SOURCE, new IndexPosition(2, 0), List.of()));
        assertThat(state().position()).isEqualTo(new IndexPosition(9, 0));
        assertThat(state().itemCount()).isEqualTo(1);
    }

    @Test
    void operationsMustBeInOrderAndCoveredByThrough() {
        IndexEntryOperation put = maintainer.backfillEntry(red("a"));
        assertThatThrownBy(() -> new GlobalIndexBatch(TABLE, INDEX.id(), SOURCE, new IndexPosition(5, 0),
                List.of(new GlobalIndexBatch.Tagged(new IndexPosition(5, 0), put),
                        new GlobalIndexBatch.Tagged(new IndexPosition(4, 0), put))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GlobalIndexBatch(TABLE, INDEX.id(), SOURCE, new IndexPosition(4, 0),
                List.of(new GlobalIndexBatch.Tagged(new IndexPosition(5, 0), put))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theMaintainerSharesKeysAndProjectionsWithTheLocalPath() {
        IndexDelta moved = maintainer.delta(red("a"), blue("a"));
        assertThat(moved.replayOperations()).hasSize(2);
        assertThat(moved.countDelta()).isZero();
        assertThat(moved.units()).isEqualTo(2.0);
        IndexDelta same = maintainer.delta(red("a"), with(red("a"), "size", AttributeValue.string("big")));
        // KEYS_ONLY: the entry does not change, so no write units, but a replay still puts the entry it names.
        assertThat(same.units()).isZero();
        assertThat(same.replayOperations()).singleElement()
                .isInstanceOf(IndexEntryOperation.IndexEntryPut.class);
        assertThat(maintainer.delta(item("pk", AttributeValue.string("a")), null).replayOperations()).isEmpty();
        assertThat(maintainer.backfillEntry(item("pk", AttributeValue.string("a"),
                "colour", AttributeValue.string("")))).as("an empty key value is left out").isNull();
        assertThat(maintainer.backfillEntry(red("a")).projectedItem())
                .isEqualTo(item("pk", AttributeValue.string("a"), "colour", AttributeValue.string("red")));
    }

    /** A change record at {@code sequence}: old and new image pairs. */
    private GlobalIndexBatch changes(long sequence, Item... oldAndNew) {
        IndexPosition position = new IndexPosition(sequence, 0);
        List<GlobalIndexBatch.Tagged> tagged = new ArrayList<>();
        for (int i = 0; i < oldAndNew.length; i += 2) {
            for (IndexEntryOperation operation : maintainer.delta(oldAndNew[i], oldAndNew[i + 1])
                    .replayOperations()) {
                tagged.add(new GlobalIndexBatch.Tagged(position, operation));
            }
        }
        return new GlobalIndexBatch(TABLE, INDEX.id(), SOURCE, position, tagged);
    }

    private GlobalIndexBatch chunk(long asOf, int number, Item... items) {
        IndexPosition position = new IndexPosition(asOf, number);
        List<GlobalIndexBatch.Tagged> tagged = new ArrayList<>();
        for (Item item : items) {
            tagged.add(new GlobalIndexBatch.Tagged(position, maintainer.backfillEntry(item)));
        }
        return new GlobalIndexBatch(TABLE, INDEX.id(), SOURCE, position, tagged);
    }

    private GlobalIndexApplier.Applied apply(GlobalIndexBatch batch) {
        OperationList.Builder operations = OperationList.builder(8);
        GlobalIndexApplier.Applied applied = new GlobalIndexApplier(storage).apply(batch, STATE_KEY, state(),
                operations);
        WriteBatch write = new WriteBatch();
        operations.build().forEach(write::add);
        storage.write(write, false);
        assertThat(state()).isEqualTo(applied.state());
        return applied;
    }

    private IndexPartitionState state() {
        return IndexPartitionState.decode(storage.get(STATE_KEY));
    }

    private List<String> entries() {
        List<String> keys = new ArrayList<>();
        try (StorageIterator it = storage.iterator(KeyLayout.indexStart(TABLE, INDEX.id()),
                KeyLayout.indexEnd(TABLE, INDEX.id()))) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                keys.add(hex(it.key()));
            }
        }
        return keys;
    }

    private Map<String, String> dump() {
        Map<String, String> all = new LinkedHashMap<>();
        try (StorageIterator it = storage.iterator(new byte[] {0}, new byte[] {(byte) 0xFF})) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                all.put(hex(it.key()), hex(it.value()));
            }
        }
        return all;
    }

    private String entryKey(Item item) {
        return hex(KeyLayout.indexEntryKey(TABLE, SCHEMA, INDEX, item));
    }

    private static long sizeOf(Item item) {
        return IndexEntries.size(IndexEntries.project(SCHEMA, INDEX, item));
    }

    private static Item red(String pk) {
        return item("pk", AttributeValue.string(pk), "colour", AttributeValue.string("red"), "n",
                AttributeValue.string("1"));
    }

    private static Item blue(String pk) {
        return item("pk", AttributeValue.string(pk), "colour", AttributeValue.string("blue"));
    }

    private static Item with(Item base, String name, AttributeValue value) {
        Map<String, AttributeValue> attributes = new LinkedHashMap<>(base.attributes());
        attributes.put(name, value);
        return new Item(attributes);
    }

    private static String hex(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            out.append(String.format("%02x", b));
        }
        return out.toString();
    }
}
