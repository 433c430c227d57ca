package io.basalt.testing.linearizability;

import java.util.List;
import java.util.TreeSet;

/**
 * Shrinks a key's failing window to the smallest failing window, for a readable report: first the earliest end
 * (binary search over return times), then the latest start (binary search over call times). Only windows whose
 * search ends in a violation are kept, so whatever the searches cost or however the budget runs out, the window
 * reported is a verified violation; at worst it is the window first found.
 */
final class WindowMinimizer {
    /** A verified failing window and its search. */
    record Window(long start, long end, KeyProblem problem, SearchResult result) {
    }

    private WindowMinimizer() {
    }

    /** Shrinks {@code failing}, a window of {@code operations} whose search found a violation. */
    static Window minimize(String key, List<Operation> operations, Window failing, long deadlineNanos) {
        if (failing.problem().operations().size() <= 1) {
            return failing;
        }
        Window best = failing;
        long start = failing.start();
        long[] ends = distinct(operations.stream()
                .filter(operation -> operation.returnNanos() <= failing.end() && operation.callNanos() >= start)
                .toList(), false);
        int low = 0;
        int high = ends.length;
        // Invariant: a window ending at ends[high] fails (ends.length stands for the window's own end).
        while (low < high) {
            int middle = (low + high) >>> 1;
            Window window = tryWindow(key, operations, start, ends[middle], deadlineNanos);
            if (window != null) {
                best = window;
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        long end = best.end();
        long[] starts = distinct(operations.stream()
                .filter(operation -> operation.callNanos() <= end && operation.callNanos() >= start)
                .toList(), true);
        low = 0;
        high = starts.length - 1;
        while (low < high) {
            int middle = (low + high + 1) >>> 1;
            Window window = tryWindow(key, operations, starts[middle], end, deadlineNanos);
            if (window != null) {
                best = window;
                low = middle;
            } else {
                high = middle - 1;
            }
        }
        return best;
    }

    static Window tryWindow(String key, List<Operation> operations, long start, long end, long deadlineNanos) {
        return tryWindow(key, operations, start, end, deadlineNanos, Long.MAX_VALUE);
    }

    /** The window {@code [start, end]} if its search finds a violation within the limits, else null. */
    static Window tryWindow(String key, List<Operation> operations, long start, long end, long deadlineNanos,
            long maxSteps) {
        if (System.nanoTime() - deadlineNanos > 0) {
            return null;
        }
        KeyProblem problem = Windows.cut(key, operations, start, end);
        SearchResult result = WingGongSearch.run(problem, deadlineNanos, maxSteps);
        return result.status() == SearchResult.Status.VIOLATION ? new Window(start, end, problem, result) : null;
    }

    /** Distinct call times, or return times of operations with known outcomes, ascending. */
    private static long[] distinct(List<Operation> operations, boolean calls) {
        TreeSet<Long> times = new TreeSet<>();
        for (Operation operation : operations) {
            if (calls) {
                times.add(operation.callNanos());
            } else if (operation.outcome().isKnown() && !KeyProblem.constrainsNothing(operation)) {
                times.add(operation.returnNanos());
            }
        }
        return times.stream().mapToLong(Long::longValue).toArray();
    }
}
