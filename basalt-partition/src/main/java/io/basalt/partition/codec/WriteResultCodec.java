package io.basalt.partition.codec;

import static java.util.Objects.requireNonNull;

import io.basalt.expressions.ast.DocumentPath;
import io.basalt.model.Item;
import io.basalt.partition.EvaluatedWrite;
import io.basalt.partition.IndexWrite;
import io.basalt.partition.PartitionState;
import io.basalt.partition.WriteOutcome;
import io.basalt.partition.encoding.ByteReader;
import io.basalt.partition.encoding.ByteWriter;
import io.basalt.partition.encoding.ItemCodec;
import io.basalt.partition.encoding.StoredItem;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary forms of what a partition leader answers to a write (docs/design/cluster.md §8.3) and of a
 * transaction's staged writes, which travel from the prepare round back to the commit round (§12.2).
 * <pre>
 *   evaluated write: outcome, varlong old size, varlong new size, varint count, (name, u8 global, u64 units
 *                    as IEEE 754 bits) each, varlong item collection size + 1 (0 = none)
 *   outcome:         u8 flags (1 old image present, 2 new image present), [varint length, old stored item],
 *                    [new item], varint count, path each (updated paths)
 *   staged:          varint length, item key, operation ({@link OperationCodec}), u8 0/1, [varint length,
 *                    current stored item], outcome
 * </pre>
 * The evaluated write's log entry is not sent: it stays with the partition that logged it, and the node that
 * answers the client needs only what the write did. THE LAYOUT IS A PROTOCOL: change it only with a new frame
 * version.
 */
public final class WriteResultCodec {
    private static final int OLD_PRESENT = 1;
    private static final int NEW_PRESENT = 2;

    private WriteResultCodec() {
    }

    public static void writeEvaluated(ByteWriter out, EvaluatedWrite write) {
        requireNonNull(write, "write is null");
        writeOutcome(out, write.outcome());
        out.writeVarLong(write.oldSize());
        out.writeVarLong(write.newSize());
        out.writeVarInt(write.indexWrites().size());
        for (IndexWrite index : write.indexWrites()) {
            ItemCodec.writeString(out, index.indexName());
            out.writeByte(index.global() ? 1 : 0);
            out.writeLong(Double.doubleToLongBits(index.units()));
        }
        out.writeVarLong(write.itemCollectionSize() + 1);
    }

    /** @return the write without its log entry (which stays with the partition) */
    public static EvaluatedWrite readEvaluated(ByteReader in) {
        WriteOutcome outcome = readOutcome(in);
        long oldSize = in.readVarLong();
        long newSize = in.readVarLong();
        int count = in.readLength();
        List<IndexWrite> indexWrites = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = ItemCodec.readString(in);
            boolean global = readBoolean(in);
            indexWrites.add(new IndexWrite(name, global, Double.longBitsToDouble(in.readLong())));
        }
        long itemCollectionSize = in.readVarLong() - 1;
        return new EvaluatedWrite(outcome, null, oldSize, newSize, indexWrites, itemCollectionSize);
    }

    public static void writeStaged(ByteWriter out, PartitionState.Staged staged) {
        requireNonNull(staged, "staged is null");
        ReadCodec.writeStored(out, staged.itemKey());
        OperationCodec.encode(out, staged.operation());
        out.writeByte(staged.current() == null ? 0 : 1);
        if (staged.current() != null) {
            ReadCodec.writeStored(out, staged.current().encoded());
        }
        writeOutcome(out, staged.outcome());
    }

    public static PartitionState.Staged readStaged(ByteReader in) {
        byte[] itemKey = ReadCodec.readStored(in);
        var operation = OperationCodec.decode(in);
        StoredItem current = readBoolean(in) ? StoredItem.of(ReadCodec.readStored(in)) : null;
        return new PartitionState.Staged(itemKey, operation, current, readOutcome(in));
    }

    private static void writeOutcome(ByteWriter out, WriteOutcome outcome) {
        out.writeByte((outcome.old() != null ? OLD_PRESENT : 0) | (outcome.newItem() != null ? NEW_PRESENT : 0));
        if (outcome.old() != null) {
            ReadCodec.writeStored(out, outcome.old().encoded());
        }
        if (outcome.newItem() != null) {
            ItemCodec.encode(out, outcome.newItem());
        }
        out.writeVarInt(outcome.updatedPaths().size());
        for (DocumentPath path : outcome.updatedPaths()) {
            ExpressionCodec.writePath(out, path);
        }
    }

    private static WriteOutcome readOutcome(ByteReader in) {
        int flags = in.readUnsignedByte();
        if ((flags & ~(OLD_PRESENT | NEW_PRESENT)) != 0) {
            throw new IllegalStateException("unknown outcome flags " + flags);
        }
        StoredItem old = (flags & OLD_PRESENT) != 0 ? StoredItem.of(ReadCodec.readStored(in)) : null;
        Item newItem = (flags & NEW_PRESENT) != 0 ? ItemCodec.decode(in) : null;
        int count = in.readLength();
        List<DocumentPath> paths = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            paths.add(ExpressionCodec.readPath(in));
        }
        return new WriteOutcome(old, newItem, paths);
    }

    static boolean readBoolean(ByteReader in) {
        int value = in.readUnsignedByte();
        if (value > 1) {
            throw new IllegalStateException("not a boolean: " + value + " at " + (in.position() - 1));
        }
        return value == 1;
    }
}
