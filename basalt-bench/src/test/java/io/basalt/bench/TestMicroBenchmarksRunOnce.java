package io.basalt.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.partition.KeyLayout;
import io.basalt.partition.encoding.ItemCodec;
import io.basalt.server.json.AttributeValueJson;
import io.basalt.server.json.JsonObject;
import io.basalt.server.json.RequestJson;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keeps the codec, key and storage micro-benchmarks from rotting: calls each benchmark method once, directly (not
 * through JMH), and checks that it did the work it claims to measure.
 */
class TestMicroBenchmarksRunOnce {

    @Test
    void jsonCodecDecodesTheRequestItemAndEncodesAResponseThatReadsBack() throws Exception {
        JsonCodecBenchmarks benchmarks = new JsonCodecBenchmarks();
        benchmarks.setUp();
        try {
            assertThat(BenchItems.putItemRequest("key42").length()).isBetween(1000, 1050);
            assertThat(benchmarks.parsePutItemRequest().getString("TableName")).isEqualTo(BenchItems.TABLE);
            assertThat(benchmarks.decodePutItemRequest()).isEqualTo(benchmarks.item);

            ByteBuf response = benchmarks.encodeGetItemResponse();
            int length = response.readableBytes();
            JsonObject body = RequestJson.parse(new ByteBufInputStream(response.duplicate()), length);
            assertThat(AttributeValueJson.readItem(body.getAttributeMap("Item"))).isEqualTo(benchmarks.item);
            assertThat(benchmarks.encodeGetItemResponse().readableBytes()).as("buffer reused, not appended to")
                    .isEqualTo(length);
            assertThat(response.toString(StandardCharsets.UTF_8)).startsWith("{\"Item\":{\"pk\":{\"S\":\"key42\"}");
        } finally {
            benchmarks.tearDown();
        }
    }

    @Test
    void keyEncodingRoundTripsBothKeyShapes() {
        KeyEncodingBenchmarks benchmarks = new KeyEncodingBenchmarks();
        benchmarks.setUp();
        assertThat(benchmarks.decodeHashKey()).isEqualTo(benchmarks.hashKey);
        assertThat(benchmarks.decodeHashAndSortKey()).isEqualTo(benchmarks.hashAndSortKey);
        assertThat(benchmarks.encodeHashKey()).startsWith(KeyLayout.ITEMS);
        assertThat(benchmarks.encodeHashAndSortKey()).startsWith(KeyLayout.ITEMS);
    }

    @Test
    void itemCodecRoundTripsTheItem() {
        ItemCodecBenchmarks benchmarks = new ItemCodecBenchmarks();
        benchmarks.setUp();
        byte[] encoded = benchmarks.encode();
        assertThat(ItemCodec.decode(encoded)).isEqualTo(benchmarks.item);
        assertThat(benchmarks.encodeIntoReusedWriter()).isEqualTo(encoded.length);
        assertThat(benchmarks.encodeIntoReusedWriter()).isEqualTo(encoded.length);
        assertThat(benchmarks.decode()).isEqualTo(benchmarks.item);
    }

    @ParameterizedTest
    @ValueSource(strings = {"in-memory", "rocksdb"})
    void storageGetsThePreloadedValueAndThePutOne(String engine) throws Exception {
        StorageBenchmarks benchmarks = new StorageBenchmarks();
        StorageBenchmarks.Store store = new StorageBenchmarks.Store();
        store.engine = engine;
        store.keyCount = 1_000;
        store.setUp();
        try {
            byte[] preloaded = store.value;
            assertThat(benchmarks.get(store)).isEqualTo(preloaded);

            store.value = "put by the benchmark".getBytes(StandardCharsets.UTF_8);
            byte[] key = benchmarks.put(store);
            assertThat(store.storage.get(key)).isEqualTo(store.value);

            store.value = "put durably by the benchmark".getBytes(StandardCharsets.UTF_8);
            key = benchmarks.putSynced(store);
            assertThat(store.storage.get(key)).isEqualTo(store.value);
        } finally {
            store.tearDown();
        }
        if (store.directory != null) {
            assertThat(store.directory).doesNotExist();
        }
    }
}
