package io.basalt.partition.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionMetadata;
import io.basalt.partition.PartitionRecord;
import io.basalt.partition.encoding.ByteWriter;
import io.basalt.partition.log.LogEntryCodec;
import io.basalt.partition.log.MultiEntry;
import io.basalt.partition.log.OperationList;
import io.basalt.partition.log.PartitionEntry;
import io.basalt.storage.StorageEngine;
import io.basalt.storage.StorageIterator;
import io.basalt.storage.memory.InMemoryStorageEngine;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TestGroupStateMachine {
    static final long TABLE = 5;
    /** The table's local secondary index, whose entries live with the table's items. */
    private static final int LOCAL_INDEX = 1;
    /** Two partitions of table 5: hashes below 2^63 (unsigned) are the first's. */
    static final List<PartitionDescriptor> PARTITIONS = PartitionDescriptor.equalRanges(TABLE,
            KeyLayout.BASE_TABLE_INDEX, 10, 2, GroupStateMachine.LOCAL_GROUP_ID);
    private static final PartitionId FIRST = PARTITIONS.get(0).id();
    private static final PartitionId SECOND = PARTITIONS.get(1).id();
    private static final byte[] GROUP_KEY = KeyLayout.groupStateKey(GroupStateMachine.LOCAL_GROUP_ID);

    private final StorageEngine storage = new InMemoryStorageEngine();
    private final GroupStateMachine machine = open();

    @AfterEach
    void close() {
        storage.close();
    }

    private GroupStateMachine open() {
        GroupStateMachine opened = new GroupStateMachine(storage, GroupStateMachine.LOCAL_GROUP_ID);
        opened.openPartition(PARTITIONS.get(0), List.of(LOCAL_INDEX));
        opened.openPartition(PARTITIONS.get(1), List.of(LOCAL_INDEX));
        return opened;
    }

    @Test
    void appliesAnEntryWithItsIndexInOneBatch() {
        assertThat(machine.appliedIndex()).isZero();
        assertThat(machine.apply(3, 1, entry(FIRST, 1, "a"))).containsExactly(ApplyOutcome.APPLIED);

        assertThat(storage.get(itemKey(FIRST, "a"))).isEqualTo(value("a"));
        assertThat(GroupApplyState.decode(storage.get(GROUP_KEY))).isEqualTo(new GroupApplyState(3, 1));
        assertThat(machine.sequence(FIRST)).isEqualTo(1);
        assertThat(List.of(machine.appliedTerm(), machine.appliedIndex())).containsExactly(3L, 1L);
    }

    @Test
    void encodedEntriesApplyAsTheirValuesDo() {
        assertThat(machine.apply(1, 1, LogEntryCodec.encode(entry(FIRST, 1, "a"))))
                .containsExactly(ApplyOutcome.APPLIED);
        assertThat(storage.get(itemKey(FIRST, "a"))).isEqualTo(value("a"));
        assertThatThrownBy(() -> machine.apply(1, 2, new byte[] {9, 9})).isInstanceOf(IllegalArgumentException.class);
        assertThat(machine.appliedIndex()).isEqualTo(1);
    }

    @Test
    void aSequenceGapOrRepeatIsRejectedAndOnlyTheAppliedIndexMoves() {
        machine.apply(1, 1, entry(FIRST, 1, "a"));
        Map<String, String> before = dumpWithoutGroupState();

        assertThat(machine.apply(1, 2, entry(FIRST, 3, "gap"))).containsExactly(ApplyOutcome.REJECTED);
        assertThat(machine.apply(1, 3, entry(FIRST, 1, "repeat"))).containsExactly(ApplyOutcome.REJECTED);

        assertThat(dumpWithoutGroupState()).isEqualTo(before);
        assertThat(GroupApplyState.decode(storage.get(GROUP_KEY)).index()).isEqualTo(3);
        assertThat(machine.sequence(FIRST)).isEqualTo(1);
        // The sequence that follows still applies.
        assertThat(machine.apply(1, 4, entry(FIRST, 2, "b"))).containsExactly(ApplyOutcome.APPLIED);
    }

    @Test
    void entriesAtOrBelowTheAppliedIndexAreSkipped() {
        machine.apply(1, 1, entry(FIRST, 1, "a"));
        machine.apply(1, 2, entry(FIRST, 2, "b"));
        Map<String, String> before = dump();

        assertThat(machine.apply(1, 2, entry(FIRST, 3, "c"))).containsExactly(ApplyOutcome.SKIPPED);
        assertThat(machine.apply(1, 1, entry(SECOND, 1, "d"))).containsExactly(ApplyOutcome.SKIPPED);

        assertThat(dump()).isEqualTo(before);
        assertThat(machine.appliedIndex()).isEqualTo(2);
        // A replayed batch that straddles the applied index applies only what is new.
        assertThat(machine.applyAll(1, 2, List.of(entry(FIRST, 2, "b"), entry(FIRST, 3, "c")), false))
                .containsExactly(ApplyOutcome.SKIPPED, ApplyOutcome.APPLIED);
        assertThat(machine.appliedIndex()).isEqualTo(3);
    }

    @Test
    void aMultiEntryWithOneRejectedInnerEntryAppliesTheOthers() {
        MultiEntry multi = new MultiEntry(List.of(entry(FIRST, 1, "a"), entry(SECOND, 5, "late"),
                entry(SECOND, 1, "b")));
        assertThat(machine.apply(1, 1, multi))
                .containsExactly(ApplyOutcome.APPLIED, ApplyOutcome.REJECTED, ApplyOutcome.APPLIED);
        assertThat(storage.get(itemKey(FIRST, "a"))).isNotNull();
        assertThat(storage.get(itemKey(SECOND, "late"))).isNull();
        assertThat(storage.get(itemKey(SECOND, "b"))).isNotNull();
    }

    @Test
    void anEntryWritingOutsideItsPartitionIsRejectedWhole() {
        // An item key whose hash belongs to the other partition, a key of another table, an unknown key space.
        // An item key whose hash belongs to the other partition, an item key of an index the partition does not own,
        // keys of another table, partition-scoped keys naming the other partition, spaces no entry writes.
        List<byte[]> foreign = List.of(itemKey(SECOND, "x"), itemKey(FIRST, 2, "x"),
                withTable(itemKey(FIRST, "x"), TABLE + 1), KeyLayout.partitionRecordKey(TABLE, SECOND),
                KeyLayout.partitionRecordKey(TABLE + 1, FIRST), KeyLayout.changeKey(TABLE, SECOND, 1),
                KeyLayout.preparedKey(TABLE, SECOND, 1), KeyLayout.indexStateKey(TABLE, SECOND, LOCAL_INDEX),
                KeyLayout.indexStateKey(TABLE, FIRST, 2), KeyLayout.itemCollectionKey(TABLE + 1,
                        io.basalt.model.AttributeValue.string("x")),
                KeyLayout.catalogKey("t"), KeyLayout.transactionKey(1), v1Key(KeyLayout.V1_PARTITIONS),
                v1Key(KeyLayout.V1_CHANGES), KeyLayout.groupStateKey(1));
        for (byte[] key : foreign) {
            PartitionEntry entry = new PartitionEntry(FIRST, TABLE, machine.sequence(FIRST) + 1, 0, 0,
                    OperationList.builder(2).put(itemKey(FIRST, "ok"), value("ok")).put(key, value("x")).build());
            assertThat(machine.apply(1, machine.appliedIndex() + 1, entry)).containsExactly(ApplyOutcome.REJECTED);
        }
        assertThat(storage.get(itemKey(FIRST, "ok"))).as("never half applied").isNull();
        assertThat(machine.sequence(FIRST)).isZero();
        PartitionEntry otherTable = new PartitionEntry(FIRST, TABLE + 1, 1, 0, 0, List.of());
        assertThat(machine.apply(1, machine.appliedIndex() + 1, otherTable)).containsExactly(ApplyOutcome.REJECTED);
    }

    @Test
    void anEntryMayWriteEveryKeyItsPartitionOwns() {
        List<byte[]> owned = List.of(itemKey(FIRST, LOCAL_INDEX, "x"), KeyLayout.changeKey(TABLE, FIRST, 1),
                KeyLayout.preparedKey(TABLE, FIRST, 7), KeyLayout.indexStateKey(TABLE, FIRST, LOCAL_INDEX));
        OperationList.Builder operations = OperationList.builder(8);
        owned.forEach(key -> operations.put(key, value("x")));
        operations.put(KeyLayout.partitionRecordKey(TABLE, FIRST), record(FIRST, 1));
        PartitionEntry entry = new PartitionEntry(FIRST, TABLE, 1, 0, 0, operations.build());
        assertThat(machine.apply(1, 1, entry)).containsExactly(ApplyOutcome.APPLIED);
        owned.forEach(key -> assertThat(storage.get(key)).isEqualTo(value("x")));
    }

    @Test
    void aStoredRecordOfAnotherPartitionRefusesTheOpen() {
        machine.apply(1, 1, entry(FIRST, 1, "a"));
        PartitionDescriptor moved = PartitionDescriptor.open(FIRST, TABLE, 0, 5, GroupStateMachine.LOCAL_GROUP_ID);
        assertThatThrownBy(() -> machine.openPartition(moved, List.of()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("does not match");
    }

    @Test
    void entriesOfAPartitionTheGroupDoesNotHoldAreRejected() {
        machine.closePartition(SECOND);
        assertThat(machine.apply(1, 1, entry(SECOND, 1, "a"))).containsExactly(ApplyOutcome.REJECTED);
        assertThat(machine.sequence(SECOND)).isEqualTo(-1);
        assertThat(storage.get(itemKey(SECOND, "a"))).isNull();
    }

    @Test
    void aReopenedStateMachineContinuesFromStorage() {
        machine.applyNext(List.of(entry(FIRST, 1, "a"), entry(SECOND, 1, "b"), entry(FIRST, 2, "c")), true);
        GroupStateMachine reopened = open();
        assertThat(reopened.appliedIndex()).isEqualTo(3);
        assertThat(reopened.sequence(FIRST)).isEqualTo(2);
        assertThat(reopened.sequence(SECOND)).isEqualTo(1);
        assertThat(reopened.applyNext(List.of(entry(FIRST, 3, "d")), true)).containsExactly(ApplyOutcome.APPLIED);
        assertThat(reopened.appliedIndex()).isEqualTo(4);
    }

    @Test
    void listenersHearEveryAppliedOrRejectedEntryInOrder() {
        List<String> heard = new ArrayList<>();
        machine.addListener((term, index, entry, outcomes) -> heard.add(index + ":" + outcomes));
        machine.applyNext(List.of(entry(FIRST, 1, "a"), entry(FIRST, 9, "b")), false);
        machine.apply(1, 2, entry(FIRST, 2, "skipped"));
        assertThat(heard).containsExactly("1:[APPLIED]", "2:[REJECTED]");
    }

    @Test
    void aStorageFailureStopsTheStateMachine() {
        StorageEngine broken = new InMemoryStorageEngine();
        GroupStateMachine failing = new GroupStateMachine(broken, GroupStateMachine.LOCAL_GROUP_ID);
        failing.openPartition(PARTITIONS.get(0), List.of());
        broken.close();
        assertThatThrownBy(() -> failing.apply(1, 1, entry(FIRST, 1, "a"))).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> failing.apply(1, 2, entry(FIRST, 1, "a")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("storage failure");
    }

    /** An entry of {@code partition} at {@code sequence} writing one item and the partition record. */
    static PartitionEntry entry(PartitionId partition, long sequence, String item) {
        return new PartitionEntry(partition, TABLE, sequence, 0, 0, OperationList.builder(2)
                .put(itemKey(partition, item), value(item))
                .put(KeyLayout.partitionRecordKey(TABLE, partition), record(partition, sequence))
                .build());
    }

    private static byte[] record(PartitionId partition, long sequence) {
        return new PartitionRecord(descriptor(partition), new PartitionMetadata(sequence, 0, 0)).encode();
    }

    private static PartitionDescriptor descriptor(PartitionId partition) {
        return partition.equals(FIRST) ? PARTITIONS.get(0) : PARTITIONS.get(1);
    }

    /** An item key of {@code partition} (of two): the item's name picks the low bits of a hash in its range. */
    static byte[] itemKey(PartitionId partition, String item) {
        return itemKey(partition, KeyLayout.BASE_TABLE_INDEX, item);
    }

    private static byte[] itemKey(PartitionId partition, int indexId, String item) {
        long hash = descriptor(partition).hashFirst() + (item.hashCode() & 0xFFFFL);
        return new ByteWriter(32).writeByte(KeyLayout.ITEMS).writeLong(TABLE).writeByte(indexId >>> 8)
                .writeByte(indexId).writeLong(hash).writeBytes(value(item)).toByteArray();
    }

    private static byte[] withTable(byte[] key, long tableId) {
        byte[] copy = key.clone();
        System.arraycopy(new ByteWriter(8).writeLong(tableId).toByteArray(), 0, copy, 1, 8);
        return copy;
    }

    /** A key of a retired v1 space, shaped as the first partition's would have been. */
    private static byte[] v1Key(byte keySpace) {
        return new ByteWriter(21).writeByte(keySpace).writeLong(TABLE).writeInt(0).writeLong(1).toByteArray();
    }

    private static byte[] value(String item) {
        return item.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private Map<String, String> dumpWithoutGroupState() {
        Map<String, String> dump = dump();
        dump.remove(HexFormat.of().formatHex(GROUP_KEY));
        return dump;
    }

    private Map<String, String> dump() {
        Map<String, String> dump = new LinkedHashMap<>();
        try (StorageIterator iterator = storage.iterator(new byte[] {0}, new byte[] {(byte) 0xFF})) {
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                dump.put(HexFormat.of().formatHex(iterator.key()), HexFormat.of().formatHex(iterator.value()));
            }
        }
        return dump;
    }
}
