package io.basalt.partition.codec;

import static java.util.Objects.requireNonNull;

import io.basalt.expressions.ast.Condition;
import io.basalt.expressions.ast.DocumentPath;
import io.basalt.expressions.keys.KeyCondition;
import io.basalt.expressions.keys.SortKeyCondition;
import io.basalt.model.AttributeValue;
import io.basalt.model.Item;
import io.basalt.partition.encoding.ByteReader;
import io.basalt.partition.encoding.ByteWriter;
import io.basalt.partition.encoding.ItemCodec;
import io.basalt.partition.encoding.StoredItem;
import io.basalt.partition.read.FetchMode;
import io.basalt.partition.read.ReadResult;
import io.basalt.partition.read.ReadSource;
import io.basalt.partition.read.ReadSpec;
import io.basalt.partition.read.ScanRange;
import io.basalt.partition.read.StopReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The binary forms of a page read's {@link ReadSpec} and {@link ReadResult}, as the {@code READ} frame carries them
 * (docs/design/cluster.md §9.1, §12.2). Items travel in their stored form, so the node that writes the response
 * writes JSON from the bytes the partition read without decoding them (reads.md).
 * <pre>
 *   spec:   varlong table id, u8 source (1 BASE | 2 LOCAL_INDEX | 3 GLOBAL_INDEX), varint index id,
 *           u8 1 QUERY, key condition | 2 SCAN, varint segment, varint total segments,
 *           u8 flags (1 forward, 2 count only, 4 consistent, 8 projection present, 16 start key present),
 *           varint limit, varlong byte budget, condition (0 = no filter), [varint count, path each],
 *           u8 fetch (1 NONE | 2 FILTERED_ONLY | 3 ALL_READ), [start key item]
 *   key condition: varint count, value each (partition), varint count, value each (sort prefix),
 *           u8 0 none | 1 COMPARE, u8 comparator (1 = 2 &lt; 3 &lt;= 4 &gt; 5 &gt;=), value | 2 BETWEEN, value, value
 *           | 3 BEGINS_WITH, value
 *   result: varint count, (varint length, stored item) each, varint scanned count, varlong scanned bytes,
 *           varlong fetched bytes, u8 stop reason (1 EXHAUSTED | 2 LIMIT | 3 SIZE), [last evaluated key item]
 * </pre>
 * THE TAGS ARE PERSISTENT: never reorder, renumber or reuse one.
 */
public final class ReadCodec {
    private static final int QUERY = 1;
    private static final int SCAN = 2;

    private static final int FORWARD = 1;
    private static final int COUNT_ONLY = 2;
    private static final int CONSISTENT = 4;
    private static final int HAS_PROJECTION = 8;
    private static final int HAS_START_KEY = 16;
    private static final int ALL_FLAGS = 31;

    private static final int NO_SORT_CONDITION = 0;
    private static final int COMPARE = 1;
    private static final int BETWEEN = 2;
    private static final int BEGINS_WITH = 3;

    private ReadCodec() {
    }

    public static void writeSpec(ByteWriter out, ReadSpec spec) {
        requireNonNull(spec, "spec is null");
        out.writeVarLong(spec.tableId());
        out.writeByte(switch (spec.source().kind()) {
            case BASE -> 1;
            case LOCAL_INDEX -> 2;
            case GLOBAL_INDEX -> 3;
        });
        out.writeVarInt(spec.source().indexId());
        if (spec.isQuery()) {
            out.writeByte(QUERY);
            writeKeyCondition(out, spec.keyCondition());
        } else {
            out.writeByte(SCAN);
            out.writeVarInt(spec.scanRange().segment());
            out.writeVarInt(spec.scanRange().totalSegments());
        }
        out.writeByte((spec.forward() ? FORWARD : 0) | (spec.countOnly() ? COUNT_ONLY : 0)
                | (spec.consistent() ? CONSISTENT : 0) | (spec.projection() != null ? HAS_PROJECTION : 0)
                | (spec.exclusiveStartKey() != null ? HAS_START_KEY : 0));
        out.writeVarInt(spec.limit());
        out.writeVarLong(spec.byteBudget());
        ExpressionCodec.writeOptionalCondition(out, spec.filter());
        if (spec.projection() != null) {
            out.writeVarInt(spec.projection().size());
            for (DocumentPath path : spec.projection()) {
                ExpressionCodec.writePath(out, path);
            }
        }
        out.writeByte(switch (spec.fetch()) {
            case NONE -> 1;
            case FILTERED_ONLY -> 2;
            case ALL_READ -> 3;
        });
        if (spec.exclusiveStartKey() != null) {
            ItemCodec.encode(out, spec.exclusiveStartKey());
        }
    }

