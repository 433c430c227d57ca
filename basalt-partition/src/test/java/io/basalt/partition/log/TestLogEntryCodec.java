package io.basalt.partition.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.partition.GroupPartition;
import io.basalt.partition.PartitionDescriptor;
import io.basalt.partition.PartitionId;
import io.basalt.partition.PartitionPhase;
import io.basalt.storage.WriteBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TestLogEntryCodec {
    private static final HexFormat HEX = HexFormat.of();

    /**
     * Pinned: the bytes of format version 1 must never change (docs/design/cluster.md §5.2). Frozen with stable
     * partition ids (step 2): the Raft log persists them.
     */
    private static final String GOLDEN_PARTITION = "0101"
            + "1122334455667788" + "0000000000000007" // partition id (stable, 64-bit), table id
            + "05" + "0102030405060708" + "e807" // sequence 5, nonce, timestampMillis 1000
            + "03" // three operations
            + "01" + "020102" + "0103" // PUT key 01 02, value 03
            + "02" + "0104" // DELETE key 04
            + "03" + "0105" + "0106"; // DELETE_RANGE [05, 06)

    private static final String GOLDEN_MULTI = "0104" + "02"
            + "0000000000000004" + "0000000000000009" + "01" + "0000000000000000" + "00" + "01" + "02" + "0109"
            + "0000000000000005" + "0000000000000009" + "7f" + "ffffffffffffffff" + "8001" + "00";

    private static final String GOLDEN_META = "0103" + "03" // three operations
            + "01" + "020154" + "0109" // PUT catalog key 01 'T', value 09
            + "02" + "0200aa" // DELETE 00 aa
            + "03" + "09020000000000000007" + "09020000000000000008"; // DELETE_RANGE of table 7's items

    @Test
    void metaEntryGoldenBytes() {
        MetaEntry entry = new MetaEntry(List.of(new WriteBatch.Put(bytes(1, 0x54), bytes(9)),
                new WriteBatch.Delete(bytes(0, 0xaa)),
                new WriteBatch.DeleteRange(bytes(2, 0, 0, 0, 0, 0, 0, 0, 7), bytes(2, 0, 0, 0, 0, 0, 0, 0, 8))));
        assertThat(HEX.formatHex(LogEntryCodec.encode(entry))).isEqualTo(GOLDEN_META);
        assertSameEntry(LogEntryCodec.decode(HEX.parseHex(GOLDEN_META)), entry);
        assertThatThrownBy(() -> LogEntryCodec.decode(HEX.parseHex("010300")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one operation");
    }

    /** Pinned: a part of an oversized entry (§5.3). */
    private static final String GOLDEN_PART = "0105"
            + "0000000000000007" // partition id
            + "05" + "01" + "03" // sequence 5, part 1 of 3
            + "02" + "aabb"; // the chunk

    @Test
    void partEntryGoldenBytesAndRoundTrip() {
        PartEntry entry = new PartEntry(new PartitionId(7), 5, 1, 3, bytes(0xAA, 0xBB));
        assertThat(HEX.formatHex(LogEntryCodec.encode(entry))).isEqualTo(GOLDEN_PART);
        PartEntry decoded = (PartEntry) LogEntryCodec.decode(HEX.parseHex(GOLDEN_PART));
        assertThat(List.of(decoded.partition(), decoded.sequence(), decoded.part(), decoded.parts()))
                .isEqualTo(List.of(entry.partition(), 5L, 1, 3));
        assertThat(decoded.chunk()).containsExactly(bytes(0xAA, 0xBB));
        assertThat(decoded.isLast()).isFalse();
        assertThatThrownBy(() -> new PartEntry(new PartitionId(7), 5, 4, 3, bytes()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("part 4 of 3");
        assertThatThrownBy(() -> LogEntryCodec.decode(with(HEX.parseHex(GOLDEN_PART), 11, 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("part 0 of 3");
    }

    /** Pinned: opening partitions in a group (kind 2, admin tag 1, step 12). */
    private static final String GOLDEN_OPEN = "0102" + "01" + "02" // OPEN_PARTITIONS, two partitions
            + "01" + "01" + "07" + "03" + "00" + "0000000000000000" + "7fffffffffffffff" + "02" + "00" + "01"
            + "02" + "01" + "02" // GroupPartition v1: descriptor of partition 7 of table 3, local indexes 1 and 2
            + "01" + "01" + "08" + "03" + "00" + "8000000000000000" + "ffffffffffffffff" + "02" + "00" + "01"
            + "00"; // partition 8, no local index

    /** Pinned: dropping a table's partitions in a group (kind 2, admin tag 2). */
    private static final String GOLDEN_DROP = "0102" + "02" + "0000000000000003";

    @Test
    void groupAdminEntryGoldenBytes() {
        OpenPartitionsEntry open = new OpenPartitionsEntry(List.of(
                new GroupPartition(new PartitionDescriptor(new PartitionId(7), 3, 0, 0, Long.MAX_VALUE, 2, null,
                        PartitionPhase.OPEN), List.of(1, 2)),
                new GroupPartition(new PartitionDescriptor(new PartitionId(8), 3, 0, Long.MIN_VALUE, -1L, 2, null,
                        PartitionPhase.OPEN), List.of())));
        assertThat(HEX.formatHex(LogEntryCodec.encode(open))).isEqualTo(GOLDEN_OPEN);
        assertThat(LogEntryCodec.decode(HEX.parseHex(GOLDEN_OPEN))).isEqualTo(open);
        DropPartitionsEntry drop = new DropPartitionsEntry(3);
        assertThat(HEX.formatHex(LogEntryCodec.encode(drop))).isEqualTo(GOLDEN_DROP);
        assertThat(LogEntryCodec.decode(HEX.parseHex(GOLDEN_DROP))).isEqualTo(drop);
        // CLOSE_PARTITIONS (s18): table 3, partitions 7 and 9; a repeated partition and table id 0 are refused.
        ClosePartitionsEntry close = new ClosePartitionsEntry(3, List.of(new PartitionId(7), new PartitionId(9)));
        String goldenClose = "0102" + "03" + "0000000000000003" + "02" + "0000000000000007" + "0000000000000009";
        assertThat(HEX.formatHex(LogEntryCodec.encode(close))).isEqualTo(goldenClose);
        assertThat(LogEntryCodec.decode(HEX.parseHex(goldenClose))).isEqualTo(close);
        assertThatThrownBy(() -> LogEntryCodec.decode(HEX.parseHex("0102030000000000000003020000000000000007"
                + "0000000000000007"))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> LogEntryCodec.decode(HEX.parseHex("010203000000000000000001000000000000000"
                + "7"))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of range");
        assertThatThrownBy(() -> LogEntryCodec.decode(HEX.parseHex("010204")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("admin tag 4");
        assertThatThrownBy(() -> LogEntryCodec.decode(HEX.parseHex("0102020000000000000000")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of range");
        assertThatThrownBy(() -> LogEntryCodec.decode(HEX.parseHex("01020100")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one partition");
        // The same partition twice, and a global index partition with local indexes, are refused.
        String first = GOLDEN_OPEN.substring(8, 8 + 2 * 27);
        String twice = "0102" + "01" + "02" + first + first;
        assertThatThrownBy(() -> LogEntryCodec.decode(HEX.parseHex(twice)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("opened twice");
    }

    @Test
    void partitionEntryGoldenBytes() {
        PartitionEntry entry = new PartitionEntry(new PartitionId(0x1122334455667788L), 7, 5, 0x0102030405060708L, 1000,
                List.of(new WriteBatch.Put(bytes(1, 2), bytes(3)), new WriteBatch.Delete(bytes(4)),
                        new WriteBatch.DeleteRange(bytes(5), bytes(6))));
        assertThat(HEX.formatHex(LogEntryCodec.encode(entry))).isEqualTo(GOLDEN_PARTITION);
        assertSameEntry(LogEntryCodec.decode(HEX.parseHex(GOLDEN_PARTITION)), entry);
    }

    @Test
    void multiEntryGoldenBytes() {
        MultiEntry entry = new MultiEntry(List.of(
                new PartitionEntry(new PartitionId(4), 9, 1, 0, 0, List.of(new WriteBatch.Delete(bytes(9)))),
                new PartitionEntry(new PartitionId(5), 9, 127, -1, 128, List.of())));
        assertThat(HEX.formatHex(LogEntryCodec.encode(entry))).isEqualTo(GOLDEN_MULTI);
        assertSameEntry(LogEntryCodec.decode(HEX.parseHex(GOLDEN_MULTI)), entry);
    }

    @Test
    void seededRandomEntriesRoundTrip() {
        long seed = System.nanoTime();
        System.out.println("TestLogEntryCodec seed: " + seed);
        Random random = new Random(seed);
        for (int i = 0; i < 500; i++) {
            LogEntry entry = random.nextInt(4) == 0 ? randomMulti(random) : randomPartitionEntry(random);
            byte[] encoded = LogEntryCodec.encode(entry);
            LogEntry decoded = LogEntryCodec.decode(encoded);
            assertSameEntry(decoded, entry);
            assertThat(LogEntryCodec.encode(decoded)).as("seed %d, entry %d", seed, i).isEqualTo(encoded);
        }
    }

    @Test
    void everyTruncationFailsClearly() {
        for (String golden : List.of(GOLDEN_PARTITION, GOLDEN_MULTI, GOLDEN_META, GOLDEN_PART, GOLDEN_OPEN,
                GOLDEN_DROP)) {
            byte[] bytes = HEX.parseHex(golden);
            for (int length = 0; length < bytes.length; length++) {
                byte[] truncated = Arrays.copyOf(bytes, length);
                assertThatThrownBy(() -> LogEntryCodec.decode(truncated)).as("%d of %d bytes", length, bytes.length)
                        .isInstanceOf(IllegalArgumentException.class);
            }
        }
    }

    @Test
    void unknownFormatKindTagAndTrailingBytesFail() {
        byte[] bytes = HEX.parseHex(GOLDEN_PARTITION);
        assertThatThrownBy(() -> LogEntryCodec.decode(with(bytes, 0, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("format version 2");
        for (int kind : new int[] {0, 6, 0xFF}) {
            assertThatThrownBy(() -> LogEntryCodec.decode(with(bytes, 1, kind)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kind " + kind);
        }
        int firstTag = GOLDEN_PARTITION.indexOf("03010201") / 2 + 1;
        assertThatThrownBy(() -> LogEntryCodec.decode(with(bytes, firstTag, 4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("operation tag 4");
        for (int idByte : new int[] {2, 10}) {
            // A partition or table id of zero (or negative) is no id.
            byte[] zeroId = bytes.clone();
            Arrays.fill(zeroId, idByte, idByte + 8, (byte) 0);
            assertThatThrownBy(() -> LogEntryCodec.decode(zeroId))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of range");
            assertThatThrownBy(() -> LogEntryCodec.decode(with(bytes, idByte, 0x80)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of range");
        }
        byte[] trailing = Arrays.copyOf(bytes, bytes.length + 1);
        assertThatThrownBy(() -> LogEntryCodec.decode(trailing))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("after its end");
    }

    @Test
    void entriesAreImmutable() {
        List<WriteBatch.Operation> operations = new ArrayList<>(List.of(new WriteBatch.Delete(bytes(1))));
        PartitionEntry entry = new PartitionEntry(new PartitionId(1), 1, 1, 0, 0, operations);
        operations.add(new WriteBatch.Delete(bytes(2)));
        assertThat(entry.operations()).hasSize(1);
        assertThatThrownBy(() -> entry.operations().add(new WriteBatch.Delete(bytes(3))))
                .isInstanceOf(UnsupportedOperationException.class);
        OperationList.Builder builder = OperationList.builder(1).delete(bytes(1));
        OperationList built = builder.build();
        assertThatThrownBy(() -> builder.delete(bytes(2))).isInstanceOf(IllegalStateException.class);
        assertThat(new PartitionEntry(new PartitionId(1), 1, 1, 0, 0, built).operations()).isSameAs(built);
    }

    static void assertSameEntry(LogEntry actual, LogEntry expected) {
        if (expected instanceof MetaEntry meta) {
            assertThat(actual).isInstanceOf(MetaEntry.class);
            List<WriteBatch.Operation> got = ((MetaEntry) actual).operations();
            assertThat(got.stream().map(TestLogEntryCodec::describe).toList())
                    .isEqualTo(meta.operations().stream().map(TestLogEntryCodec::describe).toList());
            return;
        }
        if (expected instanceof MultiEntry multi) {
            assertThat(actual).isInstanceOf(MultiEntry.class);
            List<PartitionEntry> entries = ((MultiEntry) actual).entries();
            assertThat(entries).hasSameSizeAs(multi.entries());
            for (int i = 0; i < entries.size(); i++) {
                assertSameEntry(entries.get(i), multi.entries().get(i));
            }
            return;
        }
        PartitionEntry want = (PartitionEntry) expected;
        assertThat(actual).isInstanceOf(PartitionEntry.class);
        PartitionEntry got = (PartitionEntry) actual;
        assertThat(List.of(got.partition(), got.tableId(), got.sequence(), got.nonce(), got.timestampMillis()))
                .isEqualTo(List.of(want.partition(), want.tableId(), want.sequence(), want.nonce(),
                        want.timestampMillis()));
        assertThat(got.operations()).hasSameSizeAs(want.operations());
        for (int i = 0; i < got.operations().size(); i++) {
            assertThat(describe(got.operations().get(i))).isEqualTo(describe(want.operations().get(i)));
        }
    }

    private static String describe(WriteBatch.Operation operation) {
        if (operation instanceof WriteBatch.Put put) {
            return "put " + HEX.formatHex(put.key()) + "=" + HEX.formatHex(put.value());
        }
        if (operation instanceof WriteBatch.Delete delete) {
            return "delete " + HEX.formatHex(delete.key());
        }
        WriteBatch.DeleteRange range = (WriteBatch.DeleteRange) operation;
        return "range " + HEX.formatHex(range.fromInclusive()) + ".." + HEX.formatHex(range.toExclusive());
    }

    private static MultiEntry randomMulti(Random random) {
        List<PartitionEntry> entries = new ArrayList<>();
        for (int i = random.nextInt(5) + 1; i > 0; i--) {
            entries.add(randomPartitionEntry(random));
        }
        return new MultiEntry(entries);
    }

    private static PartitionEntry randomPartitionEntry(Random random) {
        List<WriteBatch.Operation> operations = new ArrayList<>();
        for (int i = random.nextInt(8); i > 0; i--) {
            switch (random.nextInt(3)) {
                case 0 -> operations.add(new WriteBatch.Put(randomBytes(random), randomBytes(random)));
                case 1 -> operations.add(new WriteBatch.Delete(randomBytes(random)));
                default -> operations.add(new WriteBatch.DeleteRange(randomBytes(random), randomBytes(random)));
            }
        }
        long sequence = random.nextBoolean() ? random.nextInt(1000) + 1 : (random.nextLong() >>> 1) | 1;
        long timestamp = random.nextBoolean() ? random.nextLong() >>> 1 : 1_700_000_000_000L + random.nextInt();
        return new PartitionEntry(new PartitionId((random.nextLong() >>> 1) | 1), (random.nextLong() >>> 1) | 1,
                sequence, random.nextLong(), timestamp, operations);
    }

    private static byte[] randomBytes(Random random) {
        byte[] bytes = new byte[random.nextInt(4) == 0 ? random.nextInt(300) : random.nextInt(20)];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] with(byte[] bytes, int index, int value) {
        byte[] copy = bytes.clone();
        copy[index] = (byte) value;
        return copy;
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }
}
