package io.basalt.partition.read;

import static java.util.Objects.requireNonNull;

import io.basalt.model.AttributeValue;
import io.basalt.model.BasaltException;
import io.basalt.model.Item;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.PrimaryKey;
import io.basalt.model.SecondaryIndex;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.PartitionHash;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns a {@link ReadSpec} into the storage key range its page reads, and checks the ExclusiveStartKey against the
 * read: a Query's starting key must lie within its key condition, a parallel Scan's within its segment. The
 * key's shape (its attributes and their types) is wire validation, checked by the server before it gets here.
 */
public final class ReadPlanner {
    private static final String BAD_START_KEY = "The provided starting key is invalid";

    private ReadPlanner() {
    }

    /**
     * The plan for {@code spec} on a table of key schema {@code schema}.
     *
     * @param index the index {@code spec} reads, or null for the table's items
     * @throws BasaltException a ValidationException with DynamoDB's text when the ExclusiveStartKey is outside the
     *     read
     */
    public static ReadPlan plan(ReadSpec spec, KeySchema schema, SecondaryIndex index) {
        requireNonNull(spec, "spec is null");
        requireNonNull(schema, "schema is null");
        int indexId = spec.source().indexId();
        Item start = spec.exclusiveStartKey();
        if (spec.isQuery()) {
            KeyRange range = ReadRanges.query(spec.tableId(), indexId, spec.keyCondition());
            if (start != null) {
                if (!partitionValues(start, schema, index).equals(spec.keyCondition().partitionValues())) {
                    throw BasaltException.validation("The provided starting key is outside query boundaries based "
                            + "on provided conditions");
                }
                byte[] startKey = startStorageKey(spec, schema, index);
                if (Arrays.compareUnsigned(startKey, range.lowerInclusive()) < 0
                        || Arrays.compareUnsigned(startKey, range.upperExclusive()) >= 0) {
                    throw BasaltException.validation("The provided starting key does not match the range key "
                            + "predicate");
                }
                range = range.after(startKey, spec.forward());
            }
            return new ReadPlan(spec, schema, index, range);
        }
        ScanRange segment = spec.scanRange();
        KeyRange range = ReadRanges.scanSegment(spec.tableId(), indexId, segment.segment(), segment.totalSegments());
        if (start != null) {
            byte[] startKey = startStorageKey(spec, schema, index);
            if (segment.totalSegments() > 1 && PartitionHash.partitionIndex(KeyLayout.hashOfItemKey(startKey),
                    segment.totalSegments()) != segment.segment()) {
                // The key's hash places it in another segment (dynalite actions/scan.js, checked against DynamoDB).
                throw BasaltException.validation(BAD_START_KEY + ": Invalid ExclusiveStartKey. Please use "
                        + "ExclusiveStartKey with correct Segment. TotalSegments: " + segment.totalSegments()
                        + " Segment: " + segment.segment());
            }
            range = range.after(startKey, true);
        }
        return new ReadPlan(spec, schema, index, range);
    }

    /** The storage key of the ExclusiveStartKey: an item key, or an index entry key. */
    private static byte[] startStorageKey(ReadSpec spec, KeySchema schema, SecondaryIndex index) {
        Item start = spec.exclusiveStartKey();
        if (index == null) {
            PrimaryKey key = new PrimaryKey(start.get(schema.partitionKey().name()),
                    schema.sortKey().map(sortKey -> start.get(sortKey.name())));
            return KeyLayout.itemKey(spec.tableId(), KeyLayout.BASE_TABLE_INDEX, schema, key);
        }
        return KeyLayout.indexEntryKey(spec.tableId(), schema, index, start);
    }

    /** The partition key values of a starting key, in key schema order. */
    private static List<AttributeValue> partitionValues(Item start, KeySchema schema, SecondaryIndex index) {
        if (index == null) {
            return List.of(start.get(schema.partitionKey().name()));
        }
        List<AttributeValue> values = new ArrayList<>(index.partitionKeys().size());
        for (KeyAttribute attribute : index.partitionKeys()) {
            values.add(start.get(attribute.name()));
        }
        return values;
    }
}
