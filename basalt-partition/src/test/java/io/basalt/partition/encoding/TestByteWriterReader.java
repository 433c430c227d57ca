package io.basalt.partition.encoding;

import static io.basalt.partition.encoding.RandomValues.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TestByteWriterReader {
    @Test
    void varIntsAreLeb128() {
        assertThat(hex(new ByteWriter().writeVarInt(0).toByteArray())).isEqualTo("00");
        assertThat(hex(new ByteWriter().writeVarInt(127).toByteArray())).isEqualTo("7f");
        assertThat(hex(new ByteWriter().writeVarInt(128).toByteArray())).isEqualTo("8001");
        assertThat(hex(new ByteWriter().writeVarInt(300).toByteArray())).isEqualTo("ac02");
        assertThat(hex(new ByteWriter().writeVarInt(-1).toByteArray())).isEqualTo("ffffffff0f");
    }

    @Test
    void utf8WritesTheSameWhetherTheBufferHasRoomOrNot() {
        RandomValues values = new RandomValues(new Random(7));
        for (int i = 0; i < 2000; i++) {
            String text = values.string(i % 2 == 0);
            boolean escapeZero = i % 3 == 0;
            ByteWriter tight = new ByteWriter(0);
            Utf8.write(tight, text, escapeZero);
            ByteWriter roomy = new ByteWriter(3 * text.length() + 8);
            Utf8.write(roomy, text, escapeZero);
            assertThat(tight.toByteArray()).as(text).isEqualTo(roomy.toByteArray());
            if (!escapeZero) {
                assertThat(Utf8.read(new ByteReader(tight.toByteArray()), tight.size())).isEqualTo(text);
            }
        }
    }

    @Test
    void randomRoundTrip() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        ByteWriter out = new ByteWriter(0);
        int[] ints = new int[2000];
        long[] longs = new long[2000];
        for (int i = 0; i < ints.length; i++) {
            ints[i] = random.nextInt() >>> random.nextInt(32);
            longs[i] = random.nextLong();
            out.writeVarInt(ints[i]).writeLong(longs[i]).writeByte(i).writeBytes(new byte[] {1, 2, 3}, 1, 2);
        }
        ByteReader in = new ByteReader(out.toByteArray());
        for (int i = 0; i < ints.length; i++) {
            assertThat(in.readVarInt()).as("seed=" + seed).isEqualTo(ints[i]);
            assertThat(in.readLong()).as("seed=" + seed).isEqualTo(longs[i]);
            assertThat(in.readByte()).isEqualTo((byte) i);
            assertThat(in.readBytes(2)).containsExactly(2, 3);
        }
        assertThat(in.remaining()).isZero();
    }

    @Test
    void writerResetsAndGrows() {
        ByteWriter out = new ByteWriter(1);
        out.writeBytes(new byte[1000]);
        assertThat(out.size()).isEqualTo(1000);
        out.reset();
        assertThat(out.size()).isZero();
        assertThat(out.writeLong(0x0102030405060708L).toByteArray()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    }

    @Test
    void readerStaysInItsWindow() {
        byte[] bytes = {9, 1, 2, 9};
        ByteReader in = new ByteReader(bytes, 1, 2);
        assertThat(in.position()).isEqualTo(1);
        assertThat(in.peekUnsignedByte()).isEqualTo(1);
        assertThat(in.readUnsignedByte()).isEqualTo(1);
        assertThat(in.remaining()).isEqualTo(1);
        assertThatThrownBy(() -> in.readBytes(2)).isInstanceOf(IllegalStateException.class);
        assertThat(in.readByte()).isEqualTo((byte) 2);
        assertThatThrownBy(in::readByte).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new ByteReader(bytes, 3, 2)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void malformedVarIntsAreRejected() {
        assertThatThrownBy(() -> new ByteReader(new byte[] {(byte) 0x80}).readVarInt())
                .isInstanceOf(IllegalStateException.class);
        byte[] tooLong = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0};
        assertThatThrownBy(() -> new ByteReader(tooLong).readVarInt()).isInstanceOf(IllegalStateException.class);
        byte[] overflow = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x1f};
        assertThatThrownBy(() -> new ByteReader(overflow).readVarInt()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new ByteReader(new byte[] {5, 0}).readLength())
                .isInstanceOf(IllegalStateException.class);
    }
}
