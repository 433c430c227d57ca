package io.basalt.testing.linearizability;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.testing.linearizability.CheckResult.Verdict;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random histories through {@link LinearizabilityChecker}: valid ones must pass, each with one read
 * mutated to a never-written value must fail, and the search must agree with brute force on small concurrent
 * histories. Every failure message names its seed; {@code -Dbasalt.linearizability.seed=N} adds seed N to the
 * fixed ones.
 */
class TestRandomHistories {
    private static final Duration BUDGET = Duration.ofSeconds(60);

    private static long[] seeds(int fixed) {
        long[] seeds = new long[fixed + 1];
        for (int i = 0; i < fixed; i++) {
            seeds[i] = i + 1;
        }
        seeds[fixed] = Long.getLong("basalt.linearizability.seed", System.nanoTime());
        System.out.println("extra seed " + seeds[fixed]);
        return seeds;
    }

    @Test
    void sequentialHistoriesWithOverlappingJitterPass() {
        for (long seed : seeds(40)) {
            History history = RandomHistories.sequential(seed, 3, 600, 250);
            CheckResult result = LinearizabilityChecker.check(history, BUDGET);
            assertThat(result.verdict()).as("seed %d: %s", seed, result.report()).isEqualTo(Verdict.LINEARIZABLE);
        }
    }

    @Test
    void oneReadOfANeverWrittenValueFails() {
        for (long seed : seeds(40)) {
            RandomHistories.Mutated mutated = RandomHistories.mutateOneRead(
                    RandomHistories.sequential(seed, 3, 600, 250), seed);
            CheckResult result = LinearizabilityChecker.check(mutated.history(), BUDGET);
            assertThat(result.verdict()).as("seed %d: %s", seed, result.report()).isEqualTo(Verdict.VIOLATION);
            assertThat(result.violations()).as("seed %d", seed).hasSize(1);
            Violation violation = result.violations().get(0);
            assertThat(violation.window()).as("seed %d: %s", seed, violation)
                    .extracting(Operation::id).contains(mutated.mutatedId());
            assertThat(violation.window().size()).as("seed %d: %s", seed, violation).isLessThan(20);
            if (seed == 1) {
                System.out.println(violation.describe());
            }
        }
    }

    @Test
    void oneStaleReadFails() {
        for (long seed : seeds(40)) {
            RandomHistories.Mutated mutated = RandomHistories.makeOneReadStale(
                    RandomHistories.sequential(seed, 3, 600, 250), seed);
            CheckResult result = LinearizabilityChecker.check(mutated.history(), BUDGET);
            assertThat(result.verdict()).as("seed %d: %s", seed, result.report()).isEqualTo(Verdict.VIOLATION);
            Violation violation = result.violations().get(0);
            assertThat(violation.window()).as("seed %d: %s", seed, violation)
                    .extracting(Operation::id).contains(mutated.mutatedId());
            if (seed == 1) {
                System.out.println(violation.describe());
            }
        }
    }

    @Test
    void searchAgreesWithBruteForceOnSmallConcurrentHistories() {
        for (long seed : seeds(3)) {
            Random random = new Random(seed);
            int violations = 0;
            for (int round = 0; round < 3_000; round++) {
                List<Operation> operations = RandomHistories.smallConcurrent(random, 7);
                boolean expected = BruteForce.isLinearizable(operations);
                CheckResult result = LinearizabilityChecker.check(History.of(operations), BUDGET);
                assertThat(result.verdict()).as("seed %d round %d: %s\n%s", seed, round, operations, result)
                        .isEqualTo(expected ? Verdict.LINEARIZABLE : Verdict.VIOLATION);
                violations += expected ? 0 : 1;
            }
            assertThat(violations).as("seed %d: both verdicts occur", seed).isBetween(300, 2_700);
        }
    }

    @Test
    void everyFailingWindowMeansTheWholeHistoryFails() {
        // A window is a relaxation of the history: if any window fails, the whole history must fail.
        for (long seed : seeds(2)) {
            Random random = new Random(seed);
            for (int round = 0; round < 500; round++) {
                List<Operation> operations = RandomHistories.smallConcurrent(random, 6);
                if (BruteForce.isLinearizable(operations)) {
                    for (Operation first : operations) {
                        for (Operation last : operations) {
                            KeyProblem window = Windows.cut("k", operations, first.callNanos(), last.returnNanos());
                            SearchResult result = WingGongSearch.run(window, Long.MAX_VALUE);
                            assertThat(result.status()).as("seed %d round %d window [%d, %d]: %s", seed, round,
                                    first.callNanos(), last.returnNanos(), operations)
                                    .isEqualTo(SearchResult.Status.LINEARIZABLE);
                        }
                    }
                }
            }
        }
    }

    @Test
    void tenThousandOperationsOnOneKeyAreDecidedWithinTheBudget() {
        History history = RandomHistories.sequential(10_000, 1, 10_000, 250);
        CheckResult result = LinearizabilityChecker.check(history, BUDGET);
        System.out.println("10,000 operations on one key: " + result.verdict() + " in " + result.elapsed().toMillis()
                + " ms");
        assertThat(result.verdict()).as(result.report()).isEqualTo(Verdict.LINEARIZABLE);

        RandomHistories.Mutated mutated = RandomHistories.mutateOneRead(history, 10_000);
        CheckResult failing = LinearizabilityChecker.check(mutated.history(), BUDGET);
        System.out.println("10,000 operations, one bad read: " + failing.verdict() + " in "
                + failing.elapsed().toMillis() + " ms\n" + failing.report());
        assertThat(failing.verdict()).as(failing.report()).isEqualTo(Verdict.VIOLATION);

        RandomHistories.Mutated stale = RandomHistories.makeOneReadStale(history, 10_000);
        CheckResult staleResult = LinearizabilityChecker.check(stale.history(), BUDGET);
        System.out.println("10,000 operations, one stale read: " + staleResult.verdict() + " in "
                + staleResult.elapsed().toMillis() + " ms\n" + staleResult.report());
        assertThat(staleResult.verdict()).as(staleResult.report()).isEqualTo(Verdict.VIOLATION);
    }

    @Test
    void runningOutOfBudgetIsUnknownNotAPass() {
        History history = RandomHistories.sequential(7, 2, 10_000, 250);
        CheckResult result = LinearizabilityChecker.check(history, Duration.ZERO);
        assertThat(result.verdict()).as(result.report()).isEqualTo(Verdict.UNKNOWN);
        assertThat(result.isLinearizable()).isFalse();
        assertThat(result.undecidedKeys()).containsExactly("k0", "k1");
    }
}
