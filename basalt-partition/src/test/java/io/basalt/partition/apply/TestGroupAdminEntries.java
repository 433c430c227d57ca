package io.basalt.partition.apply;

import static io.basalt.partition.apply.TestGroupStateMachine.PARTITIONS;
import static io.basalt.partition.apply.TestGroupStateMachine.TABLE;
import static io.basalt.partition.apply.TestGroupStateMachine.entry;
import static io.basalt.partition.apply.TestGroupStateMachine.itemKey;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.partition.GroupPartition;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionMetadata;
import io.basalt.partition.PartitionPhase;
import io.basalt.partition.PartitionRecord;
import io.basalt.partition.log.ClosePartitionsEntry;
import io.basalt.partition.log.DropPartitionsEntry;
import io.basalt.partition.log.LogEntry;
import io.basalt.partition.log.LogEntryCodec;
import io.basalt.partition.log.OpenPartitionsEntry;
import io.basalt.storage.StorageEngine;
import io.basalt.storage.StorageIterator;
import io.basalt.storage.memory.InMemoryStorageEngine;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Group-admin entries (docs/design/cluster.md §6.2 step 4): a data group learns its partitions from its own log, so
 * two members applying the same entries hold the same partitions and bytes, and a member reopened from its storage
 * alone holds them again.
 */
class TestGroupAdminEntries {
    private static final long GROUP = 3;
    private static final PartitionId FIRST = PARTITIONS.get(0).id();
    private static final PartitionId SECOND = PARTITIONS.get(1).id();
    /** Another table's partition in the same group, which a drop of table 5 must leave alone. */
    private static final PartitionDescriptor OTHER = new PartitionDescriptor(new PartitionId(40), 6,
            KeyLayout.BASE_TABLE_INDEX, 0, -1L, GROUP, null, PartitionPhase.OPEN);
    private static final OpenPartitionsEntry OPEN = new OpenPartitionsEntry(List.of(
            new GroupPartition(PARTITIONS.get(0), List.of(1)), new GroupPartition(PARTITIONS.get(1), List.of(1)),
            new GroupPartition(OTHER, List.of())));

    /** The log both members apply: open, writes, a repeated open, the drop of table 5, a write after it. */
    private static List<LogEntry> log() {
        List<LogEntry> log = new ArrayList<>();
        log.add(OPEN);
        log.add(entry(FIRST, 1, "a"));
        log.add(entry(SECOND, 1, "b"));
        log.add(OPEN);
        log.add(entry(FIRST, 2, "c"));
        log.add(new DropPartitionsEntry(TABLE));
        log.add(entry(FIRST, 3, "after the drop"));
        return log;
    }

    @Test
    void twoMembersApplyingTheSameEntriesHoldTheSameBytes() {
        try (StorageEngine one = new InMemoryStorageEngine(); StorageEngine two = new InMemoryStorageEngine()) {
            GroupStateMachine first = new GroupStateMachine(one, GROUP);
            GroupStateMachine second = new GroupStateMachine(two, GROUP);
            List<LogEntry> log = log();
            List<List<ApplyOutcome>> outcomes = new ArrayList<>();
            for (int i = 0; i < log.size(); i++) {
                outcomes.add(first.apply(1, i + 1, log.get(i)));
                // The second member receives the bytes, as a follower does.
                assertThat(second.apply(1, i + 1, LogEntryCodec.encode(log.get(i)))).isEqualTo(outcomes.get(i));
            }
            assertThat(outcomes.get(6)).containsExactly(ApplyOutcome.REJECTED);
            assertThat(dump(one)).isEqualTo(dump(two));
            // Replays skip, on both.
            assertThat(first.apply(1, 1, OPEN)).containsExactly(ApplyOutcome.SKIPPED);
            assertThat(dump(one)).isEqualTo(dump(two));
        }
    }

    @Test
    void openingStoresThePartitionAndItsRecordAndAcceptsItsEntries() {
        try (StorageEngine storage = new InMemoryStorageEngine()) {
            GroupStateMachine machine = new GroupStateMachine(storage, GROUP);
            List<String> told = new ArrayList<>();
            machine.addPartitionsListener(listener(told));
            assertThat(machine.apply(1, 1, entry(FIRST, 1, "a"))).containsExactly(ApplyOutcome.REJECTED);
            assertThat(machine.apply(1, 2, OPEN)).containsExactly(ApplyOutcome.APPLIED);
            assertThat(told).containsExactly("opened " + List.of(FIRST, SECOND, OTHER.id()));
            assertThat(machine.holds(FIRST)).isTrue();
            assertThat(PartitionRecord.decode(storage.get(KeyLayout.partitionRecordKey(TABLE, FIRST))))
                    .isEqualTo(new PartitionRecord(PARTITIONS.get(0), PartitionMetadata.EMPTY));
            assertThat(machine.apply(1, 3, entry(FIRST, 1, "a"))).containsExactly(ApplyOutcome.APPLIED);
            // Opened again: nothing changes, and nobody is told.
            Map<String, String> before = dump(storage);
            assertThat(machine.apply(1, 4, OPEN)).containsExactly(ApplyOutcome.APPLIED);
            assertThat(without(dump(storage), KeyLayout.groupStateKey(GROUP)))
                    .isEqualTo(without(before, KeyLayout.groupStateKey(GROUP)));
            assertThat(told).hasSize(1);
            assertThat(machine.sequence(FIRST)).isEqualTo(1);
        }
    }

