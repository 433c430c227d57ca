package io.basalt.storage.memory;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Blocks of direct memory for the in-memory engine's values, so that a value overwritten long after it was written
 * never becomes garbage in the old generation of the Java heap (docs/design/in-memory-values.md).
 *
 * <p>Memory comes in slabs of {@link #SLAB_BYTES}, taken one at a time when a size class runs out of blocks, so an
 * idle engine holds almost nothing. A slab serves one {@link SizeClasses size class} at a time: its blocks are
 * carved in address order, and freed blocks form a free list threaded through their first four bytes. A slab whose
 * last block is freed goes to a pool of empty slabs that any class may carve again, so memory follows the mix of
 * value sizes instead of staying with the class that first used it. Slabs are given back only by {@link #close}.
 *
 * <p>A block is named by a {@code long}: its slab's index, its offset in the slab and the length of the value it
 * holds. Blocks are never empty; callers keep empty values without a block.
 *
 * <p>Threads: {@link #store}, {@link #free} and {@link #close} are called by one thread at a time (the engine's
 * committer, under its commit lock). {@link #read} may run on any thread at any moment: it only reads the slab
 * table, published through a volatile field, and slab bytes. Whether the bytes it copied still belonged to the
 * block (and not to a later value that reused it) is for the caller to prove; see {@link InMemoryStorageEngine}.
 */
final class SlabAllocator {
    static final int SLAB_BYTES = 1 << 20;
    static final int LENGTH_BITS = 17;
    private static final int OFFSET_BITS = 21;
    private static final int MAX_SLABS = 1 << (Long.SIZE - 1 - OFFSET_BITS - LENGTH_BITS);
    private static final int NO_BLOCK = -1;
    private static final int SMALLEST_BLOCK_BYTES = SizeClasses.blockBytes(0);
    /**
     * Whether slabs keep a bitmap of the blocks handed out, so that freeing a block twice fails at once instead of
     * letting two values share it. On with assertions (the tests): looking the bit up costs a cache miss per free.
     */
    private static final boolean TRACK_BLOCKS = SlabAllocator.class.desiredAssertionStatus();

    /** Every slab by index; only grows while open (readers look blocks up here), emptied by close. */
    private volatile Slab[] slabs = new Slab[8];
    private int slabCount;
    /** Per size class, the slabs that have a free or uncarved block, linked through {@link Slab#nextPartial}. */
    private final Slab[] partialByClass = new Slab[SizeClasses.count()];
    private final ArrayDeque<Slab> emptySlabs = new ArrayDeque<>();
    private long allocatedBytes;
    private boolean closed;

    /** Copies {@code length} bytes (1 to {@link SizeClasses#MAX_BLOCK_BYTES}) of {@code source} into a new block. */
    long store(byte[] source, int offset, int length) {
        if (closed) {
            throw new IllegalStateException("allocator is closed");
        }
        int sizeClass = SizeClasses.classOf(length);
        Slab slab = partialByClass[sizeClass];
        if (slab == null) {
            slab = emptySlabs.isEmpty() ? newSlab() : emptySlabs.pop();
            slab.format(sizeClass);
            linkPartial(slab);
        }
        int blockOffset = slab.take();
        if (slab.isFull()) {
            unlinkPartial(slab);
        }
        slab.memory.put(blockOffset, source, offset, length);
        allocatedBytes += slab.blockBytes;
        return ((long) slab.index << (OFFSET_BITS + LENGTH_BITS)) | ((long) blockOffset << LENGTH_BITS) | length;
    }

    /**
     * Copies the bytes of {@code block} into {@code target} at {@code offset}; false when the block's slab is gone
     * (the allocator was closed). Never fails otherwise, even when the block was freed meanwhile.
     */
    boolean read(long block, byte[] target, int offset) {
        Slab[] table = slabs;
        int index = slabIndex(block);
        if (index >= table.length || table[index] == null) {
            return false;
        }
        table[index].memory.get(blockOffset(block), target, offset, length(block));
        return true;
    }

    /** The length of the value held by {@code block}. */
    static int length(long block) {
        return (int) (block & ((1 << LENGTH_BITS) - 1));
    }

    /** Returns {@code block} to its slab; fails if it is not a block currently handed out. */
    void free(long block) {
        int index = slabIndex(block);
        Slab slab = index < slabCount ? slabs[index] : null;
        if (slab == null || closed) {
            throw new IllegalStateException("block " + Long.toHexString(block) + " belongs to no slab");
        }
        boolean wasFull = slab.isFull();
        slab.give(blockOffset(block));
        allocatedBytes -= slab.blockBytes;
        if (slab.used == 0) {
            if (!wasFull) {
                unlinkPartial(slab);
            }
            slab.sizeClass = NO_BLOCK;
            emptySlabs.push(slab);
        } else if (wasFull) {
            linkPartial(slab);
        }
    }

    /**
     * Forgets every slab. Their memory goes back when the collector finds the buffers unreachable (their cleaners
     * free it): freeing it at once would let a read racing this close touch unmapped memory and crash the JVM.
     */
    void close() {
        closed = true;
        slabs = new Slab[0];
        slabCount = 0;
        Arrays.fill(partialByClass, null);
        emptySlabs.clear();
        allocatedBytes = 0;
    }

    /** Slabs taken from the JVM and not yet given back. */
    int slabCount() {
        return slabCount;
    }

    /** Direct memory held: every slab, in use or not. */
    long reservedBytes() {
        return (long) slabCount * SLAB_BYTES;
    }

    /** Bytes of the blocks handed out (a block may be up to a fifth larger than its value). */
    long allocatedBytes() {
        return allocatedBytes;
    }

    /** Slabs with no block in use, waiting for any size class. */
    int emptySlabCount() {
        return emptySlabs.size();
    }

    private Slab newSlab() {
        if (slabCount == MAX_SLABS) {
            throw new IllegalStateException("the in-memory engine is limited to " + MAX_SLABS + " slabs");
        }
        Slab slab = new Slab(slabCount, ByteBuffer.allocateDirect(SLAB_BYTES));
        Slab[] table = slabs;
        if (slabCount == table.length) {
            table = Arrays.copyOf(table, table.length * 2);
        }
        // Readers find this slab only through blocks published after this write (by the commit's volatile writes).
        table[slabCount++] = slab;
        slabs = table;
        return slab;
    }

    private void linkPartial(Slab slab) {
        Slab head = partialByClass[slab.sizeClass];
        slab.previousPartial = null;
        slab.nextPartial = head;
        if (head != null) {
            head.previousPartial = slab;
        }
        partialByClass[slab.sizeClass] = slab;
    }

    private void unlinkPartial(Slab slab) {
        if (slab.previousPartial == null) {
            partialByClass[slab.sizeClass] = slab.nextPartial;
        } else {
            slab.previousPartial.nextPartial = slab.nextPartial;
        }
        if (slab.nextPartial != null) {
            slab.nextPartial.previousPartial = slab.previousPartial;
        }
        slab.previousPartial = null;
        slab.nextPartial = null;
    }

    static int slabIndex(long block) {
        return (int) (block >>> (OFFSET_BITS + LENGTH_BITS));
    }

    static int blockOffset(long block) {
        return (int) (block >>> LENGTH_BITS) & ((1 << OFFSET_BITS) - 1);
    }

    /** One slab and the state of its blocks. Owned by the allocator's single mutating thread. */
    private static final class Slab {
        final int index;
        final ByteBuffer memory;
        /** Which blocks are handed out, one bit per smallest block (see {@link #TRACK_BLOCKS}); else null. */
        final long[] inUse = TRACK_BLOCKS ? new long[SLAB_BYTES / SMALLEST_BLOCK_BYTES / Long.SIZE] : null;
        int sizeClass = NO_BLOCK;
        int blockBytes;
        /** Blocks below this offset have been handed out at least once. */
        int carved;
        /** The first free block below {@link #carved}; each free block's first four bytes hold the next. */
        int freeHead;
        int used;
        Slab previousPartial;
        Slab nextPartial;

        Slab(int index, ByteBuffer memory) {
            this.index = index;
            this.memory = memory;
        }

        void format(int newSizeClass) {
            sizeClass = newSizeClass;
            blockBytes = SizeClasses.blockBytes(newSizeClass);
            carved = 0;
            freeHead = NO_BLOCK;
        }

        boolean isFull() {
            return freeHead == NO_BLOCK && carved + blockBytes > SLAB_BYTES;
        }

        int take() {
            int offset;
            if (freeHead != NO_BLOCK) {
                offset = freeHead;
                freeHead = memory.getInt(offset);
            } else {
                offset = carved;
                carved += blockBytes;
            }
            if (inUse != null) {
                inUse[word(offset)] |= bit(offset);
            }
            used++;
            return offset;
        }

        void give(int offset) {
            if (sizeClass == NO_BLOCK || offset % blockBytes != 0
                    || (inUse != null && (inUse[word(offset)] & bit(offset)) == 0)) {
                throw new IllegalStateException("block at " + offset + " of slab " + index + " is not in use");
            }
            if (inUse != null) {
                inUse[word(offset)] &= ~bit(offset);
            }
            memory.putInt(offset, freeHead);
            freeHead = offset;
            used--;
        }

        private static int word(int offset) {
            return offset / SMALLEST_BLOCK_BYTES / Long.SIZE;
        }

        private static long bit(int offset) {
            return 1L << (offset / SMALLEST_BLOCK_BYTES % Long.SIZE);
        }
    }
}
