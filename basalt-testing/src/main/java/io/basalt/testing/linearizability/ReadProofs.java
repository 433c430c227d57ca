package io.basalt.testing.linearizability;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Violations that one strong read proves on its own, found without searching the history before it (proving a
 * violation deep in a long history by search means exhausting every order before it):
 *
 * <ul>
 *   <li>a read of a value no write called before the read returned could have written;</li>
 *   <li>a stale read: every write of the value it returned (or, for absent, every delete and the initial state)
 *       was followed by another write that completed before the read began.</li>
 * </ul>
 *
 * <p>Each suspicion is confirmed by searching the window of the read alone ({@link Windows}), so a report is always
 * a proven violation.
 */
final class ReadProofs {
    /** A window that does not fail within this many steps is left to the other searches. */
    private static final long STEPS = 50_000;

    private ReadProofs() {
    }

    /** The window of the first read that proves a violation, or null. */
    static WindowMinimizer.Window find(String key, List<Operation> operations, long deadline) {
        Map<RegisterState, List<Operation>> writers = new HashMap<>();
        List<Operation> definite = new ArrayList<>();
        for (Operation operation : operations) {
            Outcome.Status status = operation.outcome().status();
            if (!operation.command().isWrite() || !(status == Outcome.Status.OK || status == Outcome.Status.UNKNOWN)) {
                continue;
            }
            writers.computeIfAbsent(operation.command().written(), state -> new ArrayList<>()).add(operation);
            if (status == Outcome.Status.OK) {
                definite.add(operation);
            }
        }
        definite.sort(Comparator.comparingLong(Operation::callNanos));
        long[] calls = definite.stream().mapToLong(Operation::callNanos).toArray();
        long[] earliestReturnFrom = new long[definite.size() + 1];
        earliestReturnFrom[definite.size()] = Long.MAX_VALUE;
        for (int i = definite.size() - 1; i >= 0; i--) {
            earliestReturnFrom[i] = Math.min(earliestReturnFrom[i + 1], definite.get(i).returnNanos());
        }
        for (Operation read : operations) {
            RegisterState observed = read.outcome().observed();
            if (observed == null) {
                continue;
            }
            List<Operation> candidates = writers.getOrDefault(observed, List.of()).stream()
                    .filter(writer -> writer.callNanos() <= read.returnNanos())
                    .toList();
            if (candidates.isEmpty() && !observed.equals(RegisterState.ABSENT)) {
                // Nothing else can explain it, so the window is the read alone (no search of what crosses it).
                RegisterState before = Windows.cut(key, operations, read.callNanos(), read.callNanos()).start();
                KeyProblem problem = new KeyProblem(key, before, List.of(read));
                SearchResult result = WingGongSearch.run(problem, deadline);
                if (result.status() == SearchResult.Status.VIOLATION) {
                    return new WindowMinimizer.Window(read.callNanos(), read.returnNanos(), problem, result);
                }
                continue;
            }
            boolean initialOverwritten = !observed.equals(RegisterState.ABSENT)
                    || overwritten(Long.MIN_VALUE, read.callNanos(), calls, earliestReturnFrom);
            boolean stale = initialOverwritten && candidates.stream().allMatch(writer -> writer.outcome().isKnown()
                    && overwritten(writer.returnNanos(), read.callNanos(), calls, earliestReturnFrom));
            if (stale) {
                WindowMinimizer.Window window = WindowMinimizer.tryWindow(key, operations, read.callNanos(),
                        read.returnNanos(), deadline, STEPS);
                if (window != null) {
                    return window;
                }
            }
        }
        return null;
    }

    /** True when a write known to have applied was called after {@code after} and returned before {@code before}. */
    private static boolean overwritten(long after, long before, long[] calls, long[] earliestReturnFrom) {
        int first = Arrays.binarySearch(calls, after);
        if (first < 0) {
            first = -first - 1;
        } else {
            while (first < calls.length && calls[first] <= after) {
                first++;
            }
        }
        return earliestReturnFrom[first] < before;
    }
}
