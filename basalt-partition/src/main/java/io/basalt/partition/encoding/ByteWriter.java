package io.basalt.partition.encoding;

import java.util.Arrays;

/** A growable byte buffer. Not thread-safe; reuse one per thread with {@link #reset()}. */
public final class ByteWriter {
    private byte[] buffer;
    private int size;

    public ByteWriter() {
        this(64);
    }

    public ByteWriter(int initialCapacity) {
        if (initialCapacity < 0) {
            throw new IllegalArgumentException("initialCapacity is negative: " + initialCapacity);
        }
        this.buffer = new byte[Math.max(initialCapacity, 8)];
    }

    /** Writes the low eight bits of {@code value}. */
    public ByteWriter writeByte(int value) {
        ensureCapacity(1);
        buffer[size++] = (byte) value;
        return this;
    }

    public ByteWriter writeBytes(byte[] bytes) {
        return writeBytes(bytes, 0, bytes.length);
    }

    public ByteWriter writeBytes(byte[] bytes, int offset, int length) {
        ensureCapacity(length);
        System.arraycopy(bytes, offset, buffer, size, length);
        size += length;
        return this;
    }

    /** Writes {@code value} as an unsigned LEB128 varint: 1 byte below 128, at most 5 bytes. */
    public ByteWriter writeVarInt(int value) {
        ensureCapacity(5);
        while ((value & ~0x7F) != 0) {
            buffer[size++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        buffer[size++] = (byte) value;
        return this;
    }

    /** Writes a non-negative {@code value} as an unsigned LEB128 varint of at most 9 bytes. */
    public ByteWriter writeVarLong(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative varlong: " + value);
        }
        ensureCapacity(9);
        while ((value & ~0x7FL) != 0) {
            buffer[size++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        buffer[size++] = (byte) value;
        return this;
    }

    /** Writes four bytes, most significant first. */
    public ByteWriter writeInt(int value) {
        ensureCapacity(4);
        for (int shift = 24; shift >= 0; shift -= 8) {
            buffer[size++] = (byte) (value >>> shift);
        }
        return this;
    }

    /** Writes eight bytes, most significant first. */
    public ByteWriter writeLong(long value) {
        ensureCapacity(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buffer[size++] = (byte) (value >>> shift);
        }
        return this;
    }

    public int size() {
        return size;
    }

    /** Forgets the content, keeping the buffer. */
    public void reset() {
        size = 0;
    }

    /**
     * Makes room for {@code extra} more bytes and returns the buffer to write them into directly, from
     * {@link #size()} on; {@link #advance} then counts what was written. For encoders in this package.
     */
    byte[] reserve(int extra) {
        ensureCapacity(extra);
        return buffer;
    }

    /** Counts {@code written} bytes put directly into the buffer {@link #reserve} returned. */
    void advance(int written) {
        size += written;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buffer, size);
    }

    private void ensureCapacity(int extra) {
        int needed = size + extra;
        if (needed < 0) {
            throw new IllegalStateException("buffer larger than 2 GB");
        }
        if (needed > buffer.length) {
            buffer = Arrays.copyOf(buffer, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, 2L * buffer.length)));
        }
    }
}
