package io.basalt.partition.log;

import io.basalt.partition.GroupPartition;
import io.basalt.partition.PartitionId;
import io.basalt.partition.encoding.ByteReader;
import io.basalt.partition.encoding.ByteWriter;
import io.basalt.storage.WriteBatch;
import java.util.ArrayList;
import java.util.List;

/**
 * The byte form of a {@link LogEntry}, format version 1 (docs/design/cluster.md §5.2). Part of the replicated and
 * (from the Raft step on) durable format: kind and operation tags are never reordered or reused, and a change
 * needs a new format version that still decodes this one.
 *
 * <pre>
 * u8 format (= 1)   u8 kind (1 PARTITION, 2 GROUP_ADMIN, 3 META, 4 MULTI, 5 PART)
 * PARTITION: u64 partition id, u64 table id, varint sequence, u64 nonce, varint timestampMillis,
 *            varint operation count, then per operation: u8 tag (1 PUT, 2 DELETE, 3 DELETE_RANGE),
 *            varint key length + key, [PUT: varint value length + value], [DELETE_RANGE: varint length + end key]
 * META:      varint operation count + operations as above
 * MULTI:     varint count + that many PARTITION bodies (without the format and kind bytes)
 * PART:      u64 partition id, varint sequence, varint part, varint parts, varint length + bytes
 * GROUP_ADMIN: u8 admin tag (1 OPEN_PARTITIONS, 2 DROP_PARTITIONS, 3 CLOSE_PARTITIONS), then
 *            OPEN_PARTITIONS: varint count + that many GroupPartition (v1, self-describing)
 *            DROP_PARTITIONS: u64 table id
 *            CLOSE_PARTITIONS: u64 table id, varint count + that many u64 partition ids (added in format 1 by s18:
 *            a build that predates it refuses the entry, so every node of a cluster runs one build)
 * </pre>
 *
 * <p>Integers are big-endian; varints are {@link ByteWriter#writeVarLong} (lengths {@link ByteWriter#writeVarInt}).
 * The partition id is the partition's stable id ({@code PartitionId}, positive). The golden bytes of
 * {@code TestLogEntryCodec} pin this format: the Raft log (step 11) persists it.
 */
public final class LogEntryCodec {
    public static final byte FORMAT_VERSION = 1;

    private static final byte KIND_PARTITION = 1;
    /** The kind §5.2 reserved for group-admin entries (step 12). */
    private static final byte KIND_GROUP_ADMIN = 2;
    private static final byte KIND_META = 3;
    private static final byte KIND_MULTI = 4;
    private static final byte KIND_PART = 5;

    private static final byte ADMIN_OPEN_PARTITIONS = 1;
    private static final byte ADMIN_DROP_PARTITIONS = 2;
    private static final byte ADMIN_CLOSE_PARTITIONS = 3;

    private static final byte TAG_PUT = 1;
    private static final byte TAG_DELETE = 2;
    private static final byte TAG_DELETE_RANGE = 3;

    private LogEntryCodec() {
    }

    public static byte[] encode(LogEntry entry) {
        if (entry instanceof PartitionEntry partition) {
            ByteWriter out = new ByteWriter(estimate(partition) + 2);
            out.writeByte(FORMAT_VERSION);
            out.writeByte(KIND_PARTITION);
            writePartition(out, partition);
            return out.toByteArray();
        }
        if (entry instanceof MetaEntry meta) {
            ByteWriter out = new ByteWriter((int) Math.min(Integer.MAX_VALUE - 8,
                    16 + meta.approximateBytes() + 11L * meta.operations().size()));
            out.writeByte(FORMAT_VERSION);
            out.writeByte(KIND_META);
            writeOperations(out, meta.operations());
            return out.toByteArray();
        }
        if (entry instanceof PartEntry part) {
            ByteWriter out = new ByteWriter(part.chunk().length + 48);
            out.writeByte(FORMAT_VERSION);
            out.writeByte(KIND_PART);
            out.writeLong(part.partition().value());
            out.writeVarLong(part.sequence());
            out.writeVarInt(part.part());
            out.writeVarInt(part.parts());
            writeBytes(out, part.chunk());
            return out.toByteArray();
        }
        if (entry instanceof GroupAdminEntry admin) {
            return encodeAdmin(admin);
        }
        MultiEntry multi = (MultiEntry) entry;
        int size = 8;
        for (PartitionEntry inner : multi.entries()) {
            size += estimate(inner);
        }
        ByteWriter out = new ByteWriter(size);
        out.writeByte(FORMAT_VERSION);
        out.writeByte(KIND_MULTI);
        out.writeVarInt(multi.entries().size());
        for (PartitionEntry inner : multi.entries()) {
            writePartition(out, inner);
        }
        return out.toByteArray();
    }

