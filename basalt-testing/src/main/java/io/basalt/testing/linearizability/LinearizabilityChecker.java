package io.basalt.testing.linearizability;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks that a {@link History} of register operations is linearizable (docs/design/cluster.md §21.4).
 *
 * <p>Linearizability is local (Herlihy and Wing): a history is linearizable exactly when each object's
 * sub-history is, so each key is searched alone ({@link WingGongSearch}), in sorted key order. Every key is
 * checked within one time budget; a key the budget runs out on is reported undecided and the verdict is
 * {@link CheckResult.Verdict#UNKNOWN}, never a pass. Before the whole search, two cheap looks for a violation that
 * can be proved locally: reads that prove one on their own ({@link ReadProofs}: unwritten or stale values), and
 * short overlapping windows of long keys (each with a step limit). Each violating key is then shrunk to its
 * smallest failing window with what is left of the budget.
 *
 * <pre>{@code
 * CheckResult result = LinearizabilityChecker.check(recorder.history(), Duration.ofSeconds(60));
 * assertThat(result.verdict()).as(result.report()).isEqualTo(CheckResult.Verdict.LINEARIZABLE);
 * }</pre>
 */
public final class LinearizabilityChecker {
    private static final int LOCAL_WINDOW = 256;
    /** Local windows only speed up finding a violation; one that needs more steps is left to the whole search. */
    private static final long LOCAL_WINDOW_STEPS = 50_000;

    private LinearizabilityChecker() {
    }

    public static CheckResult check(History history, Duration budget) {
        requireNonNull(history, "history is null");
        requireNonNull(budget, "budget is null");
        long started = System.nanoTime();
        long deadline = started + budget.toNanos();
        Map<String, List<Operation>> byKey = history.byKey();
        Map<String, WindowMinimizer.Window> failed = new LinkedHashMap<>();
        List<String> undecided = new ArrayList<>();
        for (Map.Entry<String, List<Operation>> key : byKey.entrySet()) {
            WindowMinimizer.Window failing = ReadProofs.find(key.getKey(), key.getValue(), deadline);
            boolean outOfTime = false;
            for (long[] window : failing == null ? localWindows(key.getValue()) : List.<long[]>of()) {
                failing = WindowMinimizer.tryWindow(key.getKey(), key.getValue(), window[0], window[1], deadline,
                        LOCAL_WINDOW_STEPS);
                if (failing != null || System.nanoTime() - deadline > 0) {
                    break;
                }
            }
            if (failing == null) {
                KeyProblem whole = Windows.whole(key.getKey(), key.getValue());
                SearchResult result = WingGongSearch.run(whole, deadline);
                outOfTime = result.status() == SearchResult.Status.OUT_OF_TIME;
                if (result.status() == SearchResult.Status.VIOLATION) {
                    failing = new WindowMinimizer.Window(Windows.FROM_BEGINNING, Long.MAX_VALUE, whole, result);
                }
            }
            if (failing != null) {
                failed.put(key.getKey(), failing);
            } else if (outOfTime) {
                undecided.add(key.getKey());
            }
        }
        List<Violation> violations = new ArrayList<>();
        for (Map.Entry<String, WindowMinimizer.Window> key : failed.entrySet()) {
            List<Operation> operations = byKey.get(key.getKey());
            violations.add(violation(key.getKey(), operations,
                    WindowMinimizer.minimize(key.getKey(), operations, key.getValue(), deadline)));
        }
        CheckResult.Verdict verdict = !violations.isEmpty()
                ? CheckResult.Verdict.VIOLATION
                : undecided.isEmpty() ? CheckResult.Verdict.LINEARIZABLE : CheckResult.Verdict.UNKNOWN;
        return new CheckResult(verdict, violations, undecided, history.size(), byKey.size(),
                Duration.ofNanos(System.nanoTime() - started));
    }

    /**
     * Overlapping windows of {@value #LOCAL_WINDOW} operations, as {start, end} call times, for keys longer than
     * that. Proving a violation means exhausting every order before it, which is cheap in a short window and can
     * be hopeless in a long history; each window is a relaxation of the history ({@link Windows}), so one that
     * fails proves the violation, and the whole history is still searched when none does.
     */
    private static List<long[]> localWindows(List<Operation> operations) {
        List<long[]> windows = new ArrayList<>();
        if (operations.size() <= LOCAL_WINDOW) {
            return windows;
        }
        for (int first = 0; first < operations.size(); first += LOCAL_WINDOW / 2) {
            int last = Math.min(first + LOCAL_WINDOW, operations.size() - 1);
            long end = last == operations.size() - 1 ? Long.MAX_VALUE : operations.get(last).callNanos();
            windows.add(new long[] {operations.get(first).callNanos(), end});
            if (last == operations.size() - 1) {
                break;
            }
        }
        return windows;
    }

    private static Violation violation(String key, List<Operation> operations, WindowMinimizer.Window window) {
        Map<Integer, Operation> recorded = new LinkedHashMap<>();
        for (Operation operation : operations) {
            recorded.put(operation.id(), operation);
        }
        List<Operation> shown = new ArrayList<>();
        Set<Integer> crossing = new HashSet<>();
        for (Operation operation : window.problem().operations()) {
            Operation original = recorded.get(operation.id());
            shown.add(original);
            if (Windows.crossesEdge(original, window.start(), window.end())) {
                crossing.add(original.id());
            }
        }
        shown.sort(History.CALL_ORDER);
        SearchResult result = window.result();
        return new Violation(key, operations.size(), window.problem().start(),
                Windows.startWriters(operations, window.start()), shown, crossing,
                result.longestOrder().stream().map(operation -> recorded.get(operation.id())).toList(),
                result.stateAfterLongest(), recorded.get(result.stuck().id()));
    }
}
