package io.basalt.testing.linearizability;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.testing.linearizability.CheckResult.Verdict;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Hand-made histories, valid and not, through {@link LinearizabilityChecker}. */
class TestLinearizabilityChecker {
    private static final Duration BUDGET = Duration.ofSeconds(30);

    static CheckResult check(HistoryBuilder history) {
        CheckResult result = LinearizabilityChecker.check(history.build(), BUDGET);
        System.out.println(result.report());
        return result;
    }

    static void assertLinearizable(HistoryBuilder history) {
        CheckResult result = check(history);
        assertThat(result.verdict()).as(result.report()).isEqualTo(Verdict.LINEARIZABLE);
    }

    static Violation assertViolation(HistoryBuilder history) {
        CheckResult result = check(history);
        assertThat(result.verdict()).as(result.report()).isEqualTo(Verdict.VIOLATION);
        assertThat(result.violations()).hasSize(1);
        return result.violations().get(0);
    }

    @Test
    void sequentialOperationsOfEveryKind() {
        assertLinearizable(new HistoryBuilder()
                .getAbsent("c1", 0, 10)
                .put("c1", 20, 30, 1, "a")
                .get("c2", 40, 50, 1, "a")
                .update("c1", 60, 70, 1, "b", true)
                .update("c2", 80, 90, 1, "c", false)
                .get("c1", 100, 110, 2, "b")
                .delete("c2", 120, 130)
                .getAbsent("c1", 140, 150)
                .update("c1", 160, 170, 2, "d", false));
    }

    @Test
    void staleReadAfterCompletedWrite() {
        Violation violation = assertViolation(new HistoryBuilder()
                .put("c1", 0, 10, 1, "a")
                .put("c1", 20, 30, 2, "b")
                .get("c2", 40, 50, 1, "a"));
        assertThat(violation.key()).isEqualTo("k");
        assertThat(violation.stuck().id()).isEqualTo(2);
        // The smallest window is the read alone, after the completed write that must have preceded it.
        assertThat(violation.window()).extracting(Operation::id).containsExactly(2);
        assertThat(violation.startState()).isEqualTo(RegisterState.present(2, "b"));
        assertThat(violation.writersBefore()).extracting(Operation::id).containsExactly(1);
        assertThat(violation.describe()).contains("key \"k\"", "v2 \"b\"", "#2 ", "read v1 \"a\"");
    }

    @Test
    void readOfValueNoOneWrote() {
        Violation violation = assertViolation(new HistoryBuilder()
                .put("c1", 0, 10, 1, "a")
                .get("c2", 5, 15, 1, "a")
                .get("c2", 20, 30, 7, "ghost")
                .get("c3", 40, 50, 1, "a"));
        assertThat(violation.stuck().id()).isEqualTo(2);
        assertThat(violation.window()).extracting(Operation::id).containsExactly(2);
    }

    @Test
    void readOfValueWrittenOnlyLater() {
        assertViolation(new HistoryBuilder()
                .get("c2", 0, 10, 1, "a")
                .put("c1", 20, 30, 1, "a"));
    }

    @Test
    void concurrentWritesReadableInEitherOrder() {
        for (String last : new String[] {"a", "b"}) {
            long version = last.equals("a") ? 1 : 2;
            assertLinearizable(new HistoryBuilder()
                    .put("c1", 0, 100, 1, "a")
                    .put("c2", 10, 90, 2, "b")
                    .get("c3", 110, 120, version, last)
                    .get("c1", 130, 140, version, last));
        }
        // A read during the writes may see the first, then a later one the second.
        assertLinearizable(new HistoryBuilder()
                .put("c1", 0, 100, 1, "a")
                .put("c2", 10, 90, 2, "b")
                .get("c3", 20, 30, 1, "a")
                .get("c3", 40, 50, 2, "b"));
    }

    @Test
    void concurrentWritesSeenInBothOrdersAfterTheyFinished() {
        Violation violation = assertViolation(new HistoryBuilder()
                .put("c1", 0, 100, 1, "a")
                .put("c2", 10, 90, 2, "b")
                .get("c3", 110, 120, 2, "b")
                .get("c4", 130, 140, 1, "a"));
        assertThat(violation.window()).extracting(Operation::id).contains(3);
    }

    @Test
    void readsGoingBackInTime() {
        // Two readers overlapping one write: once one has seen the new value, a later read must too.
        assertViolation(new HistoryBuilder()
                .put("c1", 0, 10, 1, "a")
                .put("c1", 20, 100, 2, "b")
                .get("c2", 30, 40, 2, "b")
                .get("c3", 50, 60, 1, "a"));
    }

    @Test
    void unknownWriteLaterVisible() {
        assertLinearizable(new HistoryBuilder()
                .put("c1", 0, 10, 1, "a")
                .putUnknown("c1", 20, 2, "b")
                .get("c2", 40, 50, 1, "a")
                .get("c2", 60, 70, 2, "b")
                .get("c3", 1_000, 1_010, 2, "b"));
    }

