package io.basalt.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TestPartitionMap {
    private static final long SEED = Long.getLong("basalt.seed", System.nanoTime());

    @Test
    void floorLookupFindsThePartitionOwningEachHash() {
        System.out.println("TestPartitionMap seed: " + SEED);
        Random random = new Random(SEED);
        for (int count : new int[] {1, 2, 3, 4, 7, 64, 1000}) {
            List<PartitionDescriptor> partitions = PartitionDescriptor.equalRanges(3, 0, 100, count, 1);
            List<PartitionDescriptor> shuffled = new ArrayList<>(partitions);
            Collections.shuffle(shuffled, random);
            PartitionMap map = PartitionMap.of(shuffled);
            PartitionRanges ranges = map.getRanges(3, 0);
            assertThat(ranges.descriptors()).as("hash order").isEqualTo(partitions);
            for (int i = 0; i < 2000; i++) {
                long hash = i < 4 ? new long[] {0, -1L, Long.MIN_VALUE, Long.MAX_VALUE}[i] : random.nextLong();
                int expected = PartitionHash.partitionIndex(hash, count);
                assertThat(ranges.positionOf(hash)).as("seed %d, %d partitions, hash %x", SEED, count, hash)
                        .isEqualTo(expected);
                PartitionDescriptor owner = map.locate(3, 0, hash);
                assertThat(owner).isEqualTo(partitions.get(expected));
                assertThat(owner.owns(hash)).isTrue();
            }
            // Every range boundary: the first and last hash of each partition.
            for (int p = 0; p < count; p++) {
                assertThat(ranges.positionOf(partitions.get(p).hashFirst())).isEqualTo(p);
                assertThat(ranges.positionOf(partitions.get(p).hashLast())).isEqualTo(p);
            }
        }
    }

    @Test
    void unevenRangesAreLookedUpByTheirBounds() {
        List<PartitionDescriptor> partitions = List.of(
                descriptor(1, 0, 9), descriptor(2, 10, 10), descriptor(3, 11, Long.MIN_VALUE),
                descriptor(4, Long.MIN_VALUE + 1, -2L), descriptor(5, -1L, -1L));
        PartitionMap map = PartitionMap.of(partitions);
        assertThat(map.locate(1, 0, 0).id()).isEqualTo(new PartitionId(1));
        assertThat(map.locate(1, 0, 9).id()).isEqualTo(new PartitionId(1));
        assertThat(map.locate(1, 0, 10).id()).isEqualTo(new PartitionId(2));
        assertThat(map.locate(1, 0, Long.MAX_VALUE).id()).isEqualTo(new PartitionId(3));
        assertThat(map.locate(1, 0, Long.MIN_VALUE).id()).isEqualTo(new PartitionId(3));
        assertThat(map.locate(1, 0, -2L).id()).isEqualTo(new PartitionId(4));
        assertThat(map.locate(1, 0, -1L).id()).isEqualTo(new PartitionId(5));
        assertThat(map.tryGet(new PartitionId(4))).contains(partitions.get(3));
        assertThat(map.tryGet(new PartitionId(6))).isEmpty();
        assertThat(map.size()).isEqualTo(5);
    }

    @Test
    void everyChangeIsCheckedForGapsAndOverlaps() {
        assertThatThrownBy(() -> PartitionMap.of(List.of(descriptor(1, 0, 9), descriptor(2, 11, -1L))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a gap between partitions");
        assertThatThrownBy(() -> PartitionMap.of(List.of(descriptor(1, 0, 10), descriptor(2, 10, -1L))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overlapping partitions");
        assertThatThrownBy(() -> PartitionMap.of(List.of(descriptor(1, 1, -1L))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("below the first partition");
        assertThatThrownBy(() -> PartitionMap.of(List.of(descriptor(1, 0, -2L))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("above the last partition");
        assertThatThrownBy(() -> PartitionMap.of(List.of(descriptor(1, 0, -1L), descriptor(2, 0, -1L))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overlapping");
        assertThatThrownBy(() -> PartitionMap.checkCoverage(List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no partitions");

        PartitionMap map = PartitionMap.of(PartitionDescriptor.equalRanges(1, 0, 1, 4, 1));
        // Replacing a table's ranges is checked like building them; a failed change leaves the map as it was.
        assertThatThrownBy(() -> map.withRanges(List.of(descriptor(9, 0, 5))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(map.getRanges(1, 0).size()).isEqualTo(4);
        // Ids are unique across tables and indexes.
        assertThatThrownBy(() -> map.withRanges(PartitionDescriptor.equalRanges(2, 0, 4, 2, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("used twice");
        PartitionMap two = map.withRanges(PartitionDescriptor.equalRanges(2, 0, 5, 2, 1))
                .withRanges(PartitionDescriptor.equalRanges(2, 1, 7, 3, 1));
        assertThat(two.size()).isEqualTo(9);
        assertThat(two.getRanges(2, 1).size()).isEqualTo(3);
        PartitionMap one = two.withoutTable(2);
        assertThat(one.size()).isEqualTo(4);
        assertThat(one.tryGetRanges(2, 0)).isEmpty();
        assertThatThrownBy(() -> one.locate(2, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aGlobalIndexsPartitionsComeAndGoWithoutTouchingTheTables() {
        List<PartitionDescriptor> table = PartitionDescriptor.equalRanges(3, 0, 1, 2, 1);
        List<PartitionDescriptor> index = PartitionDescriptor.equalRanges(3, 4, 3, 2, 1);
        PartitionMap map = PartitionMap.of(table).withRanges(index);
        assertThat(map.locate(3, 4, -1L).id()).isEqualTo(new PartitionId(4));
        PartitionMap without = map.withoutIndex(3, 4);
        assertThat(without.tryGetRanges(3, 4)).isEmpty();
        assertThat(without.getRanges(3, 0).descriptors()).isEqualTo(table);
        assertThat(without.size()).isEqualTo(2);
    }

    @Test
    void splitsRecordTheirParent() {
        // Partition 1 of table 1, [0, 2^63), split into 3 and 4 (what issue 17's splits will record).
        PartitionDescriptor right = PartitionDescriptor.equalRanges(1, 0, 1, 2, 1).get(1);
        PartitionDescriptor left = new PartitionDescriptor(new PartitionId(3), 1, 0, 0, 1L << 62, 1,
                new PartitionId(1), PartitionPhase.OPEN);
        PartitionDescriptor middle = new PartitionDescriptor(new PartitionId(4), 1, 0, (1L << 62) + 1,
                Long.MAX_VALUE, 1, new PartitionId(1), PartitionPhase.OPEN);
        PartitionMap map = PartitionMap.of(List.of(right, middle, left));
        assertThat(map.children(new PartitionId(1))).containsExactlyInAnyOrder(left, middle);
        assertThat(map.children(new PartitionId(3))).isEmpty();
        // A parent is replaced by its children: it cannot be live beside them.
        PartitionDescriptor parentAsWell = PartitionDescriptor.open(new PartitionId(1), 5, 0, -1L, 1);
        assertThatThrownBy(() -> map.withRanges(List.of(parentAsWell)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is live and a parent");
        assertThatThrownBy(() -> new PartitionDescriptor(new PartitionId(3), 1, 0, 0, -1L, 1, new PartitionId(3),
                PartitionPhase.OPEN)).isInstanceOf(IllegalArgumentException.class);
    }

    private static PartitionDescriptor descriptor(long id, long first, long last) {
        return PartitionDescriptor.open(new PartitionId(id), 1, first, last, 1);
    }
}
