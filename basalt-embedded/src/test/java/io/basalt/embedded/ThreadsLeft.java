package io.basalt.embedded;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** The threads started since a snapshot that are still alive, waited for a few seconds to end. */
final class ThreadsLeft {
    private static final Duration PATIENCE = Duration.ofSeconds(5);

    private ThreadsLeft() {
    }

    static List<String> afterWaiting(Set<Thread> before, Predicate<Thread> counted) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        List<String> left = left(before, counted);
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            left = left(before, counted);
        }
        return left;
    }

    private static List<String> left(Set<Thread> before, Predicate<Thread> counted) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> !before.contains(thread) && thread.isAlive() && counted.test(thread))
                .map(Thread::getName)
                .sorted()
                .collect(Collectors.toList());
    }
}
