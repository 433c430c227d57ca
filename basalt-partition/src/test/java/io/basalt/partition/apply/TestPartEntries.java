package io.basalt.partition.apply;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.partition.PartitionId;
import io.basalt.partition.log.LogEntry;
import io.basalt.partition.log.LogEntryCodec;
import io.basalt.partition.log.PartEntry;
import io.basalt.partition.log.PartitionEntry;
import io.basalt.storage.StorageEngine;
import io.basalt.storage.StorageIterator;
import io.basalt.storage.WriteBatch;
import io.basalt.storage.memory.InMemoryStorageEngine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Oversized entries in parts (docs/design/cluster.md §5.3): staged parts apply only when complete and in order, a
 * partition's next entry that does not continue them discards them, and a restart rebuilds what is staged — the same
 * on every member, as a leader killed between parts leaves it.
 */
class TestPartEntries {
    private static final PartitionId FIRST = TestGroupStateMachine.PARTITIONS.get(0).id();
    private static final PartitionId SECOND = TestGroupStateMachine.PARTITIONS.get(1).id();

    private final StorageEngine storage = new InMemoryStorageEngine();
    private GroupStateMachine machine = open();
    private long index;
    private final List<LogEntry> heard = new ArrayList<>();

    @AfterEach
    void close() {
        storage.close();
    }

    private GroupStateMachine open() {
        GroupStateMachine opened = new GroupStateMachine(storage, 7);
        opened.openPartition(TestGroupStateMachine.PARTITIONS.get(0), List.of());
        opened.openPartition(TestGroupStateMachine.PARTITIONS.get(1), List.of());
        opened.addListener((term, at, entry, outcomes) -> heard.add(entry));
        return opened;
    }

    @Test
    void partsApplyTheWholeEntryAtTheLastPartAndLeaveNothingStaged() {
        PartitionEntry whole = bigEntry(FIRST, 1, "a", 5000);
        List<PartEntry> parts = split(whole, 1200);
        assertThat(parts).hasSize(5);
        for (PartEntry part : parts.subList(0, 4)) {
            assertThat(apply(part)).containsExactly(ApplyOutcome.APPLIED);
            assertThat(storage.get(TestGroupStateMachine.itemKey(FIRST, "a"))).isNull();
        }
        assertThat(stagedKeys()).hasSize(4);
        assertThat(machine.sequence(FIRST)).isZero();
        assertThat(apply(parts.get(4))).containsExactly(ApplyOutcome.APPLIED);
        assertThat(storage.get(TestGroupStateMachine.itemKey(FIRST, "a"))).hasSize(5000);
        assertThat(machine.sequence(FIRST)).isEqualTo(1);
        assertThat(stagedKeys()).isEmpty();
        // Listeners hear the completed entry in place of its last part, so a proposer can recognise it.
        assertThat(heard.get(heard.size() - 1)).isInstanceOf(PartitionEntry.class);
        assertThat(((PartitionEntry) heard.get(heard.size() - 1)).nonce()).isEqualTo(whole.nonce());
    }

    @Test
    void anotherEntryOfThePartitionDiscardsStagedPartsAndTheLastPartIsRejected() {
        List<PartEntry> parts = split(bigEntry(FIRST, 1, "a", 3000), 1200);
        apply(parts.get(0));
        apply(parts.get(1));
        // A new leader's entry takes the sequence: the old leader's parts are gone, its last part is rejected.
        assertThat(apply(bigEntry(FIRST, 1, "b", 10))).containsExactly(ApplyOutcome.APPLIED);
        assertThat(stagedKeys()).isEmpty();
        assertThat(apply(parts.get(2))).containsExactly(ApplyOutcome.REJECTED);
        assertThat(storage.get(TestGroupStateMachine.itemKey(FIRST, "a"))).isNull();
        // Entries of other partitions leave the parts alone.
        List<PartEntry> again = split(bigEntry(FIRST, 2, "c", 3000), 1200);
        apply(again.get(0));
        assertThat(apply(bigEntry(SECOND, 1, "d", 10))).containsExactly(ApplyOutcome.APPLIED);
        apply(again.get(1));
        assertThat(apply(again.get(2))).containsExactly(ApplyOutcome.APPLIED);
        assertThat(storage.get(TestGroupStateMachine.itemKey(FIRST, "c"))).hasSize(3000);
    }

    @Test
    void partsOutOfOrderOrOfAnotherSequenceAreRejected() {
        List<PartEntry> parts = split(bigEntry(FIRST, 1, "a", 3000), 1200);
        assertThat(apply(parts.get(1))).containsExactly(ApplyOutcome.REJECTED);
        List<PartEntry> later = split(bigEntry(FIRST, 2, "a", 3000), 1200);
        assertThat(apply(later.get(0))).containsExactly(ApplyOutcome.REJECTED);
        apply(parts.get(0));
        assertThat(apply(parts.get(2))).containsExactly(ApplyOutcome.REJECTED);
        assertThat(stagedKeys()).isEmpty();
        assertThat(machine.sequence(FIRST)).isZero();
    }

    @Test
    void aRestartRebuildsTheStagedPartsSoTheEntryCompletes() {
        List<PartEntry> parts = split(bigEntry(FIRST, 1, "a", 3000), 1200);
        apply(parts.get(0));
        apply(parts.get(1));
        machine = open();
        assertThat(apply(parts.get(2))).containsExactly(ApplyOutcome.APPLIED);
        assertThat(storage.get(TestGroupStateMachine.itemKey(FIRST, "a"))).hasSize(3000);
        assertThat(stagedKeys()).isEmpty();
    }

    private List<ApplyOutcome> apply(LogEntry entry) {
        index++;
        return machine.apply(1, index, LogEntryCodec.encode(entry));
    }

    private static PartitionEntry bigEntry(PartitionId partition, long sequence, String item, int size) {
        byte[] value = new byte[size];
        Arrays.fill(value, (byte) 'x');
        return new PartitionEntry(partition, TestGroupStateMachine.TABLE, sequence,
                0x5EED_0000_0000_0000L | sequence, 0,
                List.of(new WriteBatch.Put(TestGroupStateMachine.itemKey(partition, item), value)));
    }

    private static List<PartEntry> split(PartitionEntry entry, int chunkSize) {
        byte[] encoded = LogEntryCodec.encode(entry);
        int parts = (encoded.length + chunkSize - 1) / chunkSize;
        List<PartEntry> result = new ArrayList<>();
        for (int part = 1; part <= parts; part++) {
            int from = (part - 1) * chunkSize;
            result.add(new PartEntry(entry.partition(), entry.sequence(), part, parts,
                    Arrays.copyOfRange(encoded, from, Math.min(encoded.length, from + chunkSize))));
        }
        return result;
    }

    private List<byte[]> stagedKeys() {
        List<byte[]> keys = new ArrayList<>();
        try (StorageIterator iterator = storage.iterator(new byte[] {io.basalt.partition.KeyLayout.STAGING},
                new byte[] {io.basalt.partition.KeyLayout.STAGING + 1})) {
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                keys.add(iterator.key());
            }
        }
        return keys;
    }
}
