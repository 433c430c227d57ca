package io.basalt.server.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.model.Limits;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses a request body into a {@link JsonObject}. A body that is not a JSON object is a SerializationException
 * without a message, as DynamoDB answers it; an empty body is an empty request.
 */
public final class RequestJson {
    /**
     * Far deeper than the 32 levels of nested attribute values DynamoDB stores (each level is two JSON objects), so
     * that a request nested past that limit is parsed and gets the error DynamoDB reports for it (the nesting
     * message, or whatever it checks first) rather than a SerializationException. DynamoDB answers requests nested
     * 100 levels with validation errors (conformance captures of October 2026, docs/design/error-texts.md).
     */
    private static final int MAX_JSON_DEPTH = 1000;

    /**
     * Jackson's default limits are not DynamoDB's: names (attribute names, map keys) are limited to 50,000
     * characters by default, while DynamoDB accepts attribute names of up to 65,535 bytes and refuses longer ones
     * with its own message. The request size (16 MB, checked before parsing) is the only bound on names and
     * strings here; their DynamoDB limits are checked where they are read.
     */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_JSON_DEPTH)
                    .maxNameLength(Limits.MAX_REQUEST_BYTES)
                    .maxStringLength(Integer.MAX_VALUE)
                    .maxNumberLength(100_000)
                    .build())
            .build();

    private RequestJson() {
    }

    public static JsonObject parse(InputStream body, int length) {
        if (length == 0) {
            return new JsonObject(new LinkedHashMap<>());
        }
        try (JsonParser parser = FACTORY.createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw malformed();
            }
            JsonObject object = readObject(parser);
            if (parser.nextToken() != null) {
                throw malformed();
            }
            return object;
        } catch (IOException e) {
            throw malformed();
        }
    }

    private static JsonObject readObject(JsonParser parser) throws IOException {
        Map<String, Object> members = new LinkedHashMap<>();
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            members.put(name, readValue(parser));
        }
        if (token != JsonToken.END_OBJECT) {
            throw malformed();
        }
        return new JsonObject(members);
    }

    private static Object readValue(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == null) {
            throw malformed();
        }
        switch (token) {
            case START_OBJECT:
                return readObject(parser);
            case START_ARRAY: {
                List<Object> elements = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    elements.add(readValue(parser));
                }
                return elements;
            }
            case VALUE_STRING:
                return parser.getText();
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return new JsonNumber(parser.getText());
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw malformed();
        }
    }

    private static BasaltException malformed() {
        return new BasaltException(ErrorCode.SERIALIZATION, null);
    }
}
