package io.basalt.partition;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which partition holds which hashes of which table or index (docs/design/cluster.md §4.2): an immutable snapshot
 * that nodes swap whole when it changes. Every change is checked: the partitions of each (table, index) cover the
 * unsigned 64-bit hash space from {@code 0} to {@code 0xFFFF_FFFF_FFFF_FFFF} without gap or overlap, and no id is
 * used twice. The parent → children relation of splits (issue 17) is kept beside the ranges; Streams shards
 * (issue 18) follow it.
 */
public final class PartitionMap {
    private static final PartitionMap EMPTY = new PartitionMap(Map.of());

    private final Map<RangesKey, PartitionRanges> ranges;
    private final Map<PartitionId, PartitionDescriptor> byId;
    private final Map<PartitionId, List<PartitionDescriptor>> children;

    /** The (table, index) a {@link PartitionRanges} covers. */
    private record RangesKey(long tableId, int indexId) {
    }

    private PartitionMap(Map<RangesKey, PartitionRanges> ranges) {
        this.ranges = Map.copyOf(ranges);
        Map<PartitionId, PartitionDescriptor> ids = new HashMap<>();
        Map<PartitionId, List<PartitionDescriptor>> parents = new HashMap<>();
        for (PartitionRanges slice : this.ranges.values()) {
            for (PartitionDescriptor descriptor : slice.descriptors()) {
                PartitionDescriptor previous = ids.put(descriptor.id(), descriptor);
                if (previous != null) {
                    throw new IllegalArgumentException("partition id " + descriptor.id() + " is used twice: "
                            + previous + " and " + descriptor);
                }
                if (descriptor.parent() != null) {
                    parents.computeIfAbsent(descriptor.parent(), parent -> new ArrayList<>()).add(descriptor);
                }
            }
        }
        for (PartitionId parent : parents.keySet()) {
            // A split replaces its parent: the parent's range now belongs to its children.
            if (ids.containsKey(parent)) {
                throw new IllegalArgumentException("partition " + parent + " is live and a parent of "
                        + parents.get(parent));
            }
        }
        this.byId = Map.copyOf(ids);
        Map<PartitionId, List<PartitionDescriptor>> frozen = new HashMap<>();
        parents.forEach((parent, list) -> frozen.put(parent, List.copyOf(list)));
        this.children = Map.copyOf(frozen);
    }

    public static PartitionMap empty() {
        return EMPTY;
    }

    /** A map of {@code descriptors} (any order), checked. */
    public static PartitionMap of(Collection<PartitionDescriptor> descriptors) {
        Map<RangesKey, List<PartitionDescriptor>> grouped = new LinkedHashMap<>();
        for (PartitionDescriptor descriptor : descriptors) {
            grouped.computeIfAbsent(new RangesKey(descriptor.tableId(), descriptor.indexId()),
                    key -> new ArrayList<>()).add(descriptor);
        }
        Map<RangesKey, PartitionRanges> ranges = new HashMap<>();
        grouped.forEach((key, list) -> ranges.put(key, new PartitionRanges(sorted(list))));
        return new PartitionMap(ranges);
    }

    /**
     * The map with the partitions of one table or index replaced by {@code descriptors} (all of the same table and
     * index, any order), checked.
     */
    public PartitionMap withRanges(Collection<PartitionDescriptor> descriptors) {
        if (descriptors.isEmpty()) {
            throw new IllegalArgumentException("no partitions");
        }
        PartitionDescriptor first = descriptors.iterator().next();
        Map<RangesKey, PartitionRanges> changed = new HashMap<>(ranges);
        changed.put(new RangesKey(first.tableId(), first.indexId()), new PartitionRanges(sorted(descriptors)));
        return new PartitionMap(changed);
    }

    /** The map without any partition of {@code tableId} (its own items and its global indexes). */
    public PartitionMap withoutTable(long tableId) {
        Map<RangesKey, PartitionRanges> changed = new HashMap<>(ranges);
        changed.keySet().removeIf(key -> key.tableId() == tableId);
        return new PartitionMap(changed);
    }

    /** The map without the partitions of one global index of {@code tableId}. */
    public PartitionMap withoutIndex(long tableId, int indexId) {
        Map<RangesKey, PartitionRanges> changed = new HashMap<>(ranges);
        changed.remove(new RangesKey(tableId, indexId));
        return new PartitionMap(changed);
    }

    /** The partition of a table ({@code indexId} 0) or global index that owns {@code hash}. */
    public PartitionDescriptor locate(long tableId, int indexId, long hash) {
        return getRanges(tableId, indexId).locate(hash);
    }

    /** The partitions of a table or global index, in hash order. */
    public Optional<PartitionRanges> tryGetRanges(long tableId, int indexId) {
        return Optional.ofNullable(ranges.get(new RangesKey(tableId, indexId)));
    }

    public PartitionRanges getRanges(long tableId, int indexId) {
        PartitionRanges slice = ranges.get(new RangesKey(tableId, indexId));
        if (slice == null) {
            throw new IllegalArgumentException("no partitions for table " + tableId + " index " + indexId);
        }
        return slice;
    }

    public Optional<PartitionDescriptor> tryGet(PartitionId id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The partitions split from {@code parent}, in hash order; empty when it was never split. */
    public List<PartitionDescriptor> children(PartitionId parent) {
        return children.getOrDefault(requireNonNull(parent, "parent is null"), List.of());
    }

    /** How many partitions the map holds. */
    public int size() {
        return byId.size();
    }

    /**
     * Checks that {@code descriptors}, in hash order, are one table's (or index's) partitions covering the whole
     * hash space without gap or overlap.
     *
     * @throws IllegalArgumentException naming the first problem
     */
    public static void checkCoverage(List<PartitionDescriptor> descriptors) {
        if (descriptors.isEmpty()) {
            throw new IllegalArgumentException("no partitions");
        }
        PartitionDescriptor first = descriptors.get(0);
        if (first.hashFirst() != 0) {
            throw new IllegalArgumentException("hashes below the first partition are not covered: " + first);
        }
        for (int i = 1; i < descriptors.size(); i++) {
            PartitionDescriptor previous = descriptors.get(i - 1);
            PartitionDescriptor next = descriptors.get(i);
            if (next.tableId() != first.tableId() || next.indexId() != first.indexId()) {
                throw new IllegalArgumentException("partitions of different tables or indexes in one range list: "
                        + first + " and " + next);
            }
            if (previous.endsHashSpace() || next.hashFirst() != previous.hashLast() + 1) {
                throw new IllegalArgumentException((Long.compareUnsigned(next.hashFirst(), previous.hashLast()) <= 0
                        ? "overlapping partitions: " : "a gap between partitions: ") + previous + " and " + next);
            }
        }
        PartitionDescriptor last = descriptors.get(descriptors.size() - 1);
        if (!last.endsHashSpace()) {
            throw new IllegalArgumentException("hashes above the last partition are not covered: " + last);
        }
    }

    private static List<PartitionDescriptor> sorted(Collection<PartitionDescriptor> descriptors) {
        List<PartitionDescriptor> list = new ArrayList<>(descriptors);
        list.sort(Comparator.comparing(PartitionDescriptor::hashFirst, Long::compareUnsigned));
        return list;
    }
}
