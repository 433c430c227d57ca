package io.basalt.partition.encoding;

import io.basalt.model.AttributeType;
import java.io.IOException;

/**
 * Receives a stored item as a stream of events ({@link ItemCodec#accept}), so that a reader can turn the stored
 * bytes into another form (the JSON of a response) without building an {@link io.basalt.model.Item} first.
 *
 * <p>An item is a sequence of {@link #name} + value pairs. Every value is bracketed by {@link #startValue} and
 * {@link #endValue} with its type; in between come its contents: one {@link #string}, {@link #number},
 * {@link #binary} or {@link #bool} call for a scalar (none for NULL), the element values for a list, name + value
 * pairs for a map, and one content call per element for a set (set elements are not bracketed).
 *
 * <p>The byte arrays passed in are the stored item itself: read them during the call, never keep or change them.
 */
public interface ItemVisitor {
    /** An attribute name, of the item or of a map, as UTF-8 (unpaired surrogates as for {@link #string}). */
    void name(byte[] utf8, int offset, int length) throws IOException;

    void startValue(AttributeType type) throws IOException;

    void endValue(AttributeType type) throws IOException;

    /**
     * String contents as UTF-8. An unpaired surrogate (which the codec keeps) appears in its three-byte form, as
     * WTF-8 writes it: {@link #hasUnpairedSurrogate} finds one and {@link #decode} gives the exact Java string.
     */
    void string(byte[] utf8, int offset, int length) throws IOException;

    /**
     * A number as its canonical text (ASCII: optional {@code -}, digits, optional {@code .}), in a buffer the codec
     * reuses: valid during the call only.
     */
    void number(byte[] ascii, int offset, int length) throws IOException;

    void binary(byte[] bytes, int offset, int length) throws IOException;

    void bool(boolean value) throws IOException;

    /** Whether {@code utf8} holds an unpaired surrogate (bytes {@code ED A0..BF}), i.e. is not valid UTF-8. */
    static boolean hasUnpairedSurrogate(byte[] utf8, int offset, int length) {
        int end = offset + length - 1;
        for (int i = offset; i < end; i++) {
            if (utf8[i] == (byte) 0xED && (utf8[i + 1] & 0xFF) >= 0xA0) {
                return true;
            }
        }
        return false;
    }

    /** The Java string of stored UTF-8 (unpaired surrogates included). */
    static String decode(byte[] utf8, int offset, int length) {
        return Utf8.decode(utf8, offset, length);
    }
}