    /**
     * @throws IllegalArgumentException when {@code bytes} is not one complete entry of a known format: truncated,
     *     trailing bytes, an unknown format version, kind or operation tag
     */
    public static LogEntry decode(byte[] bytes) {
        ByteReader in = new ByteReader(bytes);
        try {
            int format = in.readUnsignedByte();
            if (format != FORMAT_VERSION) {
                throw new IllegalArgumentException("unknown log entry format version " + format + " (this code "
                        + "reads version " + FORMAT_VERSION + ")");
            }
            int kind = in.readUnsignedByte();
            LogEntry entry;
            if (kind == KIND_PARTITION) {
                entry = readPartition(in);
            } else if (kind == KIND_META) {
                entry = new MetaEntry(readOperations(in));
            } else if (kind == KIND_MULTI) {
                int count = in.readLength();
                List<PartitionEntry> entries = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    entries.add(readPartition(in));
                }
                entry = new MultiEntry(entries);
            } else if (kind == KIND_PART) {
                entry = readPart(in);
            } else if (kind == KIND_GROUP_ADMIN) {
                entry = readAdmin(in);
            } else {
                throw new IllegalArgumentException("unknown log entry kind " + kind);
            }
            if (in.remaining() != 0) {
                throw new IllegalArgumentException("log entry has " + in.remaining() + " bytes after its end");
            }
            return entry;
        } catch (IllegalStateException e) {
            // ByteReader's truncation and varint errors.
            throw new IllegalArgumentException("log entry is truncated or malformed: " + e.getMessage(), e);
        }
    }

    private static byte[] encodeAdmin(GroupAdminEntry admin) {
        if (admin instanceof OpenPartitionsEntry open) {
            ByteWriter out = new ByteWriter(16 + 64 * open.partitions().size());
            out.writeByte(FORMAT_VERSION);
            out.writeByte(KIND_GROUP_ADMIN);
            out.writeByte(ADMIN_OPEN_PARTITIONS);
            out.writeVarInt(open.partitions().size());
            for (GroupPartition partition : open.partitions()) {
                partition.write(out);
            }
            return out.toByteArray();
        }
        if (admin instanceof ClosePartitionsEntry close) {
            ByteWriter out = new ByteWriter(16 + 9 * close.partitions().size());
            out.writeByte(FORMAT_VERSION);
            out.writeByte(KIND_GROUP_ADMIN);
            out.writeByte(ADMIN_CLOSE_PARTITIONS);
            out.writeLong(close.tableId());
            out.writeVarInt(close.partitions().size());
            close.partitions().forEach(partition -> out.writeLong(partition.value()));
            return out.toByteArray();
        }
        DropPartitionsEntry drop = (DropPartitionsEntry) admin;
        ByteWriter out = new ByteWriter(11);
        out.writeByte(FORMAT_VERSION);
        out.writeByte(KIND_GROUP_ADMIN);
        out.writeByte(ADMIN_DROP_PARTITIONS);
        out.writeLong(drop.tableId());
        return out.toByteArray();
    }

    private static GroupAdminEntry readAdmin(ByteReader in) {
        int tag = in.readUnsignedByte();
        if (tag == ADMIN_OPEN_PARTITIONS) {
            int count = in.readLength();
            List<GroupPartition> partitions = new ArrayList<>(Math.min(count, 1024));
            for (int i = 0; i < count; i++) {
                partitions.add(GroupPartition.read(in));
            }
            try {
                return new OpenPartitionsEntry(partitions);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
        if (tag == ADMIN_DROP_PARTITIONS) {
            long tableId = in.readLong();
            if (tableId < 1) {
                throw new IllegalArgumentException("table id out of range: " + tableId);
            }
            return new DropPartitionsEntry(tableId);
        }
        if (tag == ADMIN_CLOSE_PARTITIONS) {
            long tableId = in.readLong();
            int count = in.readLength();
            List<PartitionId> partitions = new ArrayList<>(Math.min(count, 1024));
            for (int i = 0; i < count; i++) {
                partitions.add(new PartitionId(in.readLong()));
            }
            // Out-of-range ids and duplicates are the record's IllegalArgumentException, as for a drop.
            return new ClosePartitionsEntry(tableId, partitions);
        }
        throw new IllegalArgumentException("unknown group admin tag " + tag);
    }

    private static int estimate(PartitionEntry entry) {
        long size = 48 + entry.approximateBytes() + 11L * entry.operations().size();
        return (int) Math.min(Integer.MAX_VALUE - 8, size);
    }

    private static void writePartition(ByteWriter out, PartitionEntry entry) {
        if (entry.timestampMillis() < 0) {
            throw new IllegalArgumentException("timestampMillis is negative: " + entry.timestampMillis());
        }
        out.writeLong(entry.partition().value());
        out.writeLong(entry.tableId());
        out.writeVarLong(entry.sequence());
        out.writeLong(entry.nonce());
        out.writeVarLong(entry.timestampMillis());
        writeOperations(out, entry.operations());
    }

    private static void writeOperations(ByteWriter out, List<WriteBatch.Operation> operations) {
        out.writeVarInt(operations.size());
        for (int i = 0; i < operations.size(); i++) {
            WriteBatch.Operation operation = operations.get(i);
            if (operation instanceof WriteBatch.Put put) {
                out.writeByte(TAG_PUT);
                writeBytes(out, put.key());
                writeBytes(out, put.value());
            } else if (operation instanceof WriteBatch.Delete delete) {
                out.writeByte(TAG_DELETE);
                writeBytes(out, delete.key());
            } else {
                WriteBatch.DeleteRange range = (WriteBatch.DeleteRange) operation;
                out.writeByte(TAG_DELETE_RANGE);
                writeBytes(out, range.fromInclusive());
                writeBytes(out, range.toExclusive());
            }
        }
    }

    private static PartitionEntry readPartition(ByteReader in) {
        long partitionId = in.readLong();
        long tableId = in.readLong();
        if (partitionId < 1 || tableId < 1) {
            throw new IllegalArgumentException("partition or table id out of range: " + partitionId + ", " + tableId);
        }
        long sequence = in.readVarLong();
        long nonce = in.readLong();
        long timestampMillis = in.readVarLong();
        OperationList operations = readOperations(in);
        return new PartitionEntry(new PartitionId(partitionId), tableId, sequence, nonce, timestampMillis,
                operations);
    }

    private static OperationList readOperations(ByteReader in) {
        int count = in.readLength();
        OperationList.Builder operations = OperationList.builder(count);
        for (int i = 0; i < count; i++) {
            int tag = in.readUnsignedByte();
            if (tag == TAG_PUT) {
                operations.put(readBytes(in), readBytes(in));
            } else if (tag == TAG_DELETE) {
                operations.delete(readBytes(in));
            } else if (tag == TAG_DELETE_RANGE) {
                operations.deleteRange(readBytes(in), readBytes(in));
            } else {
                throw new IllegalArgumentException("unknown log entry operation tag " + tag + " (operation " + i
                        + ")");
            }
        }
        return operations.build();
    }

    private static PartEntry readPart(ByteReader in) {
        long partitionId = in.readLong();
        if (partitionId < 1) {
            throw new IllegalArgumentException("partition id out of range: " + partitionId);
        }
        long sequence = in.readVarLong();
        int part = in.readLength();
        int parts = in.readLength();
        return new PartEntry(new PartitionId(partitionId), sequence, part, parts, readBytes(in));
    }

    private static void writeBytes(ByteWriter out, byte[] bytes) {
        out.writeVarInt(bytes.length);
        out.writeBytes(bytes);
    }

    private static byte[] readBytes(ByteReader in) {
        return in.readBytes(in.readLength());
    }
}
