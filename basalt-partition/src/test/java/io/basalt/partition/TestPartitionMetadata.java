package io.basalt.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TestPartitionMetadata {
    private static final long SEED = System.nanoTime();

    /** Pins format version 1: {@code [1][applied index varint][item count varint][size varint]}. */
    @Test
    void goldenBytes() {
        assertThat(hex(new PartitionMetadata(1, 2, 300).encode())).isEqualTo("010102ac02");
        assertThat(hex(PartitionMetadata.EMPTY.encode())).isEqualTo("01000000");
        assertThat(hex(new PartitionMetadata(Long.MAX_VALUE, 0, 127).encode()))
                .isEqualTo("01ffffffffffffffff7f007f");
        assertThat(PartitionMetadata.decode(HexFormat.of().parseHex("010102ac02")))
                .isEqualTo(new PartitionMetadata(1, 2, 300));
    }

    @Test
    void randomRoundTrips() {
        Random random = new Random(SEED);
        for (int i = 0; i < 2000; i++) {
            PartitionMetadata metadata = new PartitionMetadata(randomNonNegative(random), randomNonNegative(random),
                    randomNonNegative(random));
            assertThat(PartitionMetadata.decode(metadata.encode())).as("seed %d", SEED).isEqualTo(metadata);
        }
    }

    @Test
    void absentMetadataIsEmpty() {
        assertThat(PartitionMetadata.decode(null)).isEqualTo(PartitionMetadata.EMPTY);
        assertThat(PartitionMetadata.EMPTY).isEqualTo(new PartitionMetadata(0, 0, 0));
    }

    @Test
    void unknownVersionIsRejected() {
        assertThatThrownBy(() -> PartitionMetadata.decode(new byte[] {2, 0, 0, 0}))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("version 2");
    }

    @Test
    void negativeValuesAreRejected() {
        assertThatThrownBy(() -> new PartitionMetadata(-1, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PartitionMetadata(0, -1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PartitionMetadata(0, 0, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PartitionMetadata(1, 0, 0).next(-1, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nextAdvancesTheIndexAndAppliesDeltas() {
        assertThat(new PartitionMetadata(4, 10, 1000).next(1, 50)).isEqualTo(new PartitionMetadata(5, 11, 1050));
        assertThat(new PartitionMetadata(4, 10, 1000).next(-1, -200)).isEqualTo(new PartitionMetadata(5, 9, 800));
        assertThat(new PartitionMetadata(4, 10, 1000).next(0, 0)).isEqualTo(new PartitionMetadata(5, 10, 1000));
    }

    private static long randomNonNegative(Random random) {
        return random.nextLong() >>> (1 + random.nextInt(63));
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
