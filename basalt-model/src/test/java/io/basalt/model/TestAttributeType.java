package io.basalt.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TestAttributeType {
    @Test
    void descriptorsRoundTrip() {
        for (AttributeType type : AttributeType.values()) {
            assertThat(AttributeType.fromDescriptor(type.descriptor())).isSameAs(type);
        }
    }

    @Test
    void unknownDescriptorsAreNull() {
        assertThat(AttributeType.fromDescriptor("s")).isNull();
        assertThat(AttributeType.fromDescriptor("")).isNull();
        assertThat(AttributeType.fromDescriptor("Null")).isNull();
        assertThat(AttributeType.fromDescriptor("SSS")).isNull();
    }

    @Test
    void keyAndSetTypes() {
        assertThat(AttributeType.S.isScalarKeyType()).isTrue();
        assertThat(AttributeType.N.isScalarKeyType()).isTrue();
        assertThat(AttributeType.B.isScalarKeyType()).isTrue();
        assertThat(AttributeType.BOOL.isScalarKeyType()).isFalse();
        assertThat(AttributeType.SS.isSet()).isTrue();
        assertThat(AttributeType.L.isSet()).isFalse();
    }
}
