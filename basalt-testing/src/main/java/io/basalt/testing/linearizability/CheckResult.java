package io.basalt.testing.linearizability;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * The checker's verdict on a history.
 *
 * @param verdict {@link Verdict#VIOLATION} when any key is not linearizable; else {@link Verdict#UNKNOWN} when
 *     the budget ran out before some key was decided; else {@link Verdict#LINEARIZABLE}
 * @param violations one per key found not linearizable, keys in sorted order
 * @param undecidedKeys keys the budget ran out on, sorted
 * @param operations operations in the history
 * @param keys keys in the history
 * @param elapsed how long the check took
 */
public record CheckResult(Verdict verdict, List<Violation> violations, List<String> undecidedKeys, int operations,
        int keys, Duration elapsed) {
    /** What the checker could establish. */
    public enum Verdict {
        LINEARIZABLE,
        VIOLATION,
        /** The time budget ran out first: not a pass. */
        UNKNOWN
    }

    public CheckResult {
        requireNonNull(verdict, "verdict is null");
        violations = List.copyOf(requireNonNull(violations, "violations is null"));
        undecidedKeys = List.copyOf(requireNonNull(undecidedKeys, "undecidedKeys is null"));
        requireNonNull(elapsed, "elapsed is null");
    }

    public boolean isLinearizable() {
        return verdict == Verdict.LINEARIZABLE;
    }

    /** A summary line, then each violation's report and the undecided keys. */
    public String report() {
        StringBuilder report = new StringBuilder();
        report.append(verdict).append(": ").append(operations).append(" operations on ").append(keys)
                .append(" keys checked in ").append(elapsed.toMillis()).append(" ms");
        for (Violation violation : violations) {
            report.append('\n').append(violation.describe());
        }
        if (!undecidedKeys.isEmpty()) {
            report.append("\nthe time budget ran out before these keys were decided: ").append(undecidedKeys);
        }
        return report.toString();
    }

    @Override
    public String toString() {
        return report();
    }
}
