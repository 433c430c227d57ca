package io.basalt.server;

import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Undoes a request body's {@code Content-Encoding}, the request compression the AWS SDKs offer
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-compression.html). This is a stage of the request
 * pipeline, not a Netty decoder in front of it: signature verification, when Basalt has it, must see the raw body
 * the signature covers, so decoding produces a new buffer and leaves the request's content as it arrived.
 *
 * <p>DynamoDB answers a body that does not decode, or a coding it does not know, with a 500
 * InternalServerError (Alternator's test_compressed_request.py, run against DynamoDB). It accepts gzip members
 * concatenated, and ignores bytes after the last one that do not start another member; so does Basalt.
 */
final class RequestDecoding {
    private static final int CHUNK = 8192;

    private RequestDecoding() {
    }

    /**
     * The decoded body: {@code raw} itself when {@code contentEncoding} is null or {@code identity} (no copy), else
     * a new buffer the caller releases.
     *
     * @throws BasaltException InternalServerError (500) for a coding other than gzip, deflate and identity or a
     *     body that does not decode; RequestEntityTooLarge (413) when the decoded body exceeds {@code maxBytes}
     */
    static ByteBuf decode(ByteBufAllocator allocator, ByteBuf raw, String contentEncoding, int maxBytes) {
        if (contentEncoding == null) {
            return raw;
        }
        String coding = contentEncoding.trim().toLowerCase(Locale.ROOT);
        if (coding.equals("identity")) {
            return raw;
        }
        if (!coding.equals("gzip") && !coding.equals("deflate")) {
            throw undecodable();
        }
        ByteBuf decoded = allocator.buffer(Math.min(maxBytes, Math.max(CHUNK, raw.readableBytes() * 4)));
        Inflater inflater = null;
        try {
            InputStream in;
            if (coding.equals("gzip")) {
                in = new GZIPInputStream(new ByteBufInputStream(raw.duplicate()), CHUNK);
            } else {
                // HTTP's deflate is the zlib format (RFC 9110 section 8.4.1.2), but some clients send bare deflate
                // data; the zlib header's checksum tells them apart.
                inflater = new Inflater(!hasZlibHeader(raw));
                in = new InflaterInputStream(new ByteBufInputStream(raw.duplicate()), inflater, CHUNK);
            }
            try (in) {
                while (true) {
                    int room = maxBytes + 1 - decoded.readableBytes();
                    int read = decoded.writeBytes(in, Math.min(CHUNK, room));
                    if (read < 0) {
                        break;
                    }
                    if (decoded.readableBytes() > maxBytes) {
                        // DynamoDB does not bound a compressed request's decoded size (test_compressed_request.py
                        // found 1 GB accepted); Basalt holds it to the limit of an uncompressed one.
                        throw new BasaltException(ErrorCode.REQUEST_ENTITY_TOO_LARGE, null);
                    }
                }
            }
            return decoded;
        } catch (IOException e) {
            decoded.release();
            throw undecodable();
        } catch (RuntimeException e) {
            decoded.release();
            throw e;
        } finally {
            if (inflater != null) {
                inflater.end();
            }
        }
    }

    /** Whether the body starts with a zlib header (RFC 1950: method 8, and the two bytes a multiple of 31). */
    private static boolean hasZlibHeader(ByteBuf raw) {
        if (raw.readableBytes() < 2) {
            return true;
        }
        int first = raw.getUnsignedByte(raw.readerIndex());
        int second = raw.getUnsignedByte(raw.readerIndex() + 1);
        return (first & 0x0f) == 8 && ((first << 8) | second) % 31 == 0;
    }

    private static BasaltException undecodable() {
        // DynamoDB's message for this case is not known; see docs/compatibility.md.
        return new BasaltException(ErrorCode.INTERNAL_SERVER_ERROR, "Internal server error");
    }
}
