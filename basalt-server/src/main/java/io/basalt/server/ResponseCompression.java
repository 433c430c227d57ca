package io.basalt.server;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.AsciiString;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Compresses a response body when the client asks for it with {@code Accept-Encoding} and the body is large
 * enough, as DynamoDB does: gzip or deflate, for bodies of 4 KB and more (Alternator's
 * test_compressed_response.py, run against DynamoDB). The header is read the way DynamoDB reads it, including
 * its handling of malformed values; see docs/design/http.md.
 */
final class ResponseCompression {
    /** Smaller bodies go out as they are, whatever the client accepts. */
    static final int THRESHOLD_BYTES = 4096;
    /** zlib's default, the usual trade of speed for size (Alternator's default too). */
    private static final int LEVEL = 6;
    /** A gzip member header (RFC 1952): deflate, no flags, no modification time, unknown operating system. */
    private static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

    /** The codings Basalt answers in, in DynamoDB's order of preference when the client weighs them equally. */
    enum Coding {
        NONE(null),
        GZIP(AsciiString.cached("gzip")),
        DEFLATE(AsciiString.cached("deflate"));

        private final AsciiString headerValue;

        Coding(AsciiString headerValue) {
            this.headerValue = headerValue;
        }

        /** The Content-Encoding value of a body in this coding. */
        AsciiString headerValue() {
            return requireNonNull(headerValue, "an uncompressed body has no Content-Encoding");
        }
    }

    private ResponseCompression() {
    }

    /**
     * The coding to answer in for an {@code Accept-Encoding} header value (null when there is none). Each
     * comma-separated entry is a coding and parameters; the first {@code q} parameter is its weight, clamped to
     * [0, 1], a weight that is not a number counting as 1. The highest weight above zero wins; at equal weights
     * a coding named outright beats one that {@code *} stands for, and the one named first wins. Unknown codings,
     * {@code identity} and malformed entries (quoted, or with a space inside) are ignored.
     */
    static Coding negotiate(String acceptEncoding) {
        if (acceptEncoding == null) {
            return Coding.NONE;
        }
        double[] named = {-1, -1};
        int[] position = {0, 0};
        double wildcard = -1;
        int index = 0;
        for (String entry : acceptEncoding.split(",")) {
            int semicolon = entry.indexOf(';');
            String coding = (semicolon < 0 ? entry : entry.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
            double weight = semicolon < 0 ? 1 : weight(entry.substring(semicolon + 1));
            switch (coding) {
                case "gzip", "deflate" -> {
                    int slot = coding.equals("gzip") ? 0 : 1;
                    if (named[slot] < 0) {
                        position[slot] = index;
                    }
                    // A coding named twice counts with its best weight.
                    named[slot] = Math.max(named[slot], weight);
                }
                case "*" -> wildcard = Math.max(wildcard, weight);
                default -> {
                    // identity, codings Basalt does not produce, and malformed entries.
                }
            }
            index++;
        }
        double gzip = named[0] >= 0 ? named[0] : wildcard;
        double deflate = named[1] >= 0 ? named[1] : wildcard;
        if (gzip <= 0 && deflate <= 0) {
            return Coding.NONE;
        }
        if (gzip != deflate) {
            return gzip > deflate ? Coding.GZIP : Coding.DEFLATE;
        }
        boolean gzipNamed = named[0] >= 0;
        boolean deflateNamed = named[1] >= 0;
        if (gzipNamed != deflateNamed) {
            return gzipNamed ? Coding.GZIP : Coding.DEFLATE;
        }
        return !gzipNamed || position[0] <= position[1] ? Coding.GZIP : Coding.DEFLATE;
    }

    /** The weight in an entry's parameters ({@code q=0.5;...}): the first {@code q}, 1 when there is none. */
    private static double weight(String parameters) {
        for (String parameter : parameters.split(";")) {
            int equals = parameter.indexOf('=');
            if (equals < 0 || !parameter.substring(0, equals).trim().equals("q")) {
                continue;
            }
            try {
                double weight = Double.parseDouble(parameter.substring(equals + 1).trim());
                return Double.isNaN(weight) ? 1 : Math.min(1, Math.max(0, weight));
            } catch (NumberFormatException e) {
                return 1;
            }
        }
        return 1;
    }

    /**
     * Compresses {@code body} into a new buffer from {@code allocator}, releasing {@code body} (which is left as it
     * was if compression fails). gzip is a single
     * RFC 1952 member; deflate is the zlib format (RFC 1950), which is what HTTP's "deflate" means (RFC 9110
     * section 8.4.1.2).
     */
    static ByteBuf compress(ByteBufAllocator allocator, ByteBuf body, Coding coding) {
        requireNonNull(body, "body is null");
        boolean gzip = switch (coding) {
            case GZIP -> true;
            case DEFLATE -> false;
            case NONE -> throw new IllegalArgumentException("nothing to compress with");
        };
        int length = body.readableBytes();
        ByteBuf out = allocator.buffer(length / 4 + 64);
        Deflater deflater = new Deflater(LEVEL, gzip);
        try {
            if (gzip) {
                out.writeBytes(GZIP_HEADER);
            }
            deflater.setInput(body.nioBuffer());
            deflater.finish();
            while (!deflater.finished()) {
                out.ensureWritable(Math.max(1024, length / 8));
                ByteBuffer target = out.nioBuffer(out.writerIndex(), out.writableBytes());
                out.writerIndex(out.writerIndex() + deflater.deflate(target));
            }
            if (gzip) {
                CRC32 crc = new CRC32();
                crc.update(body.nioBuffer());
                out.writeIntLE((int) crc.getValue());
                out.writeIntLE(length);
            }
            body.release();
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        } finally {
            deflater.end();
        }
    }
}
