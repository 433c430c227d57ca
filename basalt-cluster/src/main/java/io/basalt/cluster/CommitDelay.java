package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fault injection for tests: holds every prepared transaction for a while before its commit decision, so that
 * other writes, reads and transactions can be raced against one in flight. Changing the delay (to 0 included) lets
 * the transactions held by the previous one go on at once.
 */
final class CommitDelay {
    /** A delay in force, and what lifts the wait of the transactions it holds (completed when it is replaced). */
    private record Hold(long delayMillis, CompletableFuture<Void> lifted) {
    }

    private volatile Hold hold = new Hold(0, new CompletableFuture<>());
    private final AtomicInteger held = new AtomicInteger();

    void set(Duration delay) {
        requireNonNull(delay, "delay is null");
        Hold previous = hold;
        hold = new Hold(delay.toMillis(), new CompletableFuture<>());
        previous.lifted().complete(null);
    }

    Duration get() {
        return Duration.ofMillis(hold.delayMillis());
    }

    /** How many prepared transactions are waiting now. */
    int held() {
        return held.get();
    }

    /**
     * Null without a delay; otherwise a future that completes on {@code workers} once the delay has passed or been
     * changed, counted as held until then.
     */
    CompletableFuture<Void> await(Executor workers) {
        Hold current = hold;
        if (current.delayMillis() == 0) {
            return null;
        }
        held.incrementAndGet();
        CompletableFuture<Void> due = new CompletableFuture<>();
        CompletableFuture.delayedExecutor(current.delayMillis(), TimeUnit.MILLISECONDS, workers)
                .execute(() -> due.complete(null));
        current.lifted().thenRun(() -> due.complete(null));
        return due.thenRunAsync(held::decrementAndGet, workers);
    }
}
