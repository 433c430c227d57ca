package io.basalt.server.json;

import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonGenerator;
import io.basalt.model.AttributeType;
import io.basalt.partition.encoding.ItemVisitor;
import io.basalt.partition.encoding.StoredItem;
import java.io.IOException;

/**
 * Writes a stored item as the JSON of an item in a response, straight from its stored bytes: the same document
 * {@link AttributeValueJson#writeItem} writes for the decoded item, without decoding it. Strings are copied as
 * UTF-8 (Jackson escapes only what JSON requires), numbers as their canonical text, binaries as Base64.
 */
public final class StoredItemJson implements ItemVisitor {
    private final JsonGenerator out;

    private StoredItemJson(JsonGenerator out) {
        this.out = out;
    }

    /** Writes {@code item} as a JSON object member value. */
    public static void write(JsonGenerator out, StoredItem item) throws IOException {
        out.writeStartObject();
        item.accept(new StoredItemJson(out));
        out.writeEndObject();
    }

    @Override
    public void name(String name) throws IOException {
        out.writeFieldName(name);
    }

    @Override
    public void startValue(AttributeType type) throws IOException {
        out.writeStartObject();
        out.writeFieldName(type.descriptor());
        switch (type) {
            case NULL:
                out.writeBoolean(true);
                break;
            case M:
                out.writeStartObject();
                break;
            case L:
            case SS:
            case NS:
            case BS:
                out.writeStartArray();
                break;
            default:
                break;
        }
    }

    @Override
    public void endValue(AttributeType type) throws IOException {
        switch (type) {
            case M:
                out.writeEndObject();
                break;
            case L:
            case SS:
            case NS:
            case BS:
                out.writeEndArray();
                break;
            default:
                break;
        }
        out.writeEndObject();
    }

    @Override
    public void string(byte[] utf8, int offset, int length) throws IOException {
        if (ItemVisitor.hasUnpairedSurrogate(utf8, offset, length)) {
            // Not valid UTF-8: as a Java string, Jackson writes the lone surrogate as a \\u escape.
            out.writeString(ItemVisitor.decode(utf8, offset, length));
        } else {
            out.writeUTF8String(utf8, offset, length);
        }
    }

    @Override
    public void number(byte[] ascii, int offset, int length) throws IOException {
        out.writeRawUTF8String(ascii, offset, length);
    }

    @Override
    public void binary(byte[] bytes, int offset, int length) throws IOException {
        out.writeBinary(Base64Variants.MIME_NO_LINEFEEDS, bytes, offset, length);
    }

    @Override
    public void bool(boolean value) throws IOException {
        out.writeBoolean(value);
    }
}
