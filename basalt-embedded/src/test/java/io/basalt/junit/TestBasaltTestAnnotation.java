package io.basalt.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.embedded.EmbeddedBasalt;
import org.junit.jupiter.api.Test;

@BasaltTest
class TestBasaltTestAnnotation {
    private final BasaltExtension basalt;

    TestBasaltTestAnnotation(BasaltExtension basalt) {
        this.basalt = basalt;
    }

    @Test
    void injectsTheExtensionAndItsServer(EmbeddedBasalt server) {
        assertThat(basalt.server()).isSameAs(server);
        assertThat(basalt.sdkV2().client().listTables().tableNames()).isEmpty();
    }
}
