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
            assertThat(within(KeyLayout.partitionMetadataKey(new PartitionId(tableId, 0)), start, end)).isFalse();
            assertThat(within(KeyLayout.catalogKey("t"), start, end)).isFalse();
            assertThat(within(KeyLayout.nodeKey("next-table-id"), start, end)).isFalse();
        }
    }

    @Test
    void partitionMetadataKeysLieInTheirTableRange() {
        for (long tableId : TABLE_IDS) {
            for (int index : new int[] {0, 1, 1023, Integer.MAX_VALUE}) {
                byte[] key = KeyLayout.partitionMetadataKey(new PartitionId(tableId, index));
                assertThat(within(key, KeyLayout.partitionMetadataStart(tableId),
                        KeyLayout.partitionMetadataEnd(tableId))).isTrue();
                assertThat(within(key, KeyLayout.partitionMetadataStart(tableId + 1),
                        KeyLayout.partitionMetadataEnd(tableId + 1))).isFalse();
            }
        }
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
                                KeyLayout.partitionEnd(9, indexId, p, count));
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
                    assertThat(KeyLayout.partitionEnd(4, indexId, p, count))
                            .isEqualTo(partitionStart(4, indexId, p + 1, count));
                }
                byte[] lastEnd = KeyLayout.partitionEnd(4, indexId, count - 1, count);
                assertThat(lastEnd).isEqualTo(indexStart(4, indexId + 1));
                assertThat(Arrays.compareUnsigned(lastEnd, KeyLayout.tableEnd(4))).isLessThanOrEqualTo(0);
            }
        }
    }

    @Test
    void theLastPartitionOfTheLastIndexEndsAtTheTableEnd() {
        PrimaryKey key = new PrimaryKey(AttributeValue.binary(new byte[] {1}), Optional.empty());
        byte[] itemKey = KeyLayout.itemKey(6, KeyLayout.MAX_INDEX_ID, HASH_ONLY, key);
        byte[] end = KeyLayout.partitionEnd(6, KeyLayout.MAX_INDEX_ID, 0, 1);
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
        assertThat(KeyLayout.partitionMetadataKey(new PartitionId(1, 0))[0]).isEqualTo(KeyLayout.PARTITIONS);
        assertThat(HexFormat.of().formatHex(KeyLayout.partitionMetadataKey(new PartitionId(258, 3))))
                .isEqualTo("03" + "0000000000000102" + "00000003");
    }

    private static byte[] key(long tableId, PrimaryKey key) {
        return KeyLayout.itemKey(tableId, 0, HASH_AND_RANGE, key);
    }

    private static byte[] partitionStart(long tableId, int indexId, int index, int count) {
        return KeyLayout.partitionStart(tableId, indexId, PartitionHash.rangeStart(index, count));
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
