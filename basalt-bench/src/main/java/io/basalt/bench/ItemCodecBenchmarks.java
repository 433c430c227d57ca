package io.basalt.bench;

import io.basalt.model.Item;
import io.basalt.partition.encoding.ByteWriter;
import io.basalt.partition.encoding.ItemCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The stored form of a ~1 KB item: encoded on every write ({@code PartitionState}), decoded on every read, every
 * read-modify-write and every item a Query or Scan returns.
 */
@State(Scope.Benchmark)
public class ItemCodecBenchmarks extends MicroBenchmark {
    Item item;
    private byte[] encoded;
    private ByteWriter writer;

    @Setup
    public void setUp() {
        item = BenchItems.item("key42");
        encoded = ItemCodec.encode(item);
        writer = new ByteWriter();
    }

    /** {@link ItemCodec#encode(Item)}, the call the write path makes: a fresh buffer that grows, then a copy. */
    @Benchmark
    public byte[] encode() {
        return ItemCodec.encode(item);
    }

    /** The same encoding appended to a reused writer: the difference to {@link #encode} is buffer management. */
    @Benchmark
    public int encodeIntoReusedWriter() {
        writer.reset();
        ItemCodec.encode(writer, item);
        return writer.size();
    }

    @Benchmark
    public Item decode() {
        return ItemCodec.decode(encoded);
    }
}
