package io.basalt.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

class TestJsonDocuments {
    @Test
    void oneObjectIsOneDocument() {
        assertThat(JsonDocuments.split(" {\"TableName\": \"A\", \"Nested\": {\"x\": [1, 2]}} "))
                .containsExactly("{\"TableName\":\"A\",\"Nested\":{\"x\":[1,2]}}");
    }

    @Test
    void anArrayIsItsObjects() {
        assertThat(JsonDocuments.split("[{\"TableName\": \"A\"}, {\"TableName\": \"B\"}]"))
                .containsExactly("{\"TableName\":\"A\"}", "{\"TableName\":\"B\"}");
        assertThat(JsonDocuments.split("[]")).isEmpty();
    }

    @Test
    void anythingElseIsRefused() {
        assertThatThrownBy(() -> JsonDocuments.split("\"text\"")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Expected a JSON object or an array of them");
        assertThatThrownBy(() -> JsonDocuments.split("[{}, 3]")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Expected only JSON objects");
        assertThatThrownBy(() -> JsonDocuments.split("{} {}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("after the JSON value");
        assertThatThrownBy(() -> JsonDocuments.split("{\"a\": ")).isInstanceOf(UncheckedIOException.class);
    }
}
