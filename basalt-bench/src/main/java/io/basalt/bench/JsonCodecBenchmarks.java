package io.basalt.bench;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.basalt.model.AttributeValue;
import io.basalt.model.DynamoNumber;
import io.basalt.model.Item;
import io.basalt.partition.encoding.ItemCodec;
import io.basalt.partition.encoding.StoredItem;
import io.basalt.server.json.AttributeValueJson;
import io.basalt.server.json.JsonObject;
import io.basalt.server.json.RequestJson;
import io.basalt.server.json.StoredItemJson;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The server's JSON work for a ~1 KB item: reading a PutItem request body into an item, and writing an item into a
 * GetItem response. Both go through the same classes and Netty buffers as the request pipeline
 * ({@code RequestHandler}), minus HTTP.
 */
@State(Scope.Benchmark)
public class JsonCodecBenchmarks extends MicroBenchmark {
    /** As {@code RequestHandler} writes responses: a default factory, UTF-8 into a Netty buffer. */
    private static final JsonFactory JSON = new JsonFactory();

    private ByteBuf request;
    Item item;
    private ByteBuf response;
    /** The query workload's page: 20 stored items of one partition, ~100 B each (tools/bench/preload.lua). */
    private final StoredItem[] page = new StoredItem[20];
    private StoredItem stored;

    @Setup
    public void setUp() {
        byte[] body = BenchItems.putItemRequest("key42").getBytes(StandardCharsets.UTF_8);
        request = ByteBufAllocator.DEFAULT.buffer(body.length).writeBytes(body);
        item = BenchItems.item("key42");
        response = ByteBufAllocator.DEFAULT.buffer(256);
        stored = StoredItem.of(ItemCodec.encode(item));
        for (int i = 0; i < page.length; i++) {
            Map<String, AttributeValue> attributes = new LinkedHashMap<>();
            attributes.put("pk", new AttributeValue.StringValue("part42"));
            attributes.put("sk", new AttributeValue.NumberValue(DynamoNumber.parse(Integer.toString(i + 1))));
            attributes.put("payload", new AttributeValue.StringValue("y".repeat(100)));
            page[i] = StoredItem.of(ItemCodec.encode(new Item(attributes)));
        }
    }

    @TearDown
    public void tearDown() {
        request.release();
        response.release();
    }

    /** The JSON tree of the request alone: what every operation pays before it looks at a member. */
    @Benchmark
    public JsonObject parsePutItemRequest() {
        request.readerIndex(0);
        return RequestJson.parse(new ByteBufInputStream(request), request.readableBytes());
    }

    /** The tree, then the item read from it with DynamoDB's value checks, as {@code PutItemHandler} does. */
    @Benchmark
    public Item decodePutItemRequest() {
        return AttributeValueJson.readItem(parsePutItemRequest().getAttributeMap("Item"));
    }

    /** Returns the reused buffer, which holds the response body {@code {"Item": {...}}}. */
    @Benchmark
    public ByteBuf encodeGetItemResponse() throws IOException {
        JsonGenerator out = startResponse();
        out.writeFieldName("Item");
        AttributeValueJson.writeItem(out, item.attributes());
        return endResponse(out);
    }

    /** A Query response of 20 items written from their stored bytes, as {@code QueryHandler} does. */
    @Benchmark
    public ByteBuf encodeQueryResponse() throws IOException {
        JsonGenerator out = startResponse();
        out.writeArrayFieldStart("Items");
        for (StoredItem stored : page) {
            StoredItemJson.write(out, stored);
        }
        out.writeEndArray();
        out.writeNumberField("Count", page.length);
        out.writeNumberField("ScannedCount", page.length);
        return endResponse(out);
    }

    /** The same GetItem response written from the item's stored bytes, as {@code GetItemHandler} does. */
    @Benchmark
    public ByteBuf encodeStoredGetItemResponse() throws IOException {
        JsonGenerator out = startResponse();
        out.writeFieldName("Item");
        StoredItemJson.write(out, stored);
        return endResponse(out);
    }

    /** A generator into the cleared reused buffer, as {@code RequestHandler} writes a response body, object open. */
    private JsonGenerator startResponse() throws IOException {
        response.clear();
        JsonGenerator out = JSON.createGenerator((OutputStream) new ByteBufOutputStream(response), JsonEncoding.UTF8);
        out.writeStartObject();
        return out;
    }

    /** Closes the response object and the generator; returns the buffer holding the body. */
    private ByteBuf endResponse(JsonGenerator out) throws IOException {
        out.writeEndObject();
        out.close();
        return response;
    }
}
