package io.basalt.testing.linearizability;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** An immutable history of operations on registers, in call order (ties by id). */
public final class History {
    static final Comparator<Operation> CALL_ORDER = Comparator.comparingLong(Operation::callNanos)
            .thenComparingInt(Operation::id);

    private final List<Operation> operations;

    private History(List<Operation> operations) {
        this.operations = operations;
    }

    /** A history of {@code operations}, whose ids must be unique. */
    public static History of(Collection<Operation> operations) {
        List<Operation> sorted = new ArrayList<>(requireNonNull(operations, "operations is null"));
        Set<Integer> ids = new HashSet<>();
        for (Operation operation : sorted) {
            if (!ids.add(requireNonNull(operation, "operation is null").id())) {
                throw new IllegalArgumentException("duplicate operation id " + operation.id());
            }
        }
        sorted.sort(CALL_ORDER);
        return new History(List.copyOf(sorted));
    }

    public List<Operation> operations() {
        return operations;
    }

    public int size() {
        return operations.size();
    }

    /** The operations of each key, keys in sorted order, each list in call order. */
    public Map<String, List<Operation>> byKey() {
        Map<String, List<Operation>> byKey = new TreeMap<>();
        for (Operation operation : operations) {
            byKey.computeIfAbsent(operation.key(), key -> new ArrayList<>()).add(operation);
        }
        byKey.replaceAll((key, list) -> List.copyOf(list));
        return byKey;
    }

    @Override
    public String toString() {
        return "History[" + operations.size() + " operations]";
    }
}