    /** @throws IllegalStateException when the bytes are corrupt or truncated */
    public static ReadSpec readSpec(ByteReader in) {
        long tableId = in.readVarLong();
        int sourceTag = in.readUnsignedByte();
        ReadSource.Kind kind = switch (sourceTag) {
            case 1 -> ReadSource.Kind.BASE;
            case 2 -> ReadSource.Kind.LOCAL_INDEX;
            case 3 -> ReadSource.Kind.GLOBAL_INDEX;
            default -> throw new IllegalStateException("unknown read source tag " + sourceTag);
        };
        int indexId = in.readVarInt();
        int shape = in.readUnsignedByte();
        KeyCondition keyCondition = null;
        ScanRange scanRange = null;
        if (shape == QUERY) {
            keyCondition = readKeyCondition(in);
        } else if (shape == SCAN) {
            int segment = in.readVarInt();
            int total = in.readVarInt();
            scanRange = checked(() -> new ScanRange(segment, total));
        } else {
            throw new IllegalStateException("unknown read shape " + shape);
        }
        int flags = in.readUnsignedByte();
        if ((flags & ~ALL_FLAGS) != 0) {
            throw new IllegalStateException("unknown read flags " + flags);
        }
        int limit = in.readVarInt();
        long byteBudget = in.readVarLong();
        Condition filter = ExpressionCodec.readOptionalCondition(in);
        List<DocumentPath> projection = null;
        if ((flags & HAS_PROJECTION) != 0) {
            int count = in.readLength();
            projection = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                projection.add(ExpressionCodec.readPath(in));
            }
        }
        int fetchTag = in.readUnsignedByte();
        FetchMode fetch = switch (fetchTag) {
            case 1 -> FetchMode.NONE;
            case 2 -> FetchMode.FILTERED_ONLY;
            case 3 -> FetchMode.ALL_READ;
            default -> throw new IllegalStateException("unknown fetch mode tag " + fetchTag);
        };
        Item startKey = (flags & HAS_START_KEY) != 0 ? ItemCodec.decode(in) : null;
        ReadSource source = checked(() -> new ReadSource(kind, indexId));
        KeyCondition condition = keyCondition;
        ScanRange range = scanRange;
        List<DocumentPath> paths = projection;
        return checked(() -> new ReadSpec(tableId, source, condition, range, (flags & FORWARD) != 0, limit,
                byteBudget, filter, paths, (flags & COUNT_ONLY) != 0, fetch, startKey, (flags & CONSISTENT) != 0));
    }

    public static void writeResult(ByteWriter out, ReadResult result) {
        requireNonNull(result, "result is null");
        out.writeVarInt(result.items().size());
        for (StoredItem item : result.items()) {
            writeStored(out, item.encoded());
        }
        out.writeVarInt(result.scannedCount());
        out.writeVarLong(result.scannedBytes());
        out.writeVarLong(result.fetchedBytes());
        out.writeByte(switch (result.stopReason()) {
            case EXHAUSTED -> 1;
            case LIMIT -> 2;
            case SIZE -> 3;
        });
        if (result.lastEvaluatedKey() != null) {
            ItemCodec.encode(out, result.lastEvaluatedKey());
        }
    }

    /** @throws IllegalStateException when the bytes are corrupt or truncated */
    public static ReadResult readResult(ByteReader in) {
        int count = in.readLength();
        List<StoredItem> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            items.add(StoredItem.of(readStored(in)));
        }
        int scanned = in.readVarInt();
        long scannedBytes = in.readVarLong();
        long fetchedBytes = in.readVarLong();
        int stopTag = in.readUnsignedByte();
        StopReason stop = switch (stopTag) {
            case 1 -> StopReason.EXHAUSTED;
            case 2 -> StopReason.LIMIT;
            case 3 -> StopReason.SIZE;
            default -> throw new IllegalStateException("unknown stop reason tag " + stopTag);
        };
        Item lastKey = stop == StopReason.EXHAUSTED ? null : ItemCodec.decode(in);
        return checked(() -> new ReadResult(items, scanned, scannedBytes, fetchedBytes, stop, lastKey));
    }

    /** A stored form (an item's or a key's bytes) with its length in front. */
    public static void writeStored(ByteWriter out, byte[] bytes) {
        out.writeVarInt(bytes.length);
        out.writeBytes(bytes);
    }

    public static byte[] readStored(ByteReader in) {
        return in.readBytes(in.readLength());
    }

    private static void writeKeyCondition(ByteWriter out, KeyCondition condition) {
        writeValues(out, condition.partitionValues());
        writeValues(out, condition.sortPrefix());
        Optional<SortKeyCondition> sort = condition.sortCondition();
        if (sort.isEmpty()) {
            out.writeByte(NO_SORT_CONDITION);
        } else if (sort.get() instanceof SortKeyCondition.Compare compare) {
            out.writeByte(COMPARE);
            out.writeByte(switch (compare.comparator()) {
                case EQ -> 1;
                case LT -> 2;
                case LE -> 3;
                case GT -> 4;
                case GE -> 5;
                case NE -> throw new IllegalArgumentException("<> is not a key condition");
            });
            ItemCodec.writeValue(out, compare.value());
        } else if (sort.get() instanceof SortKeyCondition.Between between) {
            out.writeByte(BETWEEN);
            ItemCodec.writeValue(out, between.low());
            ItemCodec.writeValue(out, between.high());
        } else if (sort.get() instanceof SortKeyCondition.BeginsWith beginsWith) {
            out.writeByte(BEGINS_WITH);
            ItemCodec.writeValue(out, beginsWith.prefix());
        } else {
            throw new AssertionError("SortKeyCondition is sealed: " + sort.get().getClass());
        }
    }

    private static KeyCondition readKeyCondition(ByteReader in) {
        List<AttributeValue> partitionValues = readValues(in);
        List<AttributeValue> sortPrefix = readValues(in);
        int tag = in.readUnsignedByte();
        SortKeyCondition sort = switch (tag) {
            case NO_SORT_CONDITION -> null;
            case COMPARE -> {
                int comparator = in.readUnsignedByte();
                Condition.Comparator parsed = switch (comparator) {
                    case 1 -> Condition.Comparator.EQ;
                    case 2 -> Condition.Comparator.LT;
                    case 3 -> Condition.Comparator.LE;
                    case 4 -> Condition.Comparator.GT;
                    case 5 -> Condition.Comparator.GE;
                    default -> throw new IllegalStateException("unknown key comparator tag " + comparator);
                };
                AttributeValue value = ItemCodec.readValue(in);
                yield new SortKeyCondition.Compare(parsed, value);
            }
            case BETWEEN -> {
                AttributeValue low = ItemCodec.readValue(in);
                yield new SortKeyCondition.Between(low, ItemCodec.readValue(in));
            }
            case BEGINS_WITH -> new SortKeyCondition.BeginsWith(ItemCodec.readValue(in));
            default -> throw new IllegalStateException("unknown sort key condition tag " + tag);
        };
        return checked(() -> new KeyCondition(partitionValues, sortPrefix, Optional.ofNullable(sort)));
    }

    private static void writeValues(ByteWriter out, List<AttributeValue> values) {
        out.writeVarInt(values.size());
        for (AttributeValue value : values) {
            ItemCodec.writeValue(out, value);
        }
    }

    private static List<AttributeValue> readValues(ByteReader in) {
        int count = in.readLength();
        List<AttributeValue> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            values.add(ItemCodec.readValue(in));
        }
        return values;
    }

    /** Builds a decoded value, turning a violated invariant (corrupt bytes) into the codecs' one failure type. */
    static <T> T checked(java.util.function.Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalStateException("invalid encoded value: " + e.getMessage(), e);
        }
    }
}
