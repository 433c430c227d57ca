package io.basalt.partition.codec;

import io.basalt.partition.GlobalIndexBatch;
import io.basalt.partition.IndexEntryOperation;
import io.basalt.partition.IndexPosition;
import io.basalt.partition.PartitionId;
import io.basalt.partition.encoding.ByteReader;
import io.basalt.partition.encoding.ByteWriter;
import io.basalt.partition.encoding.ItemCodec;
import java.util.ArrayList;
import java.util.List;

/**
 * The stored forms of a {@code GSI_APPLY} batch and of an index position (cluster.md §15), for the internal RPC:
 * <pre>
 *   batch     varlong table id, u16 index id, varlong source partition id, position through,
 *             varint count, (position, u8 1 PUT | 2 DELETE, entry key, [PUT: projected item]) each
 *   position  varlong sequence, varint sub
 * </pre>
 * Entry keys are a varint length and the bytes; projected items are {@link ItemCodec}'s form. THE LAYOUT IS A
 * PROTOCOL. Decoding failures are {@link IllegalStateException}s.
 */
public final class GlobalIndexCodec {
    private static final int PUT = 1;
    private static final int DELETE = 2;

    private GlobalIndexCodec() {
    }

    public static void writeBatch(ByteWriter out, GlobalIndexBatch batch) {
        out.writeVarLong(batch.tableId());
        out.writeByte((byte) (batch.indexId() >>> 8));
        out.writeByte((byte) batch.indexId());
        out.writeVarLong(batch.source().value());
        writePosition(out, batch.through());
        out.writeVarInt(batch.operations().size());
        for (GlobalIndexBatch.Tagged tagged : batch.operations()) {
            writePosition(out, tagged.position());
            IndexEntryOperation operation = tagged.operation();
            out.writeByte(operation instanceof IndexEntryOperation.IndexEntryPut ? PUT : DELETE);
            ReadCodec.writeStored(out, operation.entryKey());
            if (operation instanceof IndexEntryOperation.IndexEntryPut put) {
                ItemCodec.encode(out, put.projectedItem());
            }
        }
    }

    public static GlobalIndexBatch readBatch(ByteReader in) {
        long tableId = in.readVarLong();
        int indexId = (in.readUnsignedByte() << 8) | in.readUnsignedByte();
        PartitionId source = new PartitionId(in.readVarLong());
        IndexPosition through = readPosition(in);
        int count = in.readLength();
        List<GlobalIndexBatch.Tagged> operations = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            IndexPosition position = readPosition(in);
            int kind = in.readUnsignedByte();
            byte[] entryKey = ReadCodec.readStored(in);
            IndexEntryOperation operation;
            if (kind == PUT) {
                operation = new IndexEntryOperation.IndexEntryPut(entryKey, ItemCodec.decode(in));
            } else if (kind == DELETE) {
                operation = new IndexEntryOperation.IndexEntryDelete(entryKey);
            } else {
                throw new IllegalStateException("unknown index entry operation " + kind + " at " + (in.position() - 1));
            }
            operations.add(new GlobalIndexBatch.Tagged(position, operation));
        }
        return new GlobalIndexBatch(tableId, indexId, source, through, operations);
    }

    public static void writePosition(ByteWriter out, IndexPosition position) {
        out.writeVarLong(position.sequence());
        out.writeVarInt(position.sub());
    }

    public static IndexPosition readPosition(ByteReader in) {
        return new IndexPosition(in.readVarLong(), in.readVarInt());
    }
}
