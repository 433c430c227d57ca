package io.basalt.bench;

import io.basalt.model.AttributeType;
import io.basalt.model.AttributeValue;
import io.basalt.model.KeyAttribute;
import io.basalt.model.KeySchema;
import io.basalt.model.PrimaryKey;
import io.basalt.partition.KeyLayout;
import io.basalt.partition.encoding.ByteReader;
import io.basalt.partition.encoding.KeyEncoding;
import java.util.Optional;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A primary key to its storage key ({@link KeyLayout#itemKey}), which every item read and write computes, and the
 * key values back from a storage key with {@link KeyEncoding#read}. There is no decoder of whole item keys: the
 * server takes keys from the stored item, so decoding here is the key-value encoding's own read path.
 */
@State(Scope.Benchmark)
public class KeyEncodingBenchmarks extends MicroBenchmark {
    /** Key space byte, table id (8), index id (2) and partition hash (8): the key values start after them. */
    private static final int KEY_VALUES_OFFSET = 1 + 8 + 2 + 8;

    private KeySchema hashAndSortSchema;
    PrimaryKey hashKey;
    PrimaryKey hashAndSortKey;
    private byte[] hashItemKey;
    private byte[] hashAndSortItemKey;

    @Setup
    public void setUp() {
        hashAndSortSchema = KeySchema.of(new KeyAttribute("pk", AttributeType.S),
                new KeyAttribute("sk", AttributeType.N));
        hashKey = new PrimaryKey(AttributeValue.string("key42817"), Optional.empty());
        // A millisecond timestamp: the usual numeric sort key of time-ordered items.
        hashAndSortKey = new PrimaryKey(AttributeValue.string("CUSTOMER#1042"),
                Optional.of(AttributeValue.number("1776675600123")));
        hashItemKey = encodeHashKey();
        hashAndSortItemKey = encodeHashAndSortKey();
    }

    @Benchmark
    public byte[] encodeHashKey() {
        return KeyLayout.itemKey(BenchItems.TABLE_ID, KeyLayout.BASE_TABLE_INDEX, BenchItems.HASH_KEY_SCHEMA,
                hashKey);
    }

    @Benchmark
    public byte[] encodeHashAndSortKey() {
        return KeyLayout.itemKey(BenchItems.TABLE_ID, KeyLayout.BASE_TABLE_INDEX, hashAndSortSchema, hashAndSortKey);
    }

    @Benchmark
    public PrimaryKey decodeHashKey() {
        ByteReader in = keyValues(hashItemKey);
        return new PrimaryKey(KeyEncoding.read(in, AttributeType.S), Optional.empty());
    }

    @Benchmark
    public PrimaryKey decodeHashAndSortKey() {
        ByteReader in = keyValues(hashAndSortItemKey);
        AttributeValue partitionValue = KeyEncoding.read(in, AttributeType.S);
        return new PrimaryKey(partitionValue, Optional.of(KeyEncoding.read(in, AttributeType.N)));
    }

    private static ByteReader keyValues(byte[] itemKey) {
        return new ByteReader(itemKey, KEY_VALUES_OFFSET, itemKey.length - KEY_VALUES_OFFSET);
    }
}
