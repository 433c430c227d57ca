package io.basalt.testing.linearizability;

import java.util.List;
import java.util.TreeSet;

/**
 * Shrinks a key's violation to the smallest failing window, for a readable report: first the earliest end (the
 * shortest failing prefix, found by binary search over return times), then the latest start (binary search over
 * call times). Only windows whose search ends in a violation are kept, so whatever the searches cost or however
 * the budget runs out, the window reported is a verified violation; at worst it is the whole history.
 */
final class WindowMinimizer {
    /** A verified failing window and its search. */
    record Window(long start, long end, KeyProblem problem, SearchResult result) {
    }

    private WindowMinimizer() {
    }

    /** {@code whole} is the search of the whole key, which found a violation. */
    static Window minimize(String key, List<Operation> operations, SearchResult whole, long deadlineNanos) {
        Window best = new Window(Windows.FROM_BEGINNING, Long.MAX_VALUE, Windows.whole(key, operations), whole);
        long[] ends = distinct(operations, false);
        int low = 0;
        int high = ends.length - 1;
        while (low < high) {
            int middle = (low + high) >>> 1;
            Window window = tryWindow(key, operations, Windows.FROM_BEGINNING, ends[middle], deadlineNanos);
            if (window != null) {
                best = window;
                high = middle;
            } else {
                low = middle + 1;
            }
        }
        long end = best.end();
        long[] starts = distinct(operations.stream().filter(operation -> operation.callNanos() <= end).toList(), true);
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

    private static Window tryWindow(String key, List<Operation> operations, long start, long end, long deadlineNanos) {
        if (System.nanoTime() - deadlineNanos > 0) {
            return null;
        }
        KeyProblem problem = Windows.cut(key, operations, start, end);
        SearchResult result = WingGongSearch.run(problem, deadlineNanos);
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
