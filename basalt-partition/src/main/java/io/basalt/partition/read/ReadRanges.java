package io.basalt.partition.read;

import io.basalt.expressions.keys.KeyCondition;
import io.basalt.expressions.keys.SortKeyCondition;
import io.basalt.model.AttributeValue;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionHash;
import io.basalt.partition.encoding.ByteWriter;
import io.basalt.partition.encoding.KeyEncoding;
import java.util.Arrays;

/**
 * The storage key ranges Query and Scan read. Sort keys are encoded so that byte order is DynamoDB's order and no
 * encoding is a prefix of another; every sort key condition is therefore one contiguous range of keys. In an index,
 * the table's key follows the index sort key in every entry key, so "sort key equals v" is every key that starts
 * with v's encoding: ranges end at {@link KeyRange#prefixEnd}, which for a table (where nothing follows the sort
 * key) is the same as ending just after v.
 */
public final class ReadRanges {
    private ReadRanges() {
    }

    /**
     * The keys a Query with this key condition reads, one partition key's items in sort key order. The equalities
     * on leading sort key attributes of a multi-attribute key extend the prefix (each attribute's encoding is
     * self-delimiting), and the sort condition then applies to the attribute that follows them.
     */
    public static KeyRange query(long tableId, int indexId, KeyCondition condition) {
        ByteWriter prefixWriter = new ByteWriter(64);
        prefixWriter.writeBytes(KeyLayout.indexPartitionPrefix(tableId, indexId, condition.partitionValues()));
        for (AttributeValue value : condition.sortPrefix()) {
            KeyEncoding.write(prefixWriter, value);
        }
        byte[] prefix = prefixWriter.toByteArray();
        byte[] end = KeyRange.prefixEnd(prefix);
        if (condition.sortCondition().isEmpty()) {
            return new KeyRange(prefix, end);
        }
        SortKeyCondition sort = condition.sortCondition().get();
        if (sort instanceof SortKeyCondition.Compare compare) {
            byte[] at = concat(prefix, KeyEncoding.encode(compare.value()));
            return switch (compare.comparator()) {
                case EQ -> new KeyRange(at, KeyRange.prefixEnd(at));
                case LT -> new KeyRange(prefix, at);
                case LE -> new KeyRange(prefix, KeyRange.prefixEnd(at));
                case GT -> new KeyRange(KeyRange.prefixEnd(at), end);
                case GE -> new KeyRange(at, end);
                case NE -> throw new IllegalArgumentException("<> is not a key condition");
            };
        }
        if (sort instanceof SortKeyCondition.Between between) {
            return new KeyRange(concat(prefix, KeyEncoding.encode(between.low())),
                    KeyRange.prefixEnd(concat(prefix, KeyEncoding.encode(between.high()))));
        }
        AttributeValue prefixValue = ((SortKeyCondition.BeginsWith) sort).prefix();
        byte[] encoded = KeyEncoding.encode(prefixValue);
        // S and B encodings end with the two-byte terminator 0x00 0x00; without it, the escaped bytes are a
        // prefix of the encoding of every string (or binary) that starts with the value.
        byte[] escaped = Arrays.copyOf(encoded, encoded.length - 2);
        byte[] start = concat(prefix, escaped);
        return new KeyRange(start, KeyRange.prefixEnd(start));
    }

    /**
     * The keys of Scan segment {@code segment} of {@code totalSegments}: an equal share of the hash space, so the
     * segments are disjoint and together cover the table.
     */
    public static KeyRange scanSegment(long tableId, int indexId, int segment, int totalSegments) {
        byte[] start = segment == 0 ? KeyLayout.indexStart(tableId, indexId)
                : KeyLayout.partitionStart(tableId, indexId, PartitionHash.rangeStart(segment, totalSegments));
        byte[] end = segment + 1 < totalSegments
                ? KeyLayout.partitionStart(tableId, indexId, PartitionHash.rangeStart(segment + 1, totalSegments))
                : KeyLayout.indexEnd(tableId, indexId);
        return new KeyRange(start, end);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteWriter out = new ByteWriter(a.length + b.length);
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
