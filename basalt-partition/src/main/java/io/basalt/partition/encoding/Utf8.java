package io.basalt.partition.encoding;

import java.nio.charset.StandardCharsets;

/**
 * UTF-8 that round-trips every Java string. Surrogate pairs become four-byte sequences as in standard UTF-8; an
 * unpaired surrogate (which a JSON {@code \ud800} escape can produce) becomes the three-byte form of its code
 * point, as WTF-8 does, where {@code String.getBytes} would silently turn it into {@code ?}. The byte order of the
 * result is the code point order, which is how DynamoDB orders strings (unsigned UTF-8 bytes), and the length is
 * what {@link io.basalt.model.ItemSize#utf8Length} counts.
 */
final class Utf8 {
    private Utf8() {
    }

    /** Writes {@code text}; with {@code escapeZero}, each 0x00 byte is written as 0x00 0xFF (key encoding). */
    static void write(ByteWriter out, String text, boolean escapeZero) {
        int length = text.length();
        // ASCII (without NUL) first, one byte per char: room for exactly that, so a buffer sized from the item's
        // size never grows for ASCII text.
        byte[] buffer = out.reserve(length);
        int start = out.size();
        int n = start;
        int i = 0;
        for (; i < length; i++) {
            char c = text.charAt(i);
            if (c >= 0x80 || c == 0) {
                break;
            }
            buffer[n++] = (byte) c;
        }
        out.advance(n - start);
        if (i == length) {
            return;
        }
        // The rest: at most three bytes per char (a surrogate pair, two chars, takes four; an escaped zero two).
        buffer = out.reserve(3 * (length - i));
        start = out.size();
        n = start;
        for (; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                buffer[n++] = (byte) c;
                if (c == 0 && escapeZero) {
                    buffer[n++] = (byte) 0xFF;
                }
            } else if (c < 0x800) {
                buffer[n++] = (byte) (0xC0 | (c >> 6));
                buffer[n++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < length
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, text.charAt(++i));
                buffer[n++] = (byte) (0xF0 | (cp >> 18));
                buffer[n++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                buffer[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                buffer[n++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                buffer[n++] = (byte) (0xE0 | (c >> 12));
                buffer[n++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buffer[n++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        out.advance(n - start);
    }

    /** Decodes {@code length} bytes of {@code in}. @throws IllegalStateException on malformed input */
    static String read(ByteReader in, int length) {
        int start = in.position();
        in.skip(length);
        return decode(in.array(), start, length);
    }

    static String decode(byte[] bytes, int offset, int length) {
        int end = offset + length;
        int i = offset;
        while (i < end && bytes[i] >= 0) {
            i++;
        }
        if (i == end) {
            return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
        }
        char[] chars = new char[length];
        int n = 0;
        for (i = offset; i < end;) {
            int b = bytes[i] & 0xFF;
            if (b < 0x80) {
                chars[n++] = (char) b;
                i++;
            } else if (b >= 0xC2 && b <= 0xDF) {
                chars[n++] = (char) (((b & 0x1F) << 6) | continuation(bytes, i + 1, end));
                i += 2;
            } else if (b >= 0xE0 && b <= 0xEF) {
                int c = ((b & 0x0F) << 12) | (continuation(bytes, i + 1, end) << 6) | continuation(bytes, i + 2, end);
                if (c < 0x800) {
                    throw malformed(i);
                }
                chars[n++] = (char) c;
                i += 3;
            } else if (b >= 0xF0 && b <= 0xF4) {
                int cp = ((b & 0x07) << 18) | (continuation(bytes, i + 1, end) << 12)
                        | (continuation(bytes, i + 2, end) << 6) | continuation(bytes, i + 3, end);
                if (cp < 0x10000 || cp > Character.MAX_CODE_POINT) {
                    throw malformed(i);
                }
                chars[n++] = Character.highSurrogate(cp);
                chars[n++] = Character.lowSurrogate(cp);
                i += 4;
            } else {
                throw malformed(i);
            }
        }
        return new String(chars, 0, n);
    }

    private static int continuation(byte[] bytes, int index, int end) {
        if (index >= end || (bytes[index] & 0xC0) != 0x80) {
            throw malformed(index);
        }
        return bytes[index] & 0x3F;
    }

    private static IllegalStateException malformed(int index) {
        return new IllegalStateException("malformed UTF-8 at " + index);
    }
}
