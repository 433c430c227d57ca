package io.basalt.partition.apply;

import io.basalt.partition.encoding.ByteReader;
import io.basalt.partition.encoding.ByteWriter;

/**
 * The value of a group's {@code 0x12} key: the (term, index) of the last log entry its state machine applied,
 * written in the same atomic batch as that entry's operations, so storage is always a consistent prefix of the log.
 *
 * <p>Format (version 1): {@code [1][term varint][index varint]}. Absent means nothing applied.
 */
public record GroupApplyState(long term, long index) {
    public static final GroupApplyState NONE = new GroupApplyState(0, 0);
    private static final byte FORMAT_VERSION = 1;

    public GroupApplyState {
        if (term < 0 || index < 0) {
            throw new IllegalArgumentException("negative term or index: " + term + ", " + index);
        }
    }

    public byte[] encode() {
        return encode(term, index);
    }

    /**
     * The value for (term, index), as {@link ByteWriter#writeVarLong} would write it, straight into an array of the
     * right size: it is written on every apply.
     */
    static byte[] encode(long term, long index) {
        if (term < 0 || index < 0) {
            throw new IllegalArgumentException("negative term or index: " + term + ", " + index);
        }
        byte[] bytes = new byte[1 + varLongSize(term) + varLongSize(index)];
        bytes[0] = FORMAT_VERSION;
        putVarLong(bytes, putVarLong(bytes, 1, term), index);
        return bytes;
    }

    private static int varLongSize(long value) {
        int size = 1;
        while ((value & ~0x7FL) != 0) {
            value >>>= 7;
            size++;
        }
        return size;
    }

    private static int putVarLong(byte[] bytes, int offset, long value) {
        while ((value & ~0x7FL) != 0) {
            bytes[offset++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        bytes[offset++] = (byte) value;
        return offset;
    }

    public static GroupApplyState decode(byte[] bytes) {
        if (bytes == null) {
            return NONE;
        }
        ByteReader in = new ByteReader(bytes);
        int version = in.readUnsignedByte();
        if (version != FORMAT_VERSION) {
            throw new IllegalStateException("unknown group apply state format version " + version);
        }
        return new GroupApplyState(in.readVarLong(), in.readVarLong());
    }
}
