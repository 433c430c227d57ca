package io.basalt.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.server.ResponseCompression.Coding;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TestResponseCompression {
    private static final ByteBufAllocator ALLOCATOR = UnpooledByteBufAllocator.DEFAULT;

    /**
     * DynamoDB's answers to Accept-Encoding values, as Alternator's test_compressed_response.py recorded them
     * against DynamoDB (test_compressed_response_accept_encodings).
     */
    static Stream<Arguments> dynamoDbAnswers() {
        return Stream.of(
                Arguments.of("identity", Coding.NONE),
                Arguments.of("", Coding.NONE),
                Arguments.of("br", Coding.NONE),
                Arguments.of("zstd", Coding.NONE),
                Arguments.of("compress", Coding.NONE),
                Arguments.of("x-gzip", Coding.NONE),
                Arguments.of("gzip", Coding.GZIP),
                Arguments.of("deflate", Coding.DEFLATE),
                Arguments.of("gzip, deflate", Coding.GZIP),
                Arguments.of("br, identity, deflate, gzip", Coding.DEFLATE),
                Arguments.of("GZIP, identity", Coding.GZIP),
                Arguments.of("dog, gzip ,, cat", Coding.GZIP),
                Arguments.of("gzip;q=0.8, deflate;q=0.5", Coding.GZIP),
                Arguments.of("br, gzip;q=0, deflate; q = 0.5 , identity;q=0", Coding.DEFLATE),
                Arguments.of("*", Coding.GZIP),
                Arguments.of("*, deflate;q=0.5", Coding.GZIP),
                Arguments.of("*, deflate", Coding.DEFLATE),
                Arguments.of("*, identity", Coding.GZIP),
                Arguments.of("*, gzip;q=0.5", Coding.DEFLATE),
                Arguments.of("gzip ;q=0", Coding.NONE),
                Arguments.of("identity;q=0", Coding.NONE),
                Arguments.of("*;q=0", Coding.NONE),
                Arguments.of("*;q=0.5,identity", Coding.GZIP),
                Arguments.of("gzip;q=0.5,identity;q=0.8", Coding.GZIP),
                Arguments.of("br;q=0.8,identity;q=0.5,*;q=0", Coding.NONE),
                Arguments.of("\"gzip\"", Coding.NONE),
                Arguments.of("gzip br", Coding.NONE),
                Arguments.of("gzip:q=1", Coding.NONE),
                Arguments.of("deflate;q=0.5, gzip;q=31", Coding.GZIP),
                Arguments.of("gzip;q=31,deflate;q=51", Coding.GZIP),
                Arguments.of("deflate;q=0.5, gzip;q=0.2", Coding.DEFLATE),
                Arguments.of("deflate;q=0.5, gzip;q=1;q=0.2", Coding.GZIP),
                Arguments.of("deflate;q=0.5,gzip;q=0.", Coding.DEFLATE),
                Arguments.of("deflate;q=0.5,gzip;q=0.x", Coding.GZIP),
                Arguments.of("deflate;q=-0.5,gzip;q=0.2", Coding.GZIP),
                Arguments.of("gzip;nq=1;q=0 ", Coding.NONE),
                Arguments.of("gzip;q=0, gzip;q=1, gzip;q=0", Coding.GZIP),
                Arguments.of("br,identity;q=0.5,gzip;q=0.0001", Coding.GZIP));
    }

    @ParameterizedTest(name = "[{0}] -> {1}")
    @MethodSource("dynamoDbAnswers")
    void negotiatesAsDynamoDb(String acceptEncoding, Coding expected) {
        assertThat(ResponseCompression.negotiate(acceptEncoding)).isEqualTo(expected);
    }

    @Test
    void noHeaderMeansNoCompression() {
        assertThat(ResponseCompression.negotiate(null)).isEqualTo(Coding.NONE);
    }

    @Test
    void gzipRoundTrips() throws IOException {
        for (byte[] body : bodies()) {
            byte[] compressed = compress(body, Coding.GZIP);
            assertThat(compressed[0]).isEqualTo((byte) 0x1f);
            assertThat(compressed[1]).isEqualTo((byte) 0x8b);
            assertThat(inflate(new GZIPInputStream(new ByteArrayInputStream(compressed)))).isEqualTo(body);
        }
    }

    @Test
    void deflateIsTheZlibFormat() throws IOException {
        for (byte[] body : bodies()) {
            byte[] compressed = compress(body, Coding.DEFLATE);
            // RFC 1950: the first two bytes, read as a big-endian number, are a multiple of 31.
            assertThat(((compressed[0] & 0xff) << 8 | (compressed[1] & 0xff)) % 31).isZero();
            assertThat(inflate(new InflaterInputStream(new ByteArrayInputStream(compressed)))).isEqualTo(body);
        }
    }

    private static byte[][] bodies() {
        byte[] random = new byte[300_000];
        ThreadLocalRandom.current().nextBytes(random);
        return new byte[][] {
            "{\"Item\":{\"x\":{\"S\":\"".concat("x".repeat(5000)).concat("\"}}}").getBytes(StandardCharsets.UTF_8),
            random,
            new byte[0]};
    }

    private static byte[] compress(byte[] body, Coding coding) {
        ByteBuf input = ALLOCATOR.buffer().writeBytes(body);
        ByteBuf output = ResponseCompression.compress(ALLOCATOR, input, coding);
        assertThat(input.refCnt()).as("the uncompressed body is released").isZero();
        try {
            byte[] bytes = new byte[output.readableBytes()];
            output.readBytes(bytes);
            return bytes;
        } finally {
            output.release();
        }
    }

    private static byte[] inflate(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }
}
