package io.basalt.server.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.basalt.model.AttributeValue;
import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import io.basalt.model.Item;
import io.basalt.model.ValueLayer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TestAttributeValueJson {
    private static JsonObject parse(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return RequestJson.parse(new ByteArrayInputStream(bytes), bytes.length);
    }

    private static String write(Item item) throws IOException {
        StringWriter text = new StringWriter();
        try (JsonGenerator out = new JsonFactory().createGenerator(text)) {
            AttributeValueJson.writeItem(out, item.attributes());
        }
        return text.toString();
    }

    @Test
    void everyTypeRoundTripsInCanonicalForm() throws IOException {
        String item = "{\"s\":{\"S\":\"héllo\"},\"n\":{\"N\":\"1.50\"},\"b\":{\"B\":\"AAH/\"},\"t\":{\"BOOL\":true},"
                + "\"z\":{\"NULL\":true},\"l\":{\"L\":[{\"N\":\"-0\"},{\"S\":\"\"}]},"
                + "\"m\":{\"M\":{\"k\":{\"N\":\"1E2\"}}},"
                + "\"ss\":{\"SS\":[\"b\",\"a\"]},\"ns\":{\"NS\":[\"10\",\"2.0\"]},\"bs\":{\"BS\":[\"AQ==\"]}}";
        String expected = "{\"s\":{\"S\":\"héllo\"},\"n\":{\"N\":\"1.5\"},\"b\":{\"B\":\"AAH/\"},\"t\":{\"BOOL\":true},"
                + "\"z\":{\"NULL\":true},\"l\":{\"L\":[{\"N\":\"0\"},{\"S\":\"\"}]},"
                + "\"m\":{\"M\":{\"k\":{\"N\":\"100\"}}},"
                + "\"ss\":{\"SS\":[\"b\",\"a\"]},\"ns\":{\"NS\":[\"10\",\"2\"]},\"bs\":{\"BS\":[\"AQ==\"]}}";
        assertThat(write(AttributeValueJson.readItem(parse(item)))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{}|Supplied AttributeValue is empty, must contain exactly one of the supported datatypes",
        "{\"X\":\"a\"}|Supplied AttributeValue is empty, must contain exactly one of the supported datatypes",
        "{\"S\":\"a\",\"BOOL\":true}|Supplied AttributeValue has more than one datatypes set, must contain exactly "
                + "one of the supported datatypes",
        "{\"S\":\"a\",\"N\":\"b\"}|The parameter cannot be converted to a numeric value: b",
        "{\"NULL\":false}|One or more parameter values were invalid: Null attribute value types must have the "
                + "value of true",
        "{\"SS\":[]}|One or more parameter values were invalid: An string set  may not be empty",
        "{\"NS\":[]}|One or more parameter values were invalid: An number set  may not be empty",
        "{\"BS\":[]}|One or more parameter values were invalid: Binary sets should not be empty",
        "{\"SS\":[\"b\",\"a\",\"b\"]}|One or more parameter values were invalid: Input collection "
                + "[\"a\", \"b\", \"b\"] contains duplicates.",
        "{\"NS\":[\"1\",\"1.0\"]}|One or more parameter values were invalid: Input collection contains duplicates.",
        "{\"BS\":[\"/w==\",\"AA==\",\"AA==\"]}|One or more parameter values were invalid: Input collection "
                + "[\"AA==\",\"/w==\",\"AA==\"]of type BS contains duplicates.",
    })
    void invalidValuesGetDynamoDbsMessages(String json, String message) {
        assertThatThrownBy(() -> AttributeValueJson.read(parse("{\"v\":" + json + "}").get("v")))
                .isInstanceOfSatisfying(BasaltException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION))
                .hasMessage(message);
    }

    /** The older layer (BatchWriteItem, Scan, transactions) prints duplicates as sent and numbers as BigDecimal. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"SS\":[\"b\",\"a\",\"b\"]}|One or more parameter values were invalid: Input collection [b, a, b] "
                + "contains duplicates.",
        "{\"BS\":[\"/w==\",\"AA==\",\"AA==\"]}|One or more parameter values were invalid: Input collection "
                + "[/w==, AA==, AA==]of type BS contains duplicates.",
        "{\"NS\":[\"2\",\"1\",\"2\"]}|Input collection contains duplicates",
        "{\"N\":\"\"}|The parameter cannot be converted to a numeric value",
        "{\"N\":\"1e2147483647\"}|Number underflow. Attempting to store a number with magnitude smaller than "
                + "supported range",
    })
    void olderLayerMessages(String json, String message) {
        assertThatThrownBy(() -> AttributeValueJson.read(parse("{\"v\":" + json + "}").get("v"), ValueLayer.OLDER))
                .hasMessage(message);
    }

    @Test
    void attributeNamesAreOneTo65535Bytes() {
        String longest = "n".repeat(65_535);
        assertThat(AttributeValueJson.readItem(parse("{\"" + longest + "\":{\"S\":\"v\"}}")).get(longest))
                .isNotNull();
        assertThatThrownBy(() -> AttributeValueJson.readItem(parse("{\"" + longest + "n\":{\"S\":\"v\"}}")))
                .hasMessage("Attribute name is too large, must be less than 65536 bytes");
        assertThatThrownBy(() -> AttributeValueJson.readItem(parse("{\"m\":{\"M\":{\"" + "\u00e9".repeat(32_768)
                + "\":{\"S\":\"v\"}}}}"))).hasMessage("Attribute name is too large, must be less than 65536 bytes");
        // Top-level names come before the values: the empty name wins over the value nested too deeply.
        String deepThenEmpty = "{\"a\":" + nestedMaps(40) + ",\"\":{\"S\":\"v\"}}";
        assertThatThrownBy(() -> AttributeValueJson.readItem(parse(deepThenEmpty))).hasMessage("Empty attribute name");
        assertThat(AttributeValueJson.readItem(parse("{\"m\":{\"M\":{\"\":{\"S\":\"v\"}}}}")).get("m"))
                .isInstanceOf(AttributeValue.MapValue.class);
    }

    @Test
    void nestingIsLimitedToThirtyTwoLevelsCountingTheItem() {
        assertThat(AttributeValueJson.readItem(parse("{\"a\":" + nestedMaps(31) + "}")).get("a"))
                .isInstanceOf(AttributeValue.MapValue.class);
        assertThatThrownBy(() -> AttributeValueJson.readItem(parse("{\"a\":" + nestedMaps(32) + "}")))
                .hasMessageStartingWith("Nesting Levels have exceeded supported limits");
    }

    private static String nestedMaps(int depth) {
        String value = "{\"S\":\"leaf\"}";
        for (int i = 0; i < depth; i++) {
            value = "{\"M\":{\"x\":" + value + "}}";
        }
        return value;
    }

    @Test
    void wrongJsonTypesAreSerializationErrors() {
        assertThatThrownBy(() -> AttributeValueJson.read(parse("{\"v\":{\"S\":5}}").get("v")))
                .isInstanceOfSatisfying(BasaltException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.SERIALIZATION))
                .hasMessage("NUMBER_VALUE cannot be converted to String");
    }
}
