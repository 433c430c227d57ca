package io.basalt.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class TestRequestDecoding {
    private static final ByteBufAllocator ALLOCATOR = UnpooledByteBufAllocator.DEFAULT;
    private static final int LIMIT = 1000;

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
        try (DeflaterOutputStream deflate = new DeflaterOutputStream(out, new Deflater(9, !zlibWrapper))) {
            deflate.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String decode(byte[] raw, String coding) {
        ByteBuf input = Unpooled.wrappedBuffer(raw);
        ByteBuf decoded = RequestDecoding.decode(ALLOCATOR, input, coding, LIMIT);
        try {
            assertThat(input.readableBytes()).as("the raw body is left for signature verification")
                    .isEqualTo(raw.length);
            return decoded.toString(StandardCharsets.UTF_8);
        } finally {
            if (decoded != input) {
                decoded.release();
            }
        }
    }

    private static ErrorCode failure(byte[] raw, String coding) {
        return catchThrowableOfType(BasaltException.class,
                () -> RequestDecoding.decode(ALLOCATOR, Unpooled.wrappedBuffer(raw), coding, LIMIT)).code();
    }

    @Test
    void anUncompressedBodyIsUsedAsItIs() {
        ByteBuf raw = Unpooled.copiedBuffer("{}", StandardCharsets.UTF_8);
        assertThat(RequestDecoding.decode(ALLOCATOR, raw, null, LIMIT)).isSameAs(raw);
        assertThat(RequestDecoding.decode(ALLOCATOR, raw, " Identity ", LIMIT)).isSameAs(raw);
    }

    @Test
    void gzipAndBothFormsOfDeflateDecode() {
        byte[] body = "{\"TableName\":\"t\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(decode(gzip(body), "gzip")).isEqualTo("{\"TableName\":\"t\"}");
        assertThat(decode(gzip(body), "GZip")).isEqualTo("{\"TableName\":\"t\"}");
        assertThat(decode(deflate(body, true), "deflate")).isEqualTo("{\"TableName\":\"t\"}");
        assertThat(decode(deflate(body, false), "deflate")).isEqualTo("{\"TableName\":\"t\"}");
    }

    @Test
    void theLimitAppliesToTheDecodedBody() {
        assertThat(decode(gzip(new byte[LIMIT]), "gzip")).hasSize(LIMIT);
        assertThat(failure(gzip(new byte[LIMIT + 1]), "gzip")).isEqualTo(ErrorCode.REQUEST_ENTITY_TOO_LARGE);
        assertThat(failure(deflate(new byte[100 * LIMIT], true), "deflate"))
                .isEqualTo(ErrorCode.REQUEST_ENTITY_TOO_LARGE);
    }

    @Test
    void undecodableBodiesAndUnknownCodingsAreInternalServerErrors() {
        byte[] json = "{}".getBytes(StandardCharsets.UTF_8);
        byte[] gzipped = gzip(json);
        byte[] truncated = java.util.Arrays.copyOf(gzipped, gzipped.length - 3);
        assertThat(failure(json, "gzip")).isEqualTo(ErrorCode.INTERNAL_SERVER_ERROR);
        assertThat(failure(truncated, "gzip")).isEqualTo(ErrorCode.INTERNAL_SERVER_ERROR);
        assertThat(failure(new byte[0], "gzip")).isEqualTo(ErrorCode.INTERNAL_SERVER_ERROR);
        assertThat(failure(json, "deflate")).isEqualTo(ErrorCode.INTERNAL_SERVER_ERROR);
        assertThat(failure(gzipped, "br")).isEqualTo(ErrorCode.INTERNAL_SERVER_ERROR);
        assertThat(failure(gzipped, "gzip, identity")).isEqualTo(ErrorCode.INTERNAL_SERVER_ERROR);
    }
}
