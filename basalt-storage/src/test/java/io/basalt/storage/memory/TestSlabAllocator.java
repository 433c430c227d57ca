package io.basalt.storage.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TestSlabAllocator {
    private final SlabAllocator allocator = new SlabAllocator();

    @AfterEach
    void close() {
        allocator.close();
    }

    @Test
    void everyLengthGetsTheSmallestClassThatHoldsIt() {
        assertThat(SizeClasses.blockBytes(SizeClasses.count() - 1)).isEqualTo(SizeClasses.MAX_BLOCK_BYTES);
        for (int length = 1; length <= SizeClasses.MAX_BLOCK_BYTES; length++) {
            int sizeClass = SizeClasses.classOf(length);
            int block = SizeClasses.blockBytes(sizeClass);
            assertThat(block).as("block for %d bytes", length).isGreaterThanOrEqualTo(length);
            if (sizeClass > 0) {
                assertThat(SizeClasses.blockBytes(sizeClass - 1)).as("class below %d bytes", length).isLessThan(length);
            }
            if (length > 128) {
                assertThat(block - length).as("waste for %d bytes", length).isLessThanOrEqualTo(block / 5);
            }
        }
        assertThat(SizeClasses.blockBytes(SizeClasses.classOf(1050))).isEqualTo(1280);
        assertThatThrownBy(() -> SizeClasses.classOf(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SizeClasses.classOf(SizeClasses.MAX_BLOCK_BYTES + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void takesNoMemoryUntilTheFirstValue() {
        assertThat(allocator.slabCount()).isZero();
        assertThat(allocator.reservedBytes()).isZero();
        long block = store(value(1000, 7));
        assertThat(allocator.slabCount()).isEqualTo(1);
        assertThat(allocator.reservedBytes()).isEqualTo(SlabAllocator.SLAB_BYTES);
        assertThat(allocator.allocatedBytes()).isEqualTo(1024);
        assertThat(read(block)).isEqualTo(value(1000, 7));
    }

    @Test
    void aFreedBlockIsReusedByTheNextValueOfItsClass() {
        long first = store(value(1000, 1));
        long second = store(value(1000, 2));
        allocator.free(first);
        long reused = store(value(990, 3));
        assertThat(sameBlock(reused, first)).isTrue();
        assertThat(read(reused)).isEqualTo(value(990, 3));
        assertThat(read(second)).as("a neighbour is untouched").isEqualTo(value(1000, 2));
        assertThat(allocator.slabCount()).isEqualTo(1);
    }

    @Test
    void eachSlabServesOneSizeClass() {
        long small = store(value(100, 1));
        long large = store(value(5000, 2));
        assertThat(SlabAllocator.slabIndex(small)).isNotEqualTo(SlabAllocator.slabIndex(large));
        assertThat(allocator.allocatedBytes()).isEqualTo(112 + 5120);
    }

    @Test
    void aFullSlabTakesBackFreedBlocksBeforeANewSlabIsTaken() {
        int perSlab = SlabAllocator.SLAB_BYTES / SizeClasses.MAX_BLOCK_BYTES;
        List<Long> blocks = new ArrayList<>();
        for (int i = 0; i < perSlab; i++) {
            blocks.add(store(value(SizeClasses.MAX_BLOCK_BYTES, i)));
        }
        assertThat(allocator.slabCount()).isEqualTo(1);
        long overflow = store(value(SizeClasses.MAX_BLOCK_BYTES, 99));
        assertThat(allocator.slabCount()).isEqualTo(2);
        allocator.free(blocks.get(3));
        allocator.free(overflow);
        long again = store(value(SizeClasses.MAX_BLOCK_BYTES, 100));
        assertThat(allocator.slabCount()).isEqualTo(2);
        assertThat(sameBlock(again, overflow) || sameBlock(again, blocks.get(3))).isTrue();
        for (int i = 0; i < perSlab; i++) {
            if (i != 3) {
                assertThat(read(blocks.get(i))).isEqualTo(value(SizeClasses.MAX_BLOCK_BYTES, i));
            }
        }
    }

    @Test
    void anEmptiedSlabIsCarvedAgainByAnyClass() {
        List<Long> blocks = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            blocks.add(store(value(1000, i)));
        }
        blocks.forEach(allocator::free);
        assertThat(allocator.emptySlabCount()).isEqualTo(1);
        assertThat(allocator.allocatedBytes()).isZero();
        long other = store(value(40, 5));
        assertThat(allocator.slabCount()).as("the empty slab was reused").isEqualTo(1);
        assertThat(allocator.emptySlabCount()).isZero();
        assertThat(read(other)).isEqualTo(value(40, 5));
    }

    @Test
    void freeingABlockTwiceOrOneNeverHandedOutFails() {
        long block = store(value(300, 1));
        long neighbour = store(value(300, 2));
        allocator.free(block);
        assertThatThrownBy(() -> allocator.free(neighbour + (64L << SlabAllocator.LENGTH_BITS)))
                .as("an offset inside a block").isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> allocator.free(neighbour + (1L << 40)))
                .as("a slab never taken").isInstanceOf(IllegalStateException.class);
        assertThat(read(neighbour)).isEqualTo(value(300, 2));
        assumeTrue(SlabAllocator.class.desiredAssertionStatus(), "blocks in use are tracked with assertions on");
        assertThatThrownBy(() -> allocator.free(block)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closeGivesBackEverySlab() {
        long block = store(value(1000, 1));
        store(value(20_000, 2));
        assertThat(allocator.slabCount()).isEqualTo(2);
        allocator.close();
        assertThat(allocator.slabCount()).isZero();
        assertThat(allocator.reservedBytes()).isZero();
        assertThat(allocator.allocatedBytes()).isZero();
        assertThat(allocator.read(block, new byte[1000], 0)).as("a read after close finds no slab").isFalse();
        assertThatThrownBy(() -> store(value(10, 1))).isInstanceOf(IllegalStateException.class);
    }

    private long store(byte[] value) {
        return allocator.store(value, 0, value.length);
    }

    private byte[] read(long block) {
        byte[] value = new byte[SlabAllocator.length(block)];
        assertThat(allocator.read(block, value, 0)).isTrue();
        return value;
    }

    private static boolean sameBlock(long first, long second) {
        return SlabAllocator.slabIndex(first) == SlabAllocator.slabIndex(second)
                && SlabAllocator.blockOffset(first) == SlabAllocator.blockOffset(second);
    }

    private static byte[] value(int length, int seed) {
        byte[] value = new byte[length];
        Arrays.fill(value, (byte) seed);
        value[0] = (byte) (seed * 31 + 1);
        value[length - 1] = (byte) (seed * 17 + 3);
        return value;
    }
}
