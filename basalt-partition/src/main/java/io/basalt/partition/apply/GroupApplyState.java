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

    /** The value for (term, index), without the record (written on every apply). */
    static byte[] encode(long term, long index) {
        return new ByteWriter(20).writeByte(FORMAT_VERSION).writeVarLong(term).writeVarLong(index).toByteArray();
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
