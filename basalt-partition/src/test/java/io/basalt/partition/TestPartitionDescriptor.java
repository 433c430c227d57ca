package io.basalt.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TestPartitionDescriptor {
    private static final long SEED = Long.getLong("basalt.seed", System.nanoTime());
    private static final HexFormat HEX = HexFormat.of();

    /** Pinned: PartitionDescriptor format version 1 and PartitionRecord format version 1 are on disk. */
    private static final String GOLDEN_DESCRIPTOR = "01" + "8b14" + "8202" + "03" // id 0x0a0b, table 0x0102, index 3
            + "8000000000000000" + "ffffffffffffffff" + "01" + "09" + "02"; // range, group 1, parent 9, DROPPING

    @Test
    void descriptorGoldenBytes() {
        PartitionDescriptor descriptor = new PartitionDescriptor(new PartitionId(0x0A0B), 0x0102, 3,
                Long.MIN_VALUE, -1L, 1, new PartitionId(9), PartitionPhase.DROPPING);
        assertThat(HEX.formatHex(descriptor.encode())).isEqualTo(GOLDEN_DESCRIPTOR);
        assertThat(PartitionDescriptor.decode(HEX.parseHex(GOLDEN_DESCRIPTOR))).isEqualTo(descriptor);
        PartitionDescriptor noParent = PartitionDescriptor.open(new PartitionId(1), 2, 0, -1L, 1);
        assertThat(HEX.formatHex(noParent.encode())).isEqualTo("01" + "01" + "02" + "00"
                + "0000000000000000" + "ffffffffffffffff" + "01" + "00" + "01");
        assertThat(noParent.encode()).hasSize(23);
    }

    @Test
    void recordGoldenBytes() {
        PartitionDescriptor descriptor = new PartitionDescriptor(new PartitionId(0x0A0B), 0x0102, 3,
                Long.MIN_VALUE, -1L, 1, new PartitionId(9), PartitionPhase.DROPPING);
        PartitionRecord record = new PartitionRecord(descriptor, new PartitionMetadata(1, 2, 300));
        String golden = "01" + GOLDEN_DESCRIPTOR + "01" + "02" + "ac02";
        assertThat(HEX.formatHex(record.encode())).isEqualTo(golden);
        assertThat(PartitionRecord.decode(HEX.parseHex(golden))).isEqualTo(record);
        assertThat(PartitionRecord.encode(descriptor.encode(), record.metadata())).isEqualTo(record.encode());
        assertThat(PartitionRecord.metadataOf(null)).isEqualTo(PartitionMetadata.EMPTY);
        assertThat(PartitionRecord.metadataOf(record.encode())).isEqualTo(record.metadata());
    }

    @Test
    void seededRandomDescriptorsRoundTrip() {
        System.out.println("TestPartitionDescriptor seed: " + SEED);
        Random random = new Random(SEED);
        for (int i = 0; i < 1000; i++) {
            long a = random.nextLong();
            long b = random.nextLong();
            long first = Long.compareUnsigned(a, b) <= 0 ? a : b;
            long last = first == a ? b : a;
            PartitionDescriptor descriptor = new PartitionDescriptor(new PartitionId((random.nextLong() >>> 1) | 1),
                    (random.nextLong() >>> 1) | 1, random.nextInt(KeyLayout.MAX_INDEX_ID + 1), first, last,
                    random.nextLong() >>> 1,
                    random.nextBoolean() ? null : new PartitionId((random.nextLong() >>> 2) | 2),
                    random.nextBoolean() ? PartitionPhase.OPEN : PartitionPhase.DROPPING);
            if (descriptor.parent() != null && descriptor.parent().equals(descriptor.id())) {
                continue;
            }
            assertThat(PartitionDescriptor.decode(descriptor.encode())).as("seed %d", SEED).isEqualTo(descriptor);
            PartitionRecord record = new PartitionRecord(descriptor, new PartitionMetadata(random.nextLong() >>> 1,
                    random.nextInt(1_000_000), random.nextLong() >>> 1));
            assertThat(PartitionRecord.decode(record.encode())).as("seed %d", SEED).isEqualTo(record);
        }
    }

    @Test
    void badDescriptorsAreRefused() {
        assertThatThrownBy(() -> new PartitionId(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PartitionId(-5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PartitionDescriptor.open(new PartitionId(1), 1, 10, 9, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty hash range");
        assertThatThrownBy(() -> PartitionDescriptor.open(new PartitionId(1), 0, 0, -1L, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PartitionDescriptor.decode(HEX.parseHex("02" + GOLDEN_DESCRIPTOR.substring(2))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("format version 2");
        assertThatThrownBy(() -> PartitionDescriptor.decode(HEX.parseHex(GOLDEN_DESCRIPTOR + "00")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("trailing");
        String badPhase = GOLDEN_DESCRIPTOR.substring(0, GOLDEN_DESCRIPTOR.length() - 2) + "07";
        assertThatThrownBy(() -> PartitionDescriptor.decode(HEX.parseHex(badPhase)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("phase tag 7");
        assertThatThrownBy(() -> PartitionRecord.decode(HEX.parseHex("02" + GOLDEN_DESCRIPTOR + "000000")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("format version 2");
    }

    @Test
    void equalRangesMatchTheV1Ordinals() {
        for (int count : new int[] {1, 2, 3, 4, 10, 1024}) {
            var ranges = PartitionDescriptor.equalRanges(7, 0, 40, count, 1);
            PartitionMap.checkCoverage(ranges);
            for (int i = 0; i < count; i++) {
                assertThat(ranges.get(i).id()).isEqualTo(new PartitionId(40 + i));
                assertThat(ranges.get(i).hashFirst()).isEqualTo(PartitionHash.rangeStart(i, count));
                assertThat(PartitionHash.partitionIndex(ranges.get(i).hashLast(), count)).isEqualTo(i);
            }
        }
    }
}
