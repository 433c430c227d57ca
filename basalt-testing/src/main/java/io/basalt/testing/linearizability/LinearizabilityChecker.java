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
 * {@link CheckResult.Verdict#UNKNOWN}, never a pass. Each violating key is then shrunk to its smallest failing
 * window with what is left of the budget.
 *
 * <pre>{@code
 * CheckResult result = LinearizabilityChecker.check(recorder.history(), Duration.ofSeconds(60));
 * assertThat(result.verdict()).as(result.report()).isEqualTo(CheckResult.Verdict.LINEARIZABLE);
 * }</pre>
 */
public final class LinearizabilityChecker {
    private LinearizabilityChecker() {
    }

    public static CheckResult check(History history, Duration budget) {
        requireNonNull(history, "history is null");
        requireNonNull(budget, "budget is null");
        long started = System.nanoTime();
        long deadline = started + budget.toNanos();
        Map<String, List<Operation>> byKey = history.byKey();
        Map<String, SearchResult> failed = new LinkedHashMap<>();
        List<String> undecided = new ArrayList<>();
        for (Map.Entry<String, List<Operation>> key : byKey.entrySet()) {
            SearchResult result = WingGongSearch.run(Windows.whole(key.getKey(), key.getValue()), deadline);
            switch (result.status()) {
                case LINEARIZABLE -> {
                }
                case VIOLATION -> failed.put(key.getKey(), result);
                case OUT_OF_TIME -> undecided.add(key.getKey());
            }
        }
        List<Violation> violations = new ArrayList<>();
        for (Map.Entry<String, SearchResult> key : failed.entrySet()) {
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
