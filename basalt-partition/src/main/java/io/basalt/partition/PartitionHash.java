package io.basalt.partition;

/**
 * The 64-bit hash that places a partition key value within its table's hash space. Part of the on-disk format
 * (it is the 8-byte prefix of every item key): never change it.
 *
 * <p>MurmurHash3's 64-bit finalizer folded over the encoded key in 8-byte words: cheap, well mixed, and simple
 * enough to reimplement in any client tool that wants to predict placement.
 */
public final class PartitionHash {
    private static final long SEED = 0x62617361_6c740001L;
    private static final long MULTIPLIER = 0x9E3779B97F4A7C15L;

    private PartitionHash() {
    }

    public static long of(byte[] encodedPartitionKey) {
        long h = SEED ^ (encodedPartitionKey.length * MULTIPLIER);
        int i = 0;
        int length = encodedPartitionKey.length;
        for (; i + 8 <= length; i += 8) {
            h = mix(h ^ wordAt(encodedPartitionKey, i));
        }
        long tail = 0;
        for (int shift = 0; i < length; i++, shift += 8) {
            tail |= (encodedPartitionKey[i] & 0xFFL) << shift;
        }
        return mix(h ^ tail ^ MULTIPLIER);
    }

    private static long wordAt(byte[] bytes, int offset) {
        long word = 0;
        for (int j = 7; j >= 0; j--) {
            word = (word << 8) | (bytes[offset + j] & 0xFFL);
        }
        return word;
    }

    private static long mix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }

    /**
     * The partition, of {@code partitionCount} equal hash ranges, that owns {@code hash}. Ranges are contiguous in
     * unsigned hash order, so a partition is a contiguous key range of the table and can later be split.
     */
    public static int partitionIndex(long hash, int partitionCount) {
        return (int) (((hash >>> 32) * partitionCount) >>> 32);
    }

    /** The smallest hash owned by partition {@code index} of {@code partitionCount}. */
    public static long rangeStart(int index, int partitionCount) {
        // partitionIndex is floor(high32 * count / 2^32); its inverse is the ceiling of index * 2^32 / count.
        long high = (((long) index << 32) + partitionCount - 1) / partitionCount;
        return high << 32;
    }
}
