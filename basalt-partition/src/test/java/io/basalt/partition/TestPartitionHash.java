package io.basalt.partition;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.AttributeValue;
import io.basalt.partition.encoding.KeyEncoding;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TestPartitionHash {
    private static final long SEED = System.nanoTime();

    /** Pins the hash: it is the prefix of every stored item key, so a change here moves every item. */
    @Test
    void goldenHashes() {
        assertThat(PartitionHash.of(new byte[0])).isEqualTo(0x91dc4d2886c909a2L);
        assertThat(PartitionHash.of(new byte[] {0x61, 0, 0})).isEqualTo(0xe7e5619c42f84e11L);
        assertThat(PartitionHash.of(KeyEncoding.encode(AttributeValue.string("a")))).isEqualTo(0xe7e5619c42f84e11L);
        assertThat(PartitionHash.of(bytes("12345678"))).isEqualTo(0x5c824583a59f8052L);
        assertThat(PartitionHash.of(bytes("hello, basalt!"))).isEqualTo(0xdfc8c437e52098f1L);
        assertThat(PartitionHash.of(new byte[] {(byte) 0xff})).isEqualTo(0x16a748d54b60592bL);
    }

    @Test
    void hashDependsOnLengthAndEveryByte() {
        // Trailing zero bytes must not collide with the shorter key (the tail is zero-padded).
        assertThat(PartitionHash.of(new byte[] {1})).isNotEqualTo(PartitionHash.of(new byte[] {1, 0}));
        assertThat(PartitionHash.of(new byte[8])).isNotEqualTo(PartitionHash.of(new byte[9]));
        byte[] key = bytes("some partition key of 27 b");
        long hash = PartitionHash.of(key);
        for (int i = 0; i < key.length; i++) {
            byte[] changed = key.clone();
            changed[i] ^= 1;
            assertThat(PartitionHash.of(changed)).as("byte %d", i).isNotEqualTo(hash);
        }
    }

    @Test
    void rangesAreContiguousAndInvertPartitionIndex() {
        for (int count = 1; count <= 1024; count++) {
            assertThat(PartitionHash.rangeStart(0, count)).isZero();
            assertThat(PartitionHash.partitionIndex(0, count)).isZero();
            assertThat(PartitionHash.partitionIndex(-1L, count)).as("count %d", count).isEqualTo(count - 1);
            for (int i = 1; i < count; i++) {
                long start = PartitionHash.rangeStart(i, count);
                assertThat(Long.compareUnsigned(PartitionHash.rangeStart(i - 1, count), start))
                        .as("count %d, partition %d", count, i).isNegative();
                assertThat(PartitionHash.partitionIndex(start, count)).as("count %d", count).isEqualTo(i);
                assertThat(PartitionHash.partitionIndex(start - 1, count)).as("count %d", count).isEqualTo(i - 1);
            }
        }
    }

    @Test
    void everyHashFallsInTheRangeOfItsPartition() {
        Random random = new Random(SEED);
        for (int count = 1; count <= 1024; count++) {
            for (int i = 0; i < 100; i++) {
                long hash = random.nextLong();
                int index = PartitionHash.partitionIndex(hash, count);
                assertThat(index).as("seed %d, count %d, hash %x", SEED, count, hash).isBetween(0, count - 1);
                assertThat(Long.compareUnsigned(PartitionHash.rangeStart(index, count), hash))
                        .as("seed %d, count %d, hash %x", SEED, count, hash).isLessThanOrEqualTo(0);
                if (index + 1 < count) {
                    assertThat(Long.compareUnsigned(hash, PartitionHash.rangeStart(index + 1, count)))
                            .as("seed %d, count %d, hash %x", SEED, count, hash).isNegative();
                }
            }
        }
    }

    @Test
    void rangesAreNearlyEqual() {
        for (int count : new int[] {1, 3, 7, 1000, 1024}) {
            double ideal = Math.pow(2, 64) / count;
            for (int i = 0; i < count; i++) {
                double end = i + 1 < count ? unsigned(PartitionHash.rangeStart(i + 1, count)) : Math.pow(2, 64);
                double width = end - unsigned(PartitionHash.rangeStart(i, count));
                assertThat(Math.abs(width - ideal) / ideal).as("count %d, partition %d", count, i).isLessThan(1e-6);
            }
        }
    }

    @Test
    void sequentialKeysSpreadEvenlyOverPartitionsAndBits() {
        int buckets = 64;
        int keys = 128_000;
        int[] perPartition = new int[buckets];
        int[] bitCounts = new int[64];
        for (int i = 0; i < keys; i++) {
            AttributeValue value = i % 2 == 0 ? AttributeValue.string("user#" + i) : AttributeValue.number(i);
            long hash = PartitionHash.of(KeyEncoding.encode(value));
            perPartition[PartitionHash.partitionIndex(hash, buckets)]++;
            for (int bit = 0; bit < 64; bit++) {
                bitCounts[bit] += (int) ((hash >>> bit) & 1);
            }
        }
        // Expected 2000 per partition with a standard deviation of about 44: 10% is over four deviations.
        for (int p = 0; p < buckets; p++) {
            assertThat(perPartition[p]).as("partition %d", p).isBetween(1800, 2200);
        }
        for (int bit = 0; bit < 64; bit++) {
            assertThat(bitCounts[bit]).as("bit %d", bit).isBetween(keys / 2 - 1500, keys / 2 + 1500);
        }
    }

    private static double unsigned(long value) {
        return value >= 0 ? value : value + Math.pow(2, 64);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
