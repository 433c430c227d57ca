package io.basalt.server.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.basalt.model.AttributeType;
import io.basalt.partition.encoding.ItemVisitor;
import io.basalt.partition.encoding.StoredItem;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes a stored item as the JSON of an item in a response, straight from its stored bytes: the document
 * {@link AttributeValueJson#writeItem} writes for the decoded item, without decoding it.
 *
 * <p>The item's JSON is built by hand into a reused buffer and handed to the generator as one raw value: going
 * through the generator token by token (two objects per attribute value, each with its own write context) cost
 * more than the bytes themselves. Strings and names are escaped as Jackson escapes them (the two-character escapes
 * for {@code "}, {@code \}, backspace, form feed, newline, carriage return and tab, {@code \}{@code u00XX} with
 * upper-case digits for the other control characters, everything else as UTF-8); a string or name holding an
 * unpaired surrogate is written as Jackson writes a Java string, with every surrogate as a {@code \}{@code u}
 * escape. Numbers are their canonical text, binaries Base64.
 */
public final class StoredItemJson implements ItemVisitor, SerializableString {
    /** Buffers that grew past this for a large item are not kept for the next one. */
    private static final int RETAINED_BYTES = 64 * 1024;
    private static final ThreadLocal<StoredItemJson> WRITERS = ThreadLocal.withInitial(StoredItemJson::new);
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
            .getBytes(StandardCharsets.US_ASCII);
    /**
     * Per byte value (unsigned): 0 when it is written as is (every byte of a multi-byte UTF-8 sequence is), else the
     * letter of its two-character escape, 'u', or 'S' for a byte that may start an unpaired surrogate.
     */
    private static final byte[] ESCAPES = new byte[256];
    /** The first byte of a surrogate's three-byte form; marked in {@link #ESCAPES} so one lookup finds both. */
    private static final int SURROGATE_LEAD = 0xED;
    /** The JSON name of each type, with its quotes and colon: {@code "S":}. */
    private static final byte[][] TYPE_NAMES = new byte[AttributeType.values().length][];
    /** What a level of nesting is: the item or a map (names and values), a list (values), a set (elements). */
    private static final byte OBJECT = 0;
    private static final byte LIST = 1;
    private static final byte SET = 2;

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPES[c] = 'u';
        }
        ESCAPES['"'] = '"';
        ESCAPES['\\'] = '\\';
        ESCAPES['\b'] = 'b';
        ESCAPES['\f'] = 'f';
        ESCAPES['\n'] = 'n';
        ESCAPES['\r'] = 'r';
        ESCAPES['\t'] = 't';
        ESCAPES[SURROGATE_LEAD] = 'S';
        for (AttributeType type : AttributeType.values()) {
            TYPE_NAMES[type.ordinal()] = ("\"" + type.descriptor() + "\":").getBytes(StandardCharsets.US_ASCII);
        }
    }

    private byte[] buffer = new byte[1024];
    private int length;
    /** Per level of nesting (the item is level 0): its kind, and whether it has a member yet. */
    private byte[] kinds = new byte[16];
    private boolean[] started = new boolean[16];
    private int depth;

    private StoredItemJson() {
    }

    /** Writes {@code item} as a JSON value (an object member's value or an array element). */
    public static void write(JsonGenerator out, StoredItem item) throws IOException {
        StoredItemJson writer = of(item);
        out.writeRawValue(writer);
        if (writer.buffer.length > RETAINED_BYTES) {
            writer.buffer = new byte[1024];
        }
    }

    /** The JSON of {@code item} in this thread's writer, valid until the thread's next call. */
    static StoredItemJson of(StoredItem item) throws IOException {
        StoredItemJson writer = WRITERS.get();
        writer.start();
        item.accept(writer);
        writer.appendByte('}');
        return writer;
    }

    private void start() {
        length = 0;
        depth = 0;
        kinds[0] = OBJECT;
        started[0] = false;
        appendByte('{');
    }

    @Override
    public void name(byte[] utf8, int offset, int count) {
        separate();
        appendString(utf8, offset, count);
        appendByte(':');
    }

    @Override
    public void startValue(AttributeType type) {
        if (kinds[depth] == LIST) {
            separate();
        }
        appendByte('{');
        appendBytes(TYPE_NAMES[type.ordinal()]);
        switch (type) {
            case NULL -> appendAscii("true");
            case M -> open(OBJECT, '{');
            case L -> open(LIST, '[');
            case SS, NS, BS -> open(SET, '[');
            default -> {
                // A scalar: its one content call follows.
            }
        }
    }

    @Override
    public void endValue(AttributeType type) {
        switch (type) {
            case M -> close('}');
            case L, SS, NS, BS -> close(']');
            default -> {
                // A scalar: nothing was opened.
            }
        }
        appendByte('}');
    }

    @Override
    public void string(byte[] utf8, int offset, int count) {
        element();
        appendString(utf8, offset, count);
    }

    @Override
    public void number(byte[] ascii, int offset, int count) {
        element();
        ensure(count + 2);
        buffer[length++] = '"';
        System.arraycopy(ascii, offset, buffer, length, count);
        length += count;
        buffer[length++] = '"';
    }

    /** Base64 with padding and without line breaks (as Jackson's MIME_NO_LINEFEEDS variant writes it). */
    @Override
    public void binary(byte[] bytes, int offset, int count) {
        element();
        ensure(4 * ((count + 2) / 3) + 2);
        buffer[length++] = '"';
        int end = offset + count;
        int i = offset;
        for (; i + 2 < end; i += 3) {
            int bits = (bytes[i] & 0xFF) << 16 | (bytes[i + 1] & 0xFF) << 8 | (bytes[i + 2] & 0xFF);
            buffer[length++] = BASE64[bits >>> 18];
            buffer[length++] = BASE64[(bits >>> 12) & 0x3F];
            buffer[length++] = BASE64[(bits >>> 6) & 0x3F];
            buffer[length++] = BASE64[bits & 0x3F];
        }
        if (i < end) {
            int bits = (bytes[i] & 0xFF) << 16 | (i + 1 < end ? (bytes[i + 1] & 0xFF) << 8 : 0);
            buffer[length++] = BASE64[bits >>> 18];
            buffer[length++] = BASE64[(bits >>> 12) & 0x3F];
            buffer[length++] = i + 1 < end ? BASE64[(bits >>> 6) & 0x3F] : (byte) '=';
            buffer[length++] = '=';
        }
        buffer[length++] = '"';
    }

    @Override
    public void bool(boolean value) {
        appendAscii(value ? "true" : "false");
    }

    /** Before a set element: its comma. (A scalar's content inside its {"T": ...} wrapper needs none.) */
    private void element() {
        if (kinds[depth] == SET) {
            separate();
        }
    }

    /** A comma before every member of the current level but its first. */
    private void separate() {
        if (started[depth]) {
            appendByte(',');
        } else {
            started[depth] = true;
        }
    }

    private void open(byte kind, char bracket) {
        appendByte(bracket);
        depth++;
        if (depth == kinds.length) {
            kinds = Arrays.copyOf(kinds, 2 * depth);
            started = Arrays.copyOf(started, 2 * depth);
        }
        kinds[depth] = kind;
        started[depth] = false;
    }

    private void close(char bracket) {
        depth--;
        appendByte(bracket);
    }

    /** A quoted, escaped string from stored UTF-8. */
    private void appendString(byte[] utf8, int offset, int count) {
        int mark = length;
        ensure(count + 2);
        buffer[length++] = '"';
        int end = offset + count;
        int run = offset;
        for (int i = offset; i < end; i++) {
            int b = utf8[i] & 0xFF;
            if (ESCAPES[b] == 0) {
                continue;
            }
            if (b == SURROGATE_LEAD) {
                if (i + 1 < end && (utf8[i + 1] & 0xFF) >= 0xA0) {
                    // An unpaired surrogate (ED A0..BF): not UTF-8, so written as Jackson writes the Java string.
                    length = mark;
                    appendJavaString(ItemVisitor.decode(utf8, offset, count));
                    return;
                }
                continue;  // ED 80..9F: an ordinary three-byte character
            }
            appendRun(utf8, run, i);
            appendEscape(b);
            run = i + 1;
        }
        appendRun(utf8, run, end);
        appendByte('"');
    }

    /** A Java string as Jackson's UTF-8 generator writes it: surrogates (paired or not) as escapes. */
    private void appendJavaString(String text) {
        appendByte('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                if (ESCAPES[c] != 0) {
                    appendEscape(c);
                } else {
                    appendByte(c);
                }
            } else if (c < 0x800) {
                ensure(2);
                buffer[length++] = (byte) (0xC0 | (c >> 6));
                buffer[length++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                appendUnicodeEscape(c);
            } else {
                ensure(3);
                buffer[length++] = (byte) (0xE0 | (c >> 12));
                buffer[length++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buffer[length++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        appendByte('"');
    }

    private void appendEscape(int c) {
        byte letter = ESCAPES[c];
        if (letter == 'u') {
            appendUnicodeEscape(c);
        } else {
            ensure(2);
            buffer[length++] = '\\';
            buffer[length++] = letter;
        }
    }

    private void appendUnicodeEscape(int c) {
        ensure(6);
        buffer[length++] = '\\';
        buffer[length++] = 'u';
        buffer[length++] = HEX[(c >> 12) & 0xF];
        buffer[length++] = HEX[(c >> 8) & 0xF];
        buffer[length++] = HEX[(c >> 4) & 0xF];
        buffer[length++] = HEX[c & 0xF];
    }

    private void appendRun(byte[] bytes, int from, int to) {
        int count = to - from;
        if (count > 0) {
            ensure(count);
            System.arraycopy(bytes, from, buffer, length, count);
            length += count;
        }
    }

    private void appendBytes(byte[] bytes) {
        appendRun(bytes, 0, bytes.length);
    }

    private void appendAscii(String text) {
        ensure(text.length());
        for (int i = 0; i < text.length(); i++) {
            buffer[length++] = (byte) text.charAt(i);
        }
    }

    private void appendByte(int b) {
        ensure(1);
        buffer[length++] = (byte) b;
    }

    private void ensure(int more) {
        if (length + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(2 * buffer.length, length + more));
        }
    }

    // SerializableString: the finished item's JSON. The generator's writeRawValue reads the unquoted UTF-8 forms.

    @Override
    public int appendUnquotedUTF8(byte[] out, int offset) {
        if (offset + length > out.length) {
            return -1;
        }
        System.arraycopy(buffer, 0, out, offset, length);
        return length;
    }

    @Override
    public byte[] asUnquotedUTF8() {
        return Arrays.copyOf(buffer, length);
    }

    @Override
    public int writeUnquotedUTF8(OutputStream out) throws IOException {
        out.write(buffer, 0, length);
        return length;
    }

    @Override
    public int putUnquotedUTF8(ByteBuffer out) {
        if (out.remaining() < length) {
            return -1;
        }
        out.put(buffer, 0, length);
        return length;
    }

    @Override
    public String getValue() {
        return new String(buffer, 0, length, StandardCharsets.UTF_8);
    }

    @Override
    public int charLength() {
        return getValue().length();
    }

    @Override
    public int appendUnquoted(char[] out, int offset) {
        String value = getValue();
        if (offset + value.length() > out.length) {
            return -1;
        }
        value.getChars(0, value.length(), out, offset);
        return value.length();
    }

    // The quoted forms: the JSON text as a string literal's contents (Jackson's escaping), for a generator that
    // writes the value as a string rather than raw.

    @Override
    public char[] asQuotedChars() {
        return JsonStringEncoder.getInstance().quoteAsString(getValue());
    }

    @Override
    public byte[] asQuotedUTF8() {
        return JsonStringEncoder.getInstance().quoteAsUTF8(getValue());
    }

    @Override
    public int appendQuotedUTF8(byte[] out, int offset) {
        byte[] quoted = asQuotedUTF8();
        if (offset + quoted.length > out.length) {
            return -1;
        }
        System.arraycopy(quoted, 0, out, offset, quoted.length);
        return quoted.length;
    }

    @Override
    public int appendQuoted(char[] out, int offset) {
        char[] quoted = asQuotedChars();
        if (offset + quoted.length > out.length) {
            return -1;
        }
        System.arraycopy(quoted, 0, out, offset, quoted.length);
        return quoted.length;
    }

    @Override
    public int writeQuotedUTF8(OutputStream out) throws IOException {
        byte[] quoted = asQuotedUTF8();
        out.write(quoted);
        return quoted.length;
    }

    @Override
    public int putQuotedUTF8(ByteBuffer out) {
        byte[] quoted = asQuotedUTF8();
        if (out.remaining() < quoted.length) {
            return -1;
        }
        out.put(quoted);
        return quoted.length;
    }
}
