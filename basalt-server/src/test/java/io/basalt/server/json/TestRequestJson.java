package io.basalt.server.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TestRequestJson {
    private static JsonObject parse(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return RequestJson.parse(new ByteArrayInputStream(bytes), bytes.length);
    }

    @Test
    void readsMembersWithTheirJsonTypes() {
        JsonObject request = parse("{\"TableName\":\"t\",\"Limit\":10,\"ConsistentRead\":true,\"Missing\":null,"
                + "\"Key\":{\"pk\":{\"S\":\"a\"}},\"List\":[1,\"x\"]}");
        assertThat(request.getString("TableName")).isEqualTo("t");
        assertThat(request.getLong("Limit")).isEqualTo(10L);
        assertThat(request.getBoolean("ConsistentRead")).isTrue();
        assertThat(request.has("Missing")).isFalse();
        assertThat(request.getAttributeMap("Key").getStructure("pk", "AttributeValue").getString("S")).isEqualTo("a");
        assertThat(request.getList("List")).containsExactly(new JsonNumber("1"), "x");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "[]", "\"text\"", "{\"a\":1} trailing", "{\"a\":}", "nul"})
    void anythingButOneJsonObjectIsASerializationErrorWithoutMessage(String body) {
        assertThatThrownBy(() -> parse(body))
                .isInstanceOfSatisfying(BasaltException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.SERIALIZATION);
                    assertThat(e.getMessage()).isNull();
                });
    }

    @Test
    void typeMismatchesUseTheServiceFrameworksWords() {
        JsonObject request = parse("{\"a\":true,\"b\":1.5,\"c\":\"x\",\"d\":{}}");
        assertThatThrownBy(() -> request.getString("a")).hasMessage("TRUE_VALUE cannot be converted to String");
        assertThatThrownBy(() -> request.getString("b")).hasMessage("DECIMAL_VALUE cannot be converted to String");
        assertThatThrownBy(() -> request.getLong("c")).hasMessage("STRING_VALUE cannot be converted to Long");
        assertThatThrownBy(() -> request.getString("d"))
                .hasMessage("Start of structure or map found where not expected");
    }
}
