package io.basalt.partition;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.AttributeValue;
import io.basalt.partition.encoding.ItemCodec;
import io.basalt.partition.log.OperationList;
import io.basalt.storage.StorageEngine;
import io.basalt.storage.WriteBatch;
import io.basalt.storage.memory.InMemoryStorageEngine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The change log's append, read-from and retention by registered consumers (cluster.md §15). */
class TestChangeLog {
    private static final long TABLE = 4;
    private static final PartitionId PARTITION = new PartitionId(9);

    private final StorageEngine storage = new InMemoryStorageEngine();
    private final ChangeLog log = new ChangeLog(TABLE, PARTITION);

    @AfterEach
    void close() {
        storage.close();
    }

    @Test
    void appendsIntoTheEntryAndReadsInSequenceOrder() {
        for (long sequence : new long[] {2, 3, 5, 8}) {
            append(sequence);
        }
        assertThat(read(0, Long.MAX_VALUE)).containsExactly(2L, 3L, 5L, 8L);
        assertThat(read(3, 7)).containsExactly(5L);
        assertThat(read(8, Long.MAX_VALUE)).isEmpty();
        assertThat(read(5, 5)).isEmpty();
        List<Long> firstTwo = new ArrayList<>();
        log.read(storage, 0, Long.MAX_VALUE, record -> {
            firstTwo.add(record.logIndex());
            return firstTwo.size() < 2;
        });
        assertThat(firstTwo).containsExactly(2L, 3L);
        // Another partition's records are not read.
        OperationList.Builder other = OperationList.builder(1);
        new ChangeLog(TABLE, new PartitionId(10)).append(other, 4, 1, Arrays.asList(null, image(1)));
        write(other.build());
        assertThat(read(0, Long.MAX_VALUE)).containsExactly(2L, 3L, 5L, 8L);
    }

    @Test
    void keepsRecordsUntilEveryConsumerHasThem() {
        for (long sequence = 1; sequence <= 6; sequence++) {
            append(sequence);
        }
        log.register("gsi-1", 2);
        log.register("gsi-2", 4);
        assertThat(log.retainedAfter(6)).isEqualTo(2);
        assertThat(trim(0, 6)).isEqualTo(2);
        assertThat(read(0, Long.MAX_VALUE)).containsExactly(3L, 4L, 5L, 6L);

        log.advance("gsi-1", 5);
        log.advance("gsi-1", 1); // never moves back
        assertThat(log.retainedAfter(6)).isEqualTo(4);
        assertThat(trim(2, 6)).isEqualTo(4);
        assertThat(read(0, Long.MAX_VALUE)).containsExactly(5L, 6L);

        log.unregister("gsi-2");
        log.unregister("gsi-1");
        assertThat(log.hasConsumers()).isFalse();
        // No consumer: everything up to the applied sequence may go.
        assertThat(trim(4, 5)).isEqualTo(5);
        assertThat(read(0, Long.MAX_VALUE)).containsExactly(6L);
    }

    @Test
    void trimsInBoundedRounds() {
        for (long sequence = 1; sequence <= 10; sequence++) {
            append(sequence);
        }
        WriteBatch batch = new WriteBatch();
        long reached = log.trim(storage, 0, 10, 3, batch);
        storage.write(batch, false);
        assertThat(reached).isEqualTo(3);
        assertThat(read(0, Long.MAX_VALUE)).containsExactly(4L, 5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(trim(reached, 10)).isEqualTo(10);
        assertThat(read(0, Long.MAX_VALUE)).isEmpty();
    }

    private void append(long sequence) {
        OperationList.Builder entry = OperationList.builder(1);
        log.append(entry, sequence, 1000 + sequence, Arrays.asList(null, image(sequence)));
        OperationList operations = entry.build();
        byte[] expectedKey = KeyLayout.changeKey(TABLE, PARTITION, sequence);
        assertThat(operations).singleElement().satisfies(operation ->
                assertThat(((WriteBatch.Put) operation).key()).isEqualTo(expectedKey));
        write(operations);
    }

    private void write(OperationList operations) {
        WriteBatch batch = new WriteBatch();
        operations.forEach(batch::add);
        storage.write(batch, false);
    }

    private long trim(long trimmedThrough, long applied) {
        WriteBatch batch = new WriteBatch();
        long reached = log.trim(storage, trimmedThrough, applied, 100, batch);
        storage.write(batch, false);
        return reached;
    }

    private List<Long> read(long after, long through) {
        List<Long> sequences = new ArrayList<>();
        log.read(storage, after, through, record -> sequences.add(record.logIndex()));
        return sequences;
    }

    private static byte[] image(long sequence) {
        return ItemCodec.encode(TestItemOperation.item("pk", AttributeValue.string("item-" + sequence)));
    }
}
