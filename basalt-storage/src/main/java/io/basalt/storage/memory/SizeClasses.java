package io.basalt.storage.memory;

import java.util.Arrays;

/**
 * The block sizes of the {@link SlabAllocator}: multiples of 16 up to 128 bytes, then four steps per doubling up
 * to {@link #MAX_BLOCK_BYTES} (160, 192, 224, 256, 320, ...). A value over 128 bytes wastes at most a fifth of its
 * block (jemalloc spaces its classes the same way), where powers of two would waste up to half: a 1,050-byte item
 * gets 1,280 bytes, not 2,048.
 */
final class SizeClasses {
    /** The largest block; longer values are stored as several blocks (see {@link VersionMap}). */
    static final int MAX_BLOCK_BYTES = 64 * 1024;
    private static final int QUANTUM = 16;
    private static final int[] BLOCK_BYTES = blockSizes();
    /** The class of every length, indexed by the length rounded up to the quantum, over the quantum. */
    private static final byte[] CLASS_BY_QUANTA = classByQuanta();

    private SizeClasses() {
    }

    static int count() {
        return BLOCK_BYTES.length;
    }

    /** The smallest class whose blocks hold {@code length} bytes (1 to {@link #MAX_BLOCK_BYTES}). */
    static int classOf(int length) {
        if (length <= 0 || length > MAX_BLOCK_BYTES) {
            throw new IllegalArgumentException("no size class for " + length + " bytes");
        }
        return CLASS_BY_QUANTA[(length + QUANTUM - 1) / QUANTUM];
    }

    static int blockBytes(int sizeClass) {
        return BLOCK_BYTES[sizeClass];
    }

    private static int[] blockSizes() {
        int[] sizes = new int[64];
        int count = 0;
        for (int size = QUANTUM; size <= 128; size += QUANTUM) {
            sizes[count++] = size;
        }
        for (int base = 128; base < MAX_BLOCK_BYTES; base *= 2) {
            for (int step = 1; step <= 4; step++) {
                sizes[count++] = base + step * base / 4;
            }
        }
        return Arrays.copyOf(sizes, count);
    }

    private static byte[] classByQuanta() {
        byte[] classes = new byte[MAX_BLOCK_BYTES / QUANTUM + 1];
        int sizeClass = 0;
        for (int quanta = 1; quanta < classes.length; quanta++) {
            while (BLOCK_BYTES[sizeClass] < quanta * QUANTUM) {
                sizeClass++;
            }
            classes[quanta] = (byte) sizeClass;
        }
        return classes;
    }
}
