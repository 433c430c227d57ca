package io.basalt.testing.linearizability;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A key whose history is not linearizable, shown as the smallest failing window found.
 *
 * @param key the register
 * @param keyOperations how many operations the key has in the whole history
 * @param startState the register when the window starts (absent, or one of the states the writes before it could
 *     have left)
 * @param writersBefore the writes before the window that may have left {@code startState}, in call order
 * @param window the window's operations as recorded, in call order
 * @param crossing ids of window operations that cross an edge of the window (they count as unknown in it)
 * @param longestOrder the longest order of window operations the search could linearize
 * @param stateAfterLongest the register after {@code longestOrder}
 * @param stuck the operation that could not be placed after {@code longestOrder} before its return
 */
public record Violation(String key, int keyOperations, RegisterState startState, List<Operation> writersBefore,
        List<Operation> window,
        Set<Integer> crossing, List<Operation> longestOrder, RegisterState stateAfterLongest, Operation stuck) {
    private static final int SHOWN_WRITERS = 12;

    public Violation {
        requireNonNull(key, "key is null");
        requireNonNull(startState, "startState is null");
        writersBefore = List.copyOf(requireNonNull(writersBefore, "writersBefore is null"));
        window = List.copyOf(requireNonNull(window, "window is null"));
        crossing = Set.copyOf(requireNonNull(crossing, "crossing is null"));
        longestOrder = List.copyOf(requireNonNull(longestOrder, "longestOrder is null"));
        requireNonNull(stateAfterLongest, "stateAfterLongest is null");
        requireNonNull(stuck, "stuck is null");
        if (window.isEmpty()) {
            throw new IllegalArgumentException("a violation has operations");
        }
    }

    /** A report for people: the key, the window in time order with times relative to its first call, and why. */
    public String describe() {
        long origin = window.get(0).callNanos();
        StringBuilder report = new StringBuilder();
        report.append("key ").append(RegisterState.quote(key)).append(" is not linearizable. Smallest failing window: ")
                .append(window.size()).append(" of the key's ").append(keyOperations)
                .append(" operations, in call order, times in ms after the window's first call:\n");
        report.append("  register before the window: ").append(startState);
        if (writersBefore.isEmpty()) {
            report.append('\n');
        } else {
            report.append(", left by one of these earlier writes:\n");
            // The latest writes are the likeliest to matter; a long list of old unknown writes is cut short.
            int skipped = Math.max(0, writersBefore.size() - SHOWN_WRITERS);
            if (skipped > 0) {
                report.append("  (").append(skipped).append(" earlier ones not shown)\n");
            }
            for (Operation writer : writersBefore.subList(skipped, writersBefore.size())) {
                report.append("  (").append(writer.describe(origin)).append(")\n");
            }
        }
        // Unknown writes called long before the window may still take effect in it, so they belong to it; past a
        // dozen, the oldest are only counted.
        List<Operation> olderUnknown = window.stream()
                .filter(operation -> !operation.outcome().isKnown() && crossing.contains(operation.id()))
                .toList();
        int hidden = Math.max(0, olderUnknown.size() - SHOWN_WRITERS);
        if (hidden > 0) {
            report.append("* (").append(hidden).append(" older unknown writes not shown)\n");
        }
        Set<Operation> hiddenOperations = Set.copyOf(olderUnknown.subList(0, hidden));
        for (Operation operation : window) {
            if (!hiddenOperations.contains(operation)) {
                report.append(crossing.contains(operation.id()) ? "* " : "  ").append(operation.describe(origin))
                        .append('\n');
            }
        }
        if (!crossing.isEmpty()) {
            report.append("  (* crosses the window's edge: it may or may not have taken effect inside it)\n");
        }
        String order = longestOrder.isEmpty()
                ? "nothing"
                : longestOrder.stream().map(operation -> "#" + operation.id()).collect(Collectors.joining(", "));
        report.append("  the longest order that explains the window: ").append(order)
                .append(", leaving the register ").append(stateAfterLongest).append(";\n")
                .append("  after it, #").append(stuck.id()).append(" (").append(stuck.command()).append(" -> ")
                .append(stuck.outcome()).append(") cannot take effect before it returned, and no other order helps.");
        return report.toString();
    }

    @Override
    public String toString() {
        return describe();
    }
}