    @Test
    void unknownWriteNeverVisible() {
        assertLinearizable(new HistoryBuilder()
                .put("c1", 0, 10, 1, "a")
                .putUnknown("c1", 20, 2, "b")
                .get("c2", 40, 50, 1, "a")
                .get("c2", 1_000, 1_010, 1, "a"));
    }

    @Test
    void unknownWriteVisibleOnlyOnce() {
        // It may take effect once: the value cannot come back after a later write replaced it.
        assertViolation(new HistoryBuilder()
                .putUnknown("c1", 0, 1, "a")
                .get("c2", 10, 20, 1, "a")
                .put("c2", 30, 40, 2, "b")
                .get("c2", 50, 60, 1, "a"));
    }

    @Test
    void unknownWriteVisibleBeforeItsCall() {
        assertViolation(new HistoryBuilder()
                .get("c2", 0, 10, 1, "a")
                .putUnknown("c1", 20, 1, "a"));
    }

    @Test
    void definitelyFailedWriteHasNoEffect() {
        assertViolation(new HistoryBuilder()
                .add("c1", 0, 10, Command.put(1, "a"), Outcome.failed("ValidationException"))
                .get("c2", 20, 30, 1, "a"));
        assertLinearizable(new HistoryBuilder()
                .add("c1", 0, 10, Command.put(1, "a"), Outcome.failed("ThrottlingException"))
                .getAbsent("c2", 20, 30)
                .add("c2", 40, 50, Command.get(), Outcome.unknown("timeout")));
    }

    @Test
    void conditionalUpdateOutcomes() {
        // On an absent item the condition fails.
        assertLinearizable(new HistoryBuilder().update("c1", 0, 10, 0, "a", false));
        assertViolation(new HistoryBuilder().update("c1", 0, 10, 0, "a", true));
        // Two concurrent updates from the same version: exactly one may win.
        assertLinearizable(new HistoryBuilder()
                .put("c1", 0, 10, 1, "a")
                .update("c1", 20, 40, 1, "b", true)
                .update("c2", 25, 35, 1, "c", false)
                .get("c3", 50, 60, 2, "b"));
        assertViolation(new HistoryBuilder()
                .put("c1", 0, 10, 1, "a")
                .update("c1", 20, 40, 1, "b", true)
                .update("c2", 25, 35, 1, "c", true));
        // A failed condition when the version matched, with nothing concurrent.
        assertViolation(new HistoryBuilder()
                .put("c1", 0, 10, 1, "a")
                .update("c2", 20, 30, 1, "b", false));
        // A failed condition explained by a concurrent update.
        assertLinearizable(new HistoryBuilder()
                .put("c1", 0, 10, 1, "a")
                .update("c2", 20, 50, 1, "b", false)
                .update("c1", 30, 40, 1, "c", true));
        // An unknown update that wrote is what a later successful update expected.
        assertLinearizable(new HistoryBuilder()
                .put("c1", 0, 10, 1, "a")
                .add("c1", 20, 30, Command.update(1, "b"), Outcome.unknown("HTTP 500"))
                .update("c2", 40, 50, 2, "c", true)
                .get("c2", 60, 70, 3, "c"));
    }

    @Test
    void deleteThenStaleRead() {
        assertLinearizable(new HistoryBuilder()
                .put("c1", 0, 10, 1, "a")
                .delete("c1", 20, 30)
                .getAbsent("c2", 40, 50));
        assertViolation(new HistoryBuilder()
                .put("c1", 0, 10, 1, "a")
                .delete("c1", 20, 30)
                .get("c2", 40, 50, 1, "a"));
    }

    @Test
    void keysAreCheckedIndependently() {
        CheckResult result = check(new HistoryBuilder()
                .on("a").put("c1", 0, 10, 1, "x")
                .on("b").getAbsent("c2", 20, 30)
                .on("a").get("c2", 40, 50, 1, "x")
                .on("b").get("c1", 60, 70, 1, "x"));
        assertThat(result.verdict()).isEqualTo(Verdict.VIOLATION);
        assertThat(result.keys()).isEqualTo(2);
        assertThat(result.violations()).extracting(Violation::key).containsExactly("b");
    }

    @Test
    void equalTimestampsCountAsConcurrent() {
        assertLinearizable(new HistoryBuilder()
                .put("c1", 0, 10, 1, "a")
                .put("c1", 10, 20, 2, "b")
                .get("c2", 10, 10, 1, "a"));
    }

    @Test
    void emptyHistoryIsLinearizable() {
        CheckResult result = check(new HistoryBuilder());
        assertThat(result.verdict()).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(result.keys()).isZero();
    }
}
