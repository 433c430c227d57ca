package io.basalt.partition;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.encoding.KeyEncoding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TestKeyLayout {
    private static final long SEED = System.nanoTime();
    private static final KeySchema HASH_AND_RANGE = KeySchema.of(new KeyAttribute("pk", AttributeType.S),
            new KeyAttribute("sk", AttributeType.N));
    private static final KeySchema HASH_ONLY = KeySchema.of(new KeyAttribute("pk", AttributeType.B));
    private static final long[] TABLE_IDS = {1, 2, 255, 256, 65_535, 65_536, 1L << 32, Long.MAX_VALUE - 1};

    @Test
    void goldenItemKey() {
        PrimaryKey key = new PrimaryKey(AttributeValue.string("a"), Optional.of(AttributeValue.number("1")));
        byte[] itemKey = KeyLayout.itemKey(7, 0, HASH_AND_RANGE, key);
        String hash = String.format("%016x", PartitionHash.of(KeyEncoding.encode(AttributeValue.string("a"))));
        assertThat(HexFormat.of().formatHex(itemKey))
                .isEqualTo("02" + "0000000000000007" + "0000" + hash + "610000" + "81820b00");
        assertThat(KeyLayout.hashOfItemKey(itemKey)).isEqualTo(PartitionHash.of(new byte[] {0x61, 0, 0}));
    }

    @Test
    void itemKeysOfOneTableSortByHashThenPartitionKeyThenSortKey() {
        Random random = new Random(SEED);
        List<PrimaryKey> keys = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            // Few distinct partition keys, so that many items share one and their sort keys decide the order.
            AttributeValue pk = AttributeValue.string("p" + random.nextInt(30));
            AttributeValue sk = AttributeValue.number(Long.toString(random.nextInt(2001) - 1000));
            keys.add(new PrimaryKey(pk, Optional.of(sk)));
        }
        for (PrimaryKey a : keys) {
            PrimaryKey b = keys.get(random.nextInt(keys.size()));
            int byKeyBytes = Integer.signum(Arrays.compareUnsigned(key(5, a), key(5, b)));
            assertThat(byKeyBytes).as("seed %d: %s vs %s", SEED, a, b).isEqualTo(Integer.signum(expectedOrder(a, b)));
        }
    }

    private static int expectedOrder(PrimaryKey a, PrimaryKey b) {
        long hashA = PartitionHash.of(KeyEncoding.encode(a.partitionValue()));
        long hashB = PartitionHash.of(KeyEncoding.encode(b.partitionValue()));
        if (hashA != hashB) {
            return Long.compareUnsigned(hashA, hashB);
        }
        int byPartitionKey = KeyEncoding.compare(a.partitionValue(), b.partitionValue());
        if (byPartitionKey != 0) {
            return byPartitionKey;
        }
        return KeyEncoding.compare(a.sortValue().orElseThrow(), b.sortValue().orElseThrow());
    }

    @Test
    void hashOfItemKeyIsThePartitionHashOfTheEncodedPartitionKey() {
        Random random = new Random(SEED + 1);
        for (int i = 0; i < 200; i++) {
            PrimaryKey key = randomHashKey(random);
            assertThat(KeyLayout.hashOfItemKey(KeyLayout.itemKey(3, 0, HASH_ONLY, key))).as("seed %d", SEED)
                    .isEqualTo(PartitionHash.of(KeyEncoding.encode(key.partitionValue())));
        }
    }

    @Test
    void everyKeyOfATableLiesInItsTableRangeAndNoOther() {
        Random random = new Random(SEED + 2);
        for (long tableId : TABLE_IDS) {
            byte[] start = KeyLayout.tableStart(tableId);
            byte[] end = KeyLayout.tableEnd(tableId);
            assertThat(Arrays.compareUnsigned(start, end)).isNegative();
            for (int i = 0; i < 100; i++) {
                int indexId = random.nextInt(3) == 0 ? random.nextInt(65_536) : 0;
                byte[] itemKey = KeyLayout.itemKey(tableId, indexId, HASH_ONLY, randomHashKey(random));
                assertThat(within(itemKey, start, end)).as("seed %d, table %d", SEED, tableId).isTrue();
                for (long other : new long[] {tableId - 1, tableId + 1}) {
                    assertThat(within(itemKey, KeyLayout.tableStart(other), KeyLayout.tableEnd(other)))
                            .as("seed %d, table %d in range of %d", SEED, tableId, other).isFalse();
                }
            }
            // Other key spaces never fall into a table's item range.
            assertThat(within(KeyLayout.partitionRecordKey(tableId, new PartitionId(1)), start, end)).isFalse();
            assertThat(within(KeyLayout.catalogKey("t"), start, end)).isFalse();
            assertThat(within(KeyLayout.nodeKey("next-table-id"), start, end)).isFalse();
        }
    }

    @Test
    void partitionScopedKeysLieInTheirTableRangeOfTheirSpace() {
        for (long tableId : TABLE_IDS) {
            for (long id : new long[] {1, 2, 1023, Long.MAX_VALUE - 1}) {
                PartitionId partition = new PartitionId(id);
                List<byte[]> keys = List.of(KeyLayout.partitionRecordKey(tableId, partition),
                        KeyLayout.changeKey(tableId, partition, 7), KeyLayout.indexStateKey(tableId, partition, 3),
                        KeyLayout.preparedKey(tableId, partition, 9));
                for (byte[] key : keys) {
                    // DeleteTable drops a table with one range delete per space (Catalog.remove).
                    assertThat(within(key, KeyLayout.tableStart(key[0], tableId), KeyLayout.tableEnd(key[0], tableId)))
                            .isTrue();
                    assertThat(within(key, KeyLayout.tableStart(key[0], tableId + 1),
                            KeyLayout.tableEnd(key[0], tableId + 1))).isFalse();
                }
                byte[] change = KeyLayout.changeKey(tableId, partition, 7);
                assertThat(within(change, KeyLayout.changesStart(tableId, partition),
                        KeyLayout.changesEnd(tableId, partition))).isTrue();
                assertThat(KeyLayout.logIndexOfChangeKey(change)).isEqualTo(7);
                byte[] prepared = KeyLayout.preparedKey(tableId, partition, 9);
                assertThat(within(prepared, KeyLayout.preparedStart(tableId, partition),
                        KeyLayout.preparedEnd(tableId, partition))).isTrue();
                assertThat(within(prepared, KeyLayout.preparedStart(tableId, new PartitionId(id + 1)),
                        KeyLayout.preparedEnd(tableId, new PartitionId(id + 1)))).isFalse();
                assertThat(KeyLayout.transactionOfPreparedKey(prepared)).isEqualTo(9);
                assertThat(within(KeyLayout.indexStateKey(tableId, partition, 3),
                        KeyLayout.indexStateStart(tableId, 3), KeyLayout.indexStateEnd(tableId, 3))).isTrue();
            }
        }
    }

    /** Pinned: key layout v2 (docs/design/cluster.md §4.1). These bytes are on disk and must never change. */
    @Test
    void goldenKeysOfLayoutVersion2() {
        long table = 0x0102;
        PartitionId partition = new PartitionId(0x0A0B);
        assertThat(hex(KeyLayout.partitionRecordKey(table, partition)))
                .isEqualTo("0a" + "0000000000000102" + "0000000000000a0b");
        assertThat(hex(KeyLayout.changeKey(table, partition, 5)))
                .isEqualTo("0b" + "0000000000000102" + "0000000000000a0b" + "0000000000000005");
        assertThat(hex(KeyLayout.changesStart(table, partition))).isEqualTo("0b" + "0000000000000102"
                + "0000000000000a0b");
        assertThat(hex(KeyLayout.indexStateKey(table, partition, 0x0304)))
                .isEqualTo("0c" + "0000000000000102" + "0304" + "0000000000000a0b");
        assertThat(hex(KeyLayout.preparedKey(table, partition, 9)))
                .isEqualTo("0d" + "0000000000000102" + "0000000000000a0b" + "0000000000000009");
        assertThat(hex(KeyLayout.stagingKey(partition, 6, 2)))
                .isEqualTo("0e" + "0000000000000a0b" + "0000000000000006" + "00000002");
        assertThat(hex(KeyLayout.partitionMapKey(table, 0x0304, 0x8000000000000000L)))
                .isEqualTo("0f" + "0000000000000102" + "0304" + "8000000000000000");
        assertThat(hex(KeyLayout.groupKey(3))).isEqualTo("10" + "0000000000000003");
        assertThat(hex(KeyLayout.nodeDescriptorKey(4))).isEqualTo("11" + "0000000000000004");
        assertThat(hex(KeyLayout.groupStateKey(1))).isEqualTo("12" + "0000000000000001");
        assertThat(hex(KeyLayout.globalIndexPositionKey(table, 2, partition, new PartitionId(7))))
                .isEqualTo("13" + "0000000000000102" + "0002" + "0000000000000a0b" + "0000000000000007");
        assertThat(hex(KeyLayout.nodeKey(KeyLayout.FORMAT_VERSION_KEY)))
                .isEqualTo("00" + hex("format-version".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        // Retired v1 spaces keep their bytes so the migration can find them; new spaces never reuse them.
        assertThat(new byte[] {KeyLayout.V1_PARTITIONS, KeyLayout.V1_CHANGES, KeyLayout.V1_INDEX_STATE,
            KeyLayout.V1_PREPARED}).containsExactly(3, 4, 5, 9);
        assertThat(new byte[] {KeyLayout.PARTITIONS, KeyLayout.CHANGES, KeyLayout.INDEX_STATE, KeyLayout.PREPARED,
            KeyLayout.STAGING, KeyLayout.PARTITION_MAP, KeyLayout.GROUPS, KeyLayout.NODES, KeyLayout.GROUP_STATE,
            KeyLayout.GSI_POSITIONS}).containsExactly(0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10, 0x11, 0x12, 0x13);
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    @Test
    void partitionBoundsHoldExactlyTheKeysWhoseHashFallsInThePartition() {
        Random random = new Random(SEED + 3);
        int[] counts = {1, 2, 3, 4, 7, 16, 100, 1024};
        List<PrimaryKey> keys = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            keys.add(random.nextBoolean() ? randomHashKey(random)
                    : new PrimaryKey(AttributeValue.binary(longBytes(random.nextLong())), Optional.empty()));
        }
        for (int count : counts) {
            for (PrimaryKey key : keys) {
                for (int indexId : new int[] {0, 1}) {
                    byte[] itemKey = KeyLayout.itemKey(9, indexId, HASH_ONLY, key);
                    int owner = PartitionHash.partitionIndex(KeyLayout.hashOfItemKey(itemKey), count);
                    // Checking the owner and its neighbours covers every partition: the ranges are ordered.
                    for (int p = Math.max(0, owner - 1); p <= Math.min(count - 1, owner + 1); p++) {
                        boolean inside = within(itemKey, partitionStart(9, indexId, p, count),
                                partitionEnd(9, indexId, p, count));
                        assertThat(inside).as("seed %d, %d partitions, key %s in partition %d", SEED, count, key, p)
                                .isEqualTo(p == owner);
                    }
                }
            }
        }
    }

    @Test
    void partitionsTileTheIndexRangeWithoutGaps() {
        for (int count : new int[] {1, 2, 3, 5, 64, 1000, 1024}) {
            for (int indexId : new int[] {0, 1, 300}) {
                // Every item key holds 8 hash bytes, so hash 0 starts exactly where the index's keys start.
                byte[] indexStart = indexStart(4, indexId);
                assertThat(partitionStart(4, indexId, 0, count))
                        .isEqualTo(Arrays.copyOf(indexStart, indexStart.length + 8));
                for (int p = 0; p + 1 < count; p++) {
                    assertThat(partitionEnd(4, indexId, p, count))
                            .isEqualTo(partitionStart(4, indexId, p + 1, count));
                }
                byte[] lastEnd = partitionEnd(4, indexId, count - 1, count);
                assertThat(lastEnd).isEqualTo(indexStart(4, indexId + 1));
                assertThat(Arrays.compareUnsigned(lastEnd, KeyLayout.tableEnd(4))).isLessThanOrEqualTo(0);
            }
        }
    }

    @Test
    void theLastPartitionOfTheLastIndexEndsAtTheTableEnd() {
        PrimaryKey key = new PrimaryKey(AttributeValue.binary(new byte[] {1}), Optional.empty());
        byte[] itemKey = KeyLayout.itemKey(6, KeyLayout.MAX_INDEX_ID, HASH_ONLY, key);
        byte[] end = partitionEnd(6, KeyLayout.MAX_INDEX_ID, 0, 1);
        assertThat(end).isEqualTo(KeyLayout.tableEnd(6));
        assertThat(within(itemKey, partitionStart(6, KeyLayout.MAX_INDEX_ID, 0, 1), end)).isTrue();
    }

    @Test
    void catalogKeysRoundTripAndStayInTheCatalogRange() {
        for (String name : new String[] {"t", "Table_1.a-b", "x".repeat(255), "ünïcødé😀"}) {
            byte[] key = KeyLayout.catalogKey(name);
            assertThat(KeyLayout.tableNameOf(key)).isEqualTo(name);
            assertThat(within(key, KeyLayout.catalogStart(), KeyLayout.catalogEnd())).isTrue();
        }
        assertThat(within(KeyLayout.nodeKey("next-table-id"), KeyLayout.catalogStart(), KeyLayout.catalogEnd()))
                .isFalse();
        assertThat(within(KeyLayout.tableStart(1), KeyLayout.catalogStart(), KeyLayout.catalogEnd())).isFalse();
        // Catalog keys sort by name, the order ListTables pages in.
        assertThat(Arrays.compareUnsigned(KeyLayout.catalogKey("a"), KeyLayout.catalogKey("ab"))).isNegative();
        assertThat(Arrays.compareUnsigned(KeyLayout.catalogKey("B"), KeyLayout.catalogKey("a"))).isNegative();
    }

    @Test
    void keySpacesAreDisjointAndOrdered() {
        assertThat(KeyLayout.nodeKey("x")[0]).isEqualTo(KeyLayout.NODE);
        assertThat(KeyLayout.catalogKey("x")[0]).isEqualTo(KeyLayout.CATALOG);
        assertThat(KeyLayout.tableStart(1)[0]).isEqualTo(KeyLayout.ITEMS);
        assertThat(KeyLayout.partitionRecordKey(1, new PartitionId(1))[0]).isEqualTo(KeyLayout.PARTITIONS);
        assertThat(KeyLayout.changeKey(1, new PartitionId(1), 1)[0]).isEqualTo(KeyLayout.CHANGES);
        assertThat(KeyLayout.indexStateKey(1, new PartitionId(1), 1)[0]).isEqualTo(KeyLayout.INDEX_STATE);
        assertThat(KeyLayout.preparedKey(1, new PartitionId(1), 1)[0]).isEqualTo(KeyLayout.PREPARED);
    }

    private static byte[] key(long tableId, PrimaryKey key) {
        return KeyLayout.itemKey(tableId, 0, HASH_AND_RANGE, key);
    }

    private static byte[] partitionStart(long tableId, int indexId, int index, int count) {
        byte[] start = KeyLayout.partitionStart(tableId, indexId, PartitionHash.rangeStart(index, count));
        assertThat(KeyLayout.partitionStart(partition(tableId, indexId, index, count))).isEqualTo(start);
        return start;
    }

    private static byte[] partitionEnd(long tableId, int indexId, int index, int count) {
        return KeyLayout.partitionEnd(partition(tableId, indexId, index, count));
    }

    /** Partition {@code index} of {@code count} equal hash ranges, as the migration from layout v1 describes it. */
    private static PartitionDescriptor partition(long tableId, int indexId, int index, int count) {
        long last = index + 1 == count ? -1L : PartitionHash.rangeStart(index + 1, count) - 1;
        return new PartitionDescriptor(new PartitionId(index + 1), tableId, indexId,
                PartitionHash.rangeStart(index, count), last, 1, null, PartitionPhase.OPEN);
    }

    private static byte[] indexStart(long tableId, int indexId) {
        byte[] tableStart = KeyLayout.tableStart(tableId);
        byte[] start = Arrays.copyOf(tableStart, tableStart.length + 2);
        start[tableStart.length] = (byte) (indexId >>> 8);
        start[tableStart.length + 1] = (byte) indexId;
        return start;
    }

    private static PrimaryKey randomHashKey(Random random) {
        byte[] bytes = new byte[random.nextInt(20)];
        random.nextBytes(bytes);
        return new PrimaryKey(AttributeValue.binary(bytes), Optional.empty());
    }

    private static byte[] longBytes(long value) {
        byte[] bytes = new byte[8];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (value >>> (56 - 8 * i));
        }
        return bytes;
    }

    private static boolean within(byte[] key, byte[] startInclusive, byte[] endExclusive) {
        return Arrays.compareUnsigned(startInclusive, key) <= 0 && Arrays.compareUnsigned(key, endExclusive) < 0;
    }
}
