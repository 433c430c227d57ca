package io.basalt.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TestBytes {
    @Test
    void copyOfCopiesAndWrapShares() {
        byte[] source = {1, 2, 3};
        Bytes copy = Bytes.copyOf(source);
        Bytes wrapped = Bytes.wrap(source);
        source[0] = 9;
        assertThat(copy.byteAt(0)).isEqualTo((byte) 1);
        assertThat(wrapped.byteAt(0)).isEqualTo((byte) 9);
        assertThat(copy.length()).isEqualTo(3);
    }

    @Test
    void emptyIsShared() {
        assertThat(Bytes.copyOf(new byte[0])).isSameAs(Bytes.EMPTY);
        assertThat(Bytes.wrap(new byte[0])).isSameAs(Bytes.EMPTY);
        assertThat(Bytes.EMPTY.toBase64()).isEmpty();
    }

    @Test
    void toByteArrayIsACopy() {
        Bytes bytes = Bytes.copyOf(new byte[] {1});
        bytes.toByteArray()[0] = 5;
        assertThat(bytes.byteAt(0)).isEqualTo((byte) 1);
    }

    @Test
    void equalityIsByContent() {
        assertThat(Bytes.copyOf(new byte[] {1, 2})).isEqualTo(Bytes.wrap(new byte[] {1, 2}))
                .hasSameHashCodeAs(Bytes.wrap(new byte[] {1, 2}))
                .isNotEqualTo(Bytes.wrap(new byte[] {1, 3}));
    }

    @Test
    void orderIsUnsignedLexicographic() {
        Bytes low = Bytes.wrap(new byte[] {0x7f});
        Bytes high = Bytes.wrap(new byte[] {(byte) 0x80});
        assertThat(low).isLessThan(high);
        assertThat(Bytes.wrap(new byte[] {1})).isLessThan(Bytes.wrap(new byte[] {1, 0}));
        assertThat(Bytes.EMPTY).isLessThan(Bytes.wrap(new byte[] {0}));
    }

    @Test
    void base64AndPrefix() {
        Bytes bytes = Bytes.wrap("hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThat(bytes.toBase64()).isEqualTo("aGVsbG8=");
        assertThat(bytes).hasToString("aGVsbG8=");
        assertThat(bytes.startsWith(Bytes.wrap(new byte[] {'h', 'e'}))).isTrue();
        assertThat(bytes.startsWith(Bytes.EMPTY)).isTrue();
        assertThat(bytes.startsWith(Bytes.wrap(new byte[] {'e'}))).isFalse();
        assertThat(Bytes.wrap(new byte[] {'h'}).startsWith(bytes)).isFalse();
    }
}
