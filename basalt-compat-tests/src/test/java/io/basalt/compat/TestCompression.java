package io.basalt.compat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Compressed request bodies ({@code Content-Encoding}) and compressed responses ({@code Accept-Encoding}), through
 * raw HTTP and through the AWS SDK for Java v2. DynamoDB's service model marks no operation for the SDKs' request
 * compression, so the SDK is made to compress by an interceptor, as Alternator's tests make boto3 do.
 */
class TestCompression extends CompatTestSupport {
    private static final int THRESHOLD = 4096;

    private String table;

    @BeforeAll
    void createTable() {
        table = hashTable();
    }

    private static byte[] gzip(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] deflate(byte[] body, boolean zlibWrapper) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream deflate = new DeflaterOutputStream(out, new Deflater(6, !zlibWrapper))) {
            deflate.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A raw POST whose body is sent exactly as given, with optional extra headers (name, value, ...). */
    private HttpResponse<byte[]> postBytes(String operation, byte[] body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/x-amz-json-1.0")
                .header("Authorization", FAKE_AUTHORIZATION)
                .header("X-Amz-Target", TARGET_PREFIX + operation)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String putItem(String key, String value) {
        return "{\"TableName\":\"" + table + "\",\"Item\":{\"pk\":{\"S\":\"" + key + "\"},\"v\":{\"S\":\"" + value
                + "\"}}}";
    }

    private Map<String, AttributeValue> stored(String key) {
        return client.getItem(b -> b.tableName(table).key(Map.of("pk", s(key))).consistentRead(true)).item();
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    @Test
    void gzipRequestBodiesAreDecoded() {
        String key = uniqueName("gzip");
        HttpResponse<byte[]> response = postBytes("PutItem", gzip(utf8(putItem(key, "hello"))),
                "Content-Encoding", "gzip");
        assertThat(response.statusCode()).as(text(response)).isEqualTo(200);
        assertThat(text(response)).isEqualTo("{}");
        assertThat(stored(key)).containsEntry("v", s("hello"));
    }

    @Test
    void deflateRequestBodiesAreDecodedWithOrWithoutTheZlibWrapper() {
        for (boolean wrapped : new boolean[] {true, false}) {
            String key = uniqueName("deflate");
            HttpResponse<byte[]> response = postBytes("PutItem", deflate(utf8(putItem(key, "x")), wrapped),
                    "Content-Encoding", "deflate");
            assertThat(response.statusCode()).as(text(response)).isEqualTo(200);
            assertThat(stored(key)).containsEntry("v", s("x"));
        }
    }

    @Test
    void identityAndCaseDoNotMatter() {
        String plain = uniqueName("identity");
        assertThat(postBytes("PutItem", utf8(putItem(plain, "x")), "Content-Encoding", "identity").statusCode())
                .isEqualTo(200);
        assertThat(stored(plain)).containsEntry("v", s("x"));
        String upper = uniqueName("upper");
        assertThat(postBytes("PutItem", gzip(utf8(putItem(upper, "x"))), "Content-Encoding", "GZIP").statusCode())
                .isEqualTo(200);
        assertThat(stored(upper)).containsEntry("v", s("x"));
    }

    @Test
    void concatenatedGzipMembersAreOneBody() {
        String key = uniqueName("members");
        byte[] body = utf8(putItem(key, "two-parts"));
        byte[] first = gzip(java.util.Arrays.copyOfRange(body, 0, 10));
        byte[] second = gzip(java.util.Arrays.copyOfRange(body, 10, body.length));
        byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        assertThat(postBytes("PutItem", both, "Content-Encoding", "gzip").statusCode()).isEqualTo(200);
        assertThat(stored(key)).containsEntry("v", s("two-parts"));
    }

    @Test
    void aLargeBodyDecodesInFull() {
        String key = uniqueName("large");
        String value = "y".repeat(300_000);
        HttpResponse<byte[]> response = postBytes("PutItem", gzip(utf8(putItem(key, value))),
                "Content-Encoding", "gzip");
        assertThat(response.statusCode()).as(text(response)).isEqualTo(200);
        assertThat(stored(key)).containsEntry("v", s(value));
    }

    @Test
    void brokenEncodingsAreInternalServerErrorsAndChangeNothing() {
        String key = uniqueName("broken");
        byte[] body = utf8(putItem(key, "x"));
        byte[] gzipped = gzip(body);
        List<Object[]> cases = List.of(
                new Object[] {"gzip", body},
                new Object[] {"gzip", java.util.Arrays.copyOf(gzipped, gzipped.length - 1)},
                new Object[] {"gzip", new byte[0]},
                new Object[] {"deflate", body},
                new Object[] {"garbage", body},
                new Object[] {"br", gzipped});
        for (Object[] c : cases) {
            HttpResponse<byte[]> response = postBytes("PutItem", (byte[]) c[1], "Content-Encoding", (String) c[0]);
            assertThat(response.statusCode()).as("%s", c[0]).isEqualTo(500);
            assertThat(text(response)).isEqualTo("{\"__type\":\"com.amazonaws.dynamodb.v20120810#InternalServerError\","
                    + "\"message\":\"Internal server error\"}");
            assertCrc(response, response.body());
        }
        assertThat(stored(key)).isEmpty();
    }

    @Test
    void aBodyOverTheLimitOnceDecodedIsRefused() {
        String key = uniqueName("bomb");
        String body = putItem(key, "x");
        // 17 MB of spaces inside the JSON: a few kilobytes compressed, over the 16 MB limit decoded.
        String padded = body.substring(0, body.length() - 1) + " ".repeat(17 * 1024 * 1024) + "}";
        byte[] compressed = gzip(utf8(padded));
        assertThat(compressed.length).isLessThan(100_000);
        HttpResponse<byte[]> response = postBytes("PutItem", compressed, "Content-Encoding", "gzip");
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).isEmpty();
        assertThat(stored(key)).isEmpty();
        // The body was read in full, so the connection serves the next request.
        assertThat(postBytes("ListTables", utf8("{}")).statusCode()).isEqualTo(200);
    }

    /** Stores an item whose GetItem response, projected to {@code x}, is exactly {@code length} bytes long. */
    private String itemWithResponseLength(int length) {
        String key = uniqueName("len");
        // {"Item":{"x":{"S":"..."}}} is 23 bytes around the value.
        client.putItem(b -> b.tableName(table).item(Map.of("pk", s(key), "x", s("x".repeat(length - 23)))));
        return key;
    }

    private HttpResponse<byte[]> getProjected(String key, String... headers) {
        return postBytes("GetItem", utf8("{\"TableName\":\"" + table + "\",\"Key\":{\"pk\":{\"S\":\"" + key
                + "\"}},\"ProjectionExpression\":\"x\",\"ConsistentRead\":true}"), headers);
    }

    private static void assertCrc(HttpResponse<byte[]> response, byte[] wireBytes) {
        CRC32 crc = new CRC32();
        crc.update(wireBytes);
        assertThat(response.headers().firstValue("x-amz-crc32")).hasValue(Long.toString(crc.getValue()));
    }

    @Test
    void largeResponsesAreCompressedWhenAskedAndTheCrcCoversTheWireBytes() throws IOException {
        String key = itemWithResponseLength(6000);
        HttpResponse<byte[]> plain = getProjected(key);
        assertThat(plain.body()).hasSize(6000);
        assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
        HttpResponse<byte[]> compressed = getProjected(key, "Accept-Encoding", "gzip");
        assertThat(compressed.statusCode()).isEqualTo(200);
        assertThat(compressed.headers().firstValue("Content-Encoding")).hasValue("gzip");
        assertThat(compressed.headers().firstValue("Content-Length"))
                .hasValue(Integer.toString(compressed.body().length));
        assertThat(compressed.body().length).isLessThan(1000);
        assertCrc(compressed, compressed.body());
        assertThat(new GZIPInputStream(new ByteArrayInputStream(compressed.body())).readAllBytes())
                .isEqualTo(plain.body());
        HttpResponse<byte[]> deflated = getProjected(key, "Accept-Encoding", "deflate");
        assertThat(deflated.headers().firstValue("Content-Encoding")).hasValue("deflate");
        assertCrc(deflated, deflated.body());
        assertThat(new InflaterInputStream(new ByteArrayInputStream(deflated.body())).readAllBytes())
                .isEqualTo(plain.body());
    }

    @Test
    void responsesUnder4KbAreNeverCompressed() {
        String small = itemWithResponseLength(THRESHOLD - 1);
        HttpResponse<byte[]> under = getProjected(small, "Accept-Encoding", "gzip, deflate");
        assertThat(under.body()).hasSize(THRESHOLD - 1);
        assertThat(under.headers().firstValue("Content-Encoding")).isEmpty();
        assertCrc(under, under.body());
        String exact = itemWithResponseLength(THRESHOLD);
        HttpResponse<byte[]> at = getProjected(exact, "Accept-Encoding", "gzip, deflate");
        assertThat(at.headers().firstValue("Content-Encoding")).hasValue("gzip");
    }

    @Test
    void onlyCodingsTheClientAcceptsAreUsed() {
        String key = itemWithResponseLength(8000);
        for (String accept : new String[] {"identity", "br", "x-gzip", "gzip;q=0", "*;q=0", "\"gzip\""}) {
            assertThat(getProjected(key, "Accept-Encoding", accept).headers().firstValue("Content-Encoding"))
                    .as(accept).isEmpty();
        }
        assertThat(getProjected(key, "Accept-Encoding", "*").headers().firstValue("Content-Encoding"))
                .hasValue("gzip");
        assertThat(getProjected(key, "Accept-Encoding", "br, identity, deflate, gzip").headers()
                .firstValue("Content-Encoding")).hasValue("deflate");
    }

    /** Compresses every request body with gzip and asks for gzip responses; records the responses' coding. */
    private static final class GzipEverything implements ExecutionInterceptor {
        private static final ExecutionAttribute<byte[]> COMPRESSED = new ExecutionAttribute<>("basalt.gzipped");
        final List<String> responseCodings = new CopyOnWriteArrayList<>();

        /** The compressed body, made once whichever of the two hooks the SDK calls first. */
        private static byte[] compressed(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
            byte[] compressed = attributes.getAttribute(COMPRESSED);
            if (compressed == null) {
                compressed = gzip(context.requestBody().map(TestCompression::read).orElse(new byte[0]));
                attributes.putAttribute(COMPRESSED, compressed);
            }
            return compressed;
        }

        @Override
        public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
            byte[] compressed = compressed(context, attributes);
            return context.httpRequest().toBuilder()
                    .putHeader("Content-Encoding", "gzip")
                    .putHeader("Content-Length", Integer.toString(compressed.length))
                    .putHeader("Accept-Encoding", "gzip")
                    .build();
        }

        @Override
        public Optional<RequestBody> modifyHttpContent(Context.ModifyHttpRequest context,
                ExecutionAttributes attributes) {
            return Optional.of(RequestBody.fromBytes(compressed(context, attributes)));
        }

        @Override
        public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
            responseCodings.add(context.httpResponse().firstMatchingHeader("Content-Encoding").orElse("none"));
        }
    }

    private static byte[] read(RequestBody body) {
        try (var in = body.contentStreamProvider().newStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theJavaSdkTalksGzipBothWays() {
        GzipEverything gzip = new GzipEverything();
        URI target = endpoint;
        try (DynamoDbClient compressing = DynamoDbClient.builder()
                .endpointOverride(target)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("basalt", "basalt")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.addExecutionInterceptor(gzip).retryStrategy(b -> b.maxAttempts(1)))
                .build()) {
            String key = uniqueName("sdk");
            String value = "z".repeat(50_000);
            byte[] blob = new byte[20_000];
            new java.util.Random(7).nextBytes(blob);
            compressing.putItem(b -> b.tableName(table).item(Map.of("pk", s(key), "v", s(value),
                    "b", AttributeValue.fromB(SdkBytes.fromByteArray(blob)))));
            Map<String, AttributeValue> item = compressing.getItem(b -> b.tableName(table)
                    .key(Map.of("pk", s(key))).consistentRead(true)).item();
            assertThat(item.get("v").s()).isEqualTo(value);
            assertThat(item.get("b").b().asByteArray()).isEqualTo(blob);
            // The SDK checked each response's CRC32 against the compressed bytes before decompressing them.
            assertThat(gzip.responseCodings).containsExactly("none", "gzip");
            for (int i = 0; i < 20; i++) {
                String itemKey = key + "-" + i;
                compressing.putItem(b -> b.tableName(table).item(Map.of("pk", s(itemKey), "v", s(value))));
            }
            // The 21 items hold over 1 MB, so the Scan pages (which page holds which item depends on the keys'
            // hashes); every page that carries one of them is large enough to come back compressed.
            int before = gzip.responseCodings.size();
            long found = compressing.scanPaginator(b -> b.tableName(table).consistentRead(true)
                    .filterExpression("begins_with(pk, :key)")
                    .expressionAttributeValues(Map.of(":key", s(key))))
                    .items().stream().count();
            assertThat(found).isEqualTo(21);
            assertThat(gzip.responseCodings.subList(before, gzip.responseCodings.size())).contains("gzip");
        }
    }
}
