package io.basalt.partition.encoding;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * Reads a window of a byte array. Every read is bounds-checked against the window's limit and a short or malformed
 * buffer raises {@link IllegalStateException}, since it means stored data is corrupt rather than a caller error.
 */
public final class ByteReader {
    private final byte[] buffer;
    private final int limit;
    private int position;

    public ByteReader(byte[] buffer) {
        this(buffer, 0, buffer.length);
    }

    public ByteReader(byte[] buffer, int offset, int length) {
        this.buffer = requireNonNull(buffer, "buffer is null");
        if (offset < 0 || length < 0 || offset > buffer.length - length) {
            throw new IndexOutOfBoundsException("window " + offset + "+" + length + " of " + buffer.length);
        }
        this.position = offset;
        this.limit = offset + length;
    }

    public byte readByte() {
        require(1);
        return buffer[position++];
    }

    public int readUnsignedByte() {
        return readByte() & 0xFF;
    }

    /** The next byte without consuming it, unsigned. */
    public int peekUnsignedByte() {
        require(1);
        return buffer[position] & 0xFF;
    }

    public byte[] readBytes(int length) {
        require(length);
        byte[] bytes = Arrays.copyOfRange(buffer, position, position + length);
        position += length;
        return bytes;
    }

    /** Reads an unsigned LEB128 varint of at most 5 bytes, as written by {@link ByteWriter#writeVarInt}. */
    public int readVarInt() {
        int result = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            int b = readUnsignedByte();
            result |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (shift == 28 && b > 0x0F) {
                    throw new IllegalStateException("varint overflows 32 bits at " + (position - 1));
                }
                return result;
            }
        }
        throw new IllegalStateException("varint longer than 5 bytes at " + position);
    }

    /** Reads a non-negative varint of at most 9 bytes, as written by {@link ByteWriter#writeVarLong}. */
    public long readVarLong() {
        long result = 0;
        for (int shift = 0; shift < 63; shift += 7) {
            int b = readUnsignedByte();
            result |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return result;
            }
        }
        throw new IllegalStateException("varlong longer than 9 bytes at " + position);
    }

    /** A varint that must be a length or count: non-negative and at most {@link #remaining()}. */
    public int readLength() {
        int length = readVarInt();
        if (length < 0 || length > remaining()) {
            throw new IllegalStateException("length " + Integer.toUnsignedString(length) + " exceeds the "
                    + remaining() + " bytes left at " + position);
        }
        return length;
    }

    public long readLong() {
        require(8);
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (buffer[position++] & 0xFF);
        }
        return value;
    }

    /** The index in the underlying array of the next byte. */
    public int position() {
        return position;
    }

    public int remaining() {
        return limit - position;
    }

    byte[] array() {
        return buffer;
    }

    void skip(int length) {
        require(length);
        position += length;
    }

    private void require(int length) {
        if (length < 0 || length > limit - position) {
            throw new IllegalStateException("truncated: need " + length + " bytes at " + position + ", have "
                    + (limit - position));
        }
    }
}
