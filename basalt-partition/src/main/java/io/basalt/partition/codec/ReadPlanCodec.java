package io.basalt.partition.codec;

import static java.util.Objects.requireNonNull;

import io.basalt.model.AttributeType;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.Projection;
import io.basalt.model.ProjectionType;
import io.basalt.model.SecondaryIndex;
import io.basalt.partition.encoding.ByteReader;
import io.basalt.partition.encoding.ByteWriter;
import io.basalt.partition.encoding.ItemCodec;
import io.basalt.partition.read.KeyRange;
import io.basalt.partition.read.ReadPlan;
import io.basalt.partition.read.ReadSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The binary form of a {@link ReadPlan}: one partition's share of a Query or Scan page as the {@code READ} frame
 * carries it to the node that serves the partition (docs/design/cluster.md §9.2, §12.2). The plan travels whole —
 * the spec, the table's key schema, the index read and the storage key range cut to the partition — so the serving
 * node reads exactly what the sender planned and needs no catalog of its own, as a {@code WRITE} carries its item's
 * storage key.
 * <pre>
 *   plan:       spec ({@link ReadCodec}), key schema, u8 0 no index | 1 index, [index],
 *               varint length, range lower bound (inclusive), varint length, range upper bound (exclusive)
 *   key schema: attribute (partition key), u8 0 | 1 sort key present, [attribute]
 *   attribute:  string name, u8 type (1 S | 2 N | 3 B)
 *   index:      string name, varint id, u8 global, varint count, attribute each (partition keys),
 *               varint count, attribute each (sort keys), u8 projection (1 ALL | 2 KEYS_ONLY | 3 INCLUDE),
 *               varint count, string each (INCLUDE's non-key attributes)
 * </pre>
 * Strings are {@link ItemCodec#writeString}'s form. THE TAGS ARE PERSISTENT: never reorder, renumber or reuse one.
 */
public final class ReadPlanCodec {
    private static final int S = 1;
    private static final int N = 2;
    private static final int B = 3;

    private static final int ALL = 1;
    private static final int KEYS_ONLY = 2;
    private static final int INCLUDE = 3;

    private ReadPlanCodec() {
    }

    public static void writePlan(ByteWriter out, ReadPlan plan) {
        requireNonNull(plan, "plan is null");
        ReadCodec.writeSpec(out, plan.spec());
        writeAttribute(out, plan.schema().partitionKey());
        out.writeByte(plan.schema().sortKey().isPresent() ? 1 : 0);
        plan.schema().sortKey().ifPresent(sortKey -> writeAttribute(out, sortKey));
        out.writeByte(plan.index() == null ? 0 : 1);
        if (plan.index() != null) {
            writeIndex(out, plan.index());
        }
        ReadCodec.writeStored(out, plan.range().lowerInclusive());
        ReadCodec.writeStored(out, plan.range().upperExclusive());
    }

    /** @throws IllegalStateException when the bytes are corrupt or truncated */
    public static ReadPlan readPlan(ByteReader in) {
        ReadSpec spec = ReadCodec.readSpec(in);
        KeyAttribute partitionKey = readAttribute(in);
        KeyAttribute sortKey = readFlag(in) ? readAttribute(in) : null;
        SecondaryIndex index = readFlag(in) ? readIndex(in) : null;
        byte[] lower = ReadCodec.readStored(in);
        byte[] upper = ReadCodec.readStored(in);
        return ReadCodec.checked(() -> new ReadPlan(spec, new KeySchema(partitionKey, Optional.ofNullable(sortKey)),
                index, new KeyRange(lower, upper)));
    }

    private static void writeIndex(ByteWriter out, SecondaryIndex index) {
        ItemCodec.writeString(out, index.name());
        out.writeVarInt(index.id());
        out.writeByte(index.global() ? 1 : 0);
        writeAttributes(out, index.partitionKeys());
        writeAttributes(out, index.sortKeys());
        out.writeByte(switch (index.projection().type()) {
            case ALL -> ALL;
            case KEYS_ONLY -> KEYS_ONLY;
            case INCLUDE -> INCLUDE;
        });
        out.writeVarInt(index.projection().nonKeyAttributes().size());
        index.projection().nonKeyAttributes().forEach(name -> ItemCodec.writeString(out, name));
    }

    private static SecondaryIndex readIndex(ByteReader in) {
        String name = ItemCodec.readString(in);
        int id = in.readVarInt();
        boolean global = readFlag(in);
        List<KeyAttribute> partitionKeys = readAttributes(in);
        List<KeyAttribute> sortKeys = readAttributes(in);
        int tag = in.readUnsignedByte();
        ProjectionType type = switch (tag) {
            case ALL -> ProjectionType.ALL;
            case KEYS_ONLY -> ProjectionType.KEYS_ONLY;
            case INCLUDE -> ProjectionType.INCLUDE;
            default -> throw new IllegalStateException("unknown projection tag " + tag);
        };
        int count = in.readLength();
        List<String> nonKeyAttributes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            nonKeyAttributes.add(ItemCodec.readString(in));
        }
        return ReadCodec.checked(() -> new SecondaryIndex(name, id, global, partitionKeys, sortKeys,
                new Projection(type, nonKeyAttributes)));
    }

    private static void writeAttributes(ByteWriter out, List<KeyAttribute> attributes) {
        out.writeVarInt(attributes.size());
        attributes.forEach(attribute -> writeAttribute(out, attribute));
    }

    private static List<KeyAttribute> readAttributes(ByteReader in) {
        int count = in.readLength();
        List<KeyAttribute> attributes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            attributes.add(readAttribute(in));
        }
        return attributes;
    }

    private static void writeAttribute(ByteWriter out, KeyAttribute attribute) {
        ItemCodec.writeString(out, attribute.name());
        out.writeByte(switch (attribute.type()) {
            case S -> S;
            case N -> N;
            case B -> B;
            default -> throw new IllegalArgumentException("not a key type: " + attribute.type());
        });
    }

    private static KeyAttribute readAttribute(ByteReader in) {
        String name = ItemCodec.readString(in);
        int tag = in.readUnsignedByte();
        AttributeType type = switch (tag) {
            case S -> AttributeType.S;
            case N -> AttributeType.N;
            case B -> AttributeType.B;
            default -> throw new IllegalStateException("unknown key attribute type tag " + tag);
        };
        return new KeyAttribute(name, type);
    }

    private static boolean readFlag(ByteReader in) {
        int value = in.readUnsignedByte();
        if (value > 1) {
            throw new IllegalStateException("not a flag: " + value + " at " + (in.position() - 1));
        }
        return value == 1;
    }
}