    @Test
    void aMemberReopenedFromItsStorageHoldsItsPartitionsWithTheirSequences() {
        try (StorageEngine storage = new InMemoryStorageEngine()) {
            GroupStateMachine machine = new GroupStateMachine(storage, GROUP);
            List<LogEntry> log = log().subList(0, 5);
            for (int i = 0; i < log.size(); i++) {
                machine.apply(1, i + 1, log.get(i));
            }
            GroupStateMachine reopened = new GroupStateMachine(storage, GROUP);
            assertThat(reopened.partitions()).containsExactlyInAnyOrderElementsOf(OPEN.partitions());
            assertThat(List.of(reopened.sequence(FIRST), reopened.sequence(SECOND), reopened.sequence(OTHER.id())))
                    .containsExactly(2L, 1L, 0L);
            // The local index is still owned: an entry writing its keys applies.
            assertThat(reopened.apply(1, 6, entry(FIRST, 3, "d"))).containsExactly(ApplyOutcome.APPLIED);
            // Another group in the same storage (the single-node log shares one) sees none of them.
            assertThat(new GroupStateMachine(storage, GROUP + 1).partitions()).isEmpty();
        }
    }

    @Test
    void droppingATableDeletesItsKeySpacesAndClosesOnlyItsPartitions() {
        try (StorageEngine storage = new InMemoryStorageEngine()) {
            GroupStateMachine machine = new GroupStateMachine(storage, GROUP);
            List<String> told = new ArrayList<>();
            machine.addPartitionsListener(listener(told));
            List<LogEntry> log = log();
            for (int i = 0; i < 6; i++) {
                machine.apply(1, i + 1, log.get(i));
            }
            assertThat(told).containsExactly("opened " + List.of(FIRST, SECOND, OTHER.id()),
                    "dropped " + TABLE + " " + List.of(FIRST, SECOND));
            assertThat(storage.get(itemKey(FIRST, "a"))).isNull();
            assertThat(storage.get(KeyLayout.partitionRecordKey(TABLE, FIRST))).isNull();
            assertThat(machine.holds(FIRST)).isFalse();
            assertThat(machine.holds(OTHER.id())).isTrue();
            assertThat(storage.get(KeyLayout.partitionRecordKey(OTHER.tableId(), OTHER.id()))).isNotNull();
            // What is left: the group's state, the other table's record and its group partition.
            assertThat(dump(storage)).hasSize(3);
            assertThat(new GroupStateMachine(storage, GROUP).partitions())
                    .containsExactly(new GroupPartition(OTHER, List.of()));
            // Dropping a table the group does not hold moves only the applied index.
            assertThat(machine.apply(1, 7, new DropPartitionsEntry(99))).containsExactly(ApplyOutcome.APPLIED);
            assertThat(told).hasSize(2);
        }
    }

    /** s18: a dropped global index's partitions are closed while their table lives on. */
    @Test
    void closingPartitionsOfALiveTableForgetsOnlyThem() {
        try (StorageEngine storage = new InMemoryStorageEngine()) {
            GroupStateMachine machine = new GroupStateMachine(storage, GROUP);
            List<String> told = new ArrayList<>();
            machine.addPartitionsListener(listener(told));
            List<LogEntry> log = log().subList(0, 5);
            for (int i = 0; i < log.size(); i++) {
                machine.apply(1, i + 1, log.get(i));
            }
            // A close naming another table's partition, or one the group does not hold, skips it.
            assertThat(machine.apply(1, 6, new ClosePartitionsEntry(TABLE, List.of(SECOND, OTHER.id(),
                    new PartitionId(999))))).containsExactly(ApplyOutcome.APPLIED);
            assertThat(told).containsExactly("opened " + List.of(FIRST, SECOND, OTHER.id()),
                    "dropped " + TABLE + " " + List.of(SECOND));
            assertThat(machine.holds(SECOND)).isFalse();
            assertThat(machine.holds(FIRST)).isTrue();
            assertThat(machine.holds(OTHER.id())).isTrue();
            assertThat(machine.apply(1, 7, entry(SECOND, 2, "after the close")))
                    .containsExactly(ApplyOutcome.REJECTED);
            assertThat(machine.apply(1, 8, entry(FIRST, 3, "d"))).containsExactly(ApplyOutcome.APPLIED);
            // Closing again changes nothing; a member reopened from its storage does not hold it either.
            assertThat(machine.apply(1, 9, new ClosePartitionsEntry(TABLE, List.of(SECOND))))
                    .containsExactly(ApplyOutcome.APPLIED);
            assertThat(told).hasSize(2);
            assertThat(new GroupStateMachine(storage, GROUP).partitions()).extracting(p -> p.descriptor().id())
                    .containsExactlyInAnyOrder(FIRST, OTHER.id());
        }
    }

    private static PartitionsListener listener(List<String> told) {
        return new PartitionsListener() {
            @Override
            public void opened(List<GroupPartition> partitions) {
                told.add("opened " + partitions.stream().map(p -> p.descriptor().id()).toList());
            }

            @Override
            public void dropped(long tableId, List<PartitionId> partitions) {
                told.add("dropped " + tableId + " " + partitions.stream().sorted(
                        java.util.Comparator.comparingLong(PartitionId::value)).toList());
            }
        };
    }

    private static Map<String, String> without(Map<String, String> dump, byte[] key) {
        Map<String, String> copy = new LinkedHashMap<>(dump);
        copy.remove(HexFormat.of().formatHex(key));
        return copy;
    }

    private static Map<String, String> dump(StorageEngine storage) {
        Map<String, String> dump = new LinkedHashMap<>();
        try (StorageIterator iterator = storage.iterator(new byte[] {0}, new byte[] {(byte) 0xFF})) {
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                dump.put(HexFormat.of().formatHex(iterator.key()), HexFormat.of().formatHex(iterator.value()));
            }
        }
        return dump;
    }
}
