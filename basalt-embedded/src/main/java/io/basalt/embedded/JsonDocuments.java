package io.basalt.embedded;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Splits a JSON text holding one object, or an array of objects, into the objects' texts. */
final class JsonDocuments {
    private static final JsonFactory JSON = new JsonFactory();

    private JsonDocuments() {
    }

    static List<String> split(String json) {
        List<String> documents = new ArrayList<>();
        try (JsonParser parser = JSON.createParser(json)) {
            JsonToken first = parser.nextToken();
            if (first == JsonToken.START_OBJECT) {
                documents.add(copy(parser));
            } else if (first == JsonToken.START_ARRAY) {
                while (parser.nextToken() == JsonToken.START_OBJECT) {
                    documents.add(copy(parser));
                }
                if (parser.currentToken() != JsonToken.END_ARRAY) {
                    throw new IllegalArgumentException("Expected only JSON objects in the array, found "
                            + parser.currentToken());
                }
            } else {
                throw new IllegalArgumentException("Expected a JSON object or an array of them, found " + first);
            }
            if (parser.nextToken() != null) {
                throw new IllegalArgumentException("Unexpected text after the JSON value");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Not valid JSON", e);
        }
        return documents;
    }

    private static String copy(JsonParser parser) throws IOException {
        StringWriter text = new StringWriter();
        try (JsonGenerator generator = JSON.createGenerator(text)) {
            generator.copyCurrentStructure(parser);
        }
        return text.toString();
    }
}
