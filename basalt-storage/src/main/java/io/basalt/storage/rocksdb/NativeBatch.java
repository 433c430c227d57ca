package io.basalt.storage.rocksdb;

import io.basalt.storage.WriteBatch;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link WriteBatch} in RocksDB's own serialized form (its write-ahead log record, {@code db/write_batch.cc}), so
 * that the native batch is made in one JNI call ({@code new org.rocksdb.WriteBatch(byte[])}) instead of one per
 * operation, each of which pins and copies its arrays (a replication group's apply writes one batch per Raft entry,
 * a few dozen operations; docs/benchmarks.md, "Cluster writes in s21").
 *
 * <p>A point operation whose key a later point operation of the same batch writes again is left out: the batch's
 * meaning is "later operations on the same key win", and a group's apply repeats keys within a batch (every
 * partition entry of a packed Raft entry ends by writing its partition's metadata record). What a reader sees after
 * the write is the same; the memtable takes one insert where it took several.
 *
 * <p>The format: a 12-byte header (sequence number, fixed64, set by RocksDB on write; operation count, fixed32,
 * both little-endian), then per operation a type byte and length-prefixed (varint32) slices: {@code 0x1} value
 * (key, value), {@code 0x0} deletion (key), {@code 0xF} range deletion (begin, end), all in the default column
 * family. RocksDB checks the count and every type byte when it applies the batch.
 */
final class NativeBatch {
    private static final int HEADER_BYTES = 12;
    private static final byte TYPE_DELETION = 0x0;
    private static final byte TYPE_VALUE = 0x1;
    private static final byte TYPE_RANGE_DELETION = 0xF;

    private NativeBatch() {
    }

    /** RocksDB's serialized form of {@code batch}; an inverted or empty range deletes nothing and is left out. */
    static byte[] encode(WriteBatch batch) {
        List<WriteBatch.Operation> operations = batch.operations();
        boolean[] superseded = superseded(operations);
        int size = HEADER_BYTES;
        int count = 0;
        for (int i = 0; i < operations.size(); i++) {
            WriteBatch.Operation operation = operations.get(i);
            if (superseded[i] || isEmptyRange(operation)) {
                continue;
            }
            count++;
            if (operation instanceof WriteBatch.Put put) {
                size += 1 + sliceBytes(put.key()) + sliceBytes(put.value());
            } else if (operation instanceof WriteBatch.Delete delete) {
                size += 1 + sliceBytes(delete.key());
            } else {
                WriteBatch.DeleteRange range = (WriteBatch.DeleteRange) operation;
                size += 1 + sliceBytes(range.fromInclusive()) + sliceBytes(range.toExclusive());
            }
        }
        byte[] out = new byte[size];
        // Bytes 0-7, the sequence number, stay zero: RocksDB assigns it when it writes the batch.
        out[8] = (byte) count;
        out[9] = (byte) (count >>> 8);
        out[10] = (byte) (count >>> 16);
        out[11] = (byte) (count >>> 24);
        int at = HEADER_BYTES;
        for (int i = 0; i < operations.size(); i++) {
            WriteBatch.Operation operation = operations.get(i);
            if (superseded[i] || isEmptyRange(operation)) {
                continue;
            }
            if (operation instanceof WriteBatch.Put put) {
                out[at++] = TYPE_VALUE;
                at = writeSlice(out, at, put.key());
                at = writeSlice(out, at, put.value());
            } else if (operation instanceof WriteBatch.Delete delete) {
                out[at++] = TYPE_DELETION;
                at = writeSlice(out, at, delete.key());
            } else {
                WriteBatch.DeleteRange range = (WriteBatch.DeleteRange) operation;
                out[at++] = TYPE_RANGE_DELETION;
                at = writeSlice(out, at, range.fromInclusive());
                at = writeSlice(out, at, range.toExclusive());
            }
        }
        return out;
    }

    /**
     * Which point operations a later point operation on the same key overrides. A range deletion between them does
     * not matter: the later point operation wins over both.
     */
    private static boolean[] superseded(List<WriteBatch.Operation> operations) {
        boolean[] superseded = new boolean[operations.size()];
        if (operations.size() < 2) {
            return superseded;
        }
        Map<ByteBuffer, Integer> last = new HashMap<>(operations.size() * 2);
        for (int i = 0; i < operations.size(); i++) {
            byte[] key = pointKey(operations.get(i));
            if (key != null) {
                Integer earlier = last.put(ByteBuffer.wrap(key), i);
                if (earlier != null) {
                    superseded[earlier] = true;
                }
            }
        }
        return superseded;
    }

    private static byte[] pointKey(WriteBatch.Operation operation) {
        if (operation instanceof WriteBatch.Put put) {
            return put.key();
        }
        return operation instanceof WriteBatch.Delete delete ? delete.key() : null;
    }

    /** RocksDB rejects inverted ranges; an empty or inverted range deletes nothing by definition. */
    private static boolean isEmptyRange(WriteBatch.Operation operation) {
        return operation instanceof WriteBatch.DeleteRange range
                && Arrays.compareUnsigned(range.fromInclusive(), range.toExclusive()) >= 0;
    }

    private static int sliceBytes(byte[] slice) {
        return varintBytes(slice.length) + slice.length;
    }

    private static int varintBytes(int value) {
        int bytes = 1;
        while ((value & ~0x7F) != 0) {
            value >>>= 7;
            bytes++;
        }
        return bytes;
    }

    private static int writeSlice(byte[] out, int at, byte[] slice) {
        int length = slice.length;
        while ((length & ~0x7F) != 0) {
            out[at++] = (byte) ((length & 0x7F) | 0x80);
            length >>>= 7;
        }
        out[at++] = (byte) length;
        System.arraycopy(slice, 0, out, at, slice.length);
        return at + slice.length;
    }
}
