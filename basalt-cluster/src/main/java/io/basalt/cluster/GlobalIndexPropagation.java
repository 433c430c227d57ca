package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * How global secondary indexes follow their tables. DynamoDB propagates asynchronously, usually within a second;
 * applications must cope with an index that lags. Locally, that lag can be removed (a write returns only once its
 * global index entries are written) or made longer on purpose (a change reaches the indexes no sooner than
 * {@code delay} after its write), so applications can test both.
 *
 * @param synchronous whether writes wait until their global index entries are written
 * @param delay the least time between a write and its index entries (ignored when synchronous)
 */
public record GlobalIndexPropagation(boolean synchronous, Duration delay) {
    /** Asynchronous, as soon as possible: DynamoDB's behaviour with the shortest lag. */
    public static final GlobalIndexPropagation ASYNCHRONOUS = new GlobalIndexPropagation(false, Duration.ZERO);
    public static final GlobalIndexPropagation SYNCHRONOUS = new GlobalIndexPropagation(true, Duration.ZERO);

    public GlobalIndexPropagation {
        requireNonNull(delay, "delay is null");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative: " + delay);
        }
    }

    public static GlobalIndexPropagation delayed(Duration delay) {
        return new GlobalIndexPropagation(false, delay);
    }

    /**
     * Completes once the deliberate delay (tests) has passed since now by {@code clock}, as the propagators hold
     * records back: the setting is read again at least every 100 ms, so a delay lifted or shortened meanwhile lets
     * the work go. At once without a delay. If {@code timer} is closing the future never completes: the work resumes
     * after a restart or under the next leader.
     */
    static CompletableFuture<Void> afterDeliberateDelay(Supplier<GlobalIndexPropagation> setting, Clock clock,
            ScheduledExecutorService timer) {
        CompletableFuture<Void> due = new CompletableFuture<>();
        completeWhenDue(due, clock.millis(), setting, clock, timer);
        return due;
    }

    private static void completeWhenDue(CompletableFuture<Void> due, long startMillis,
            Supplier<GlobalIndexPropagation> setting, Clock clock, ScheduledExecutorService timer) {
        GlobalIndexPropagation current = setting.get();
        long delayMillis = current.synchronous() ? 0 : current.delay().toMillis();
        long remaining = delayMillis - (clock.millis() - startMillis);
        if (remaining <= 0) {
            due.complete(null);
            return;
        }
        try {
            timer.schedule(() -> completeWhenDue(due, startMillis, setting, clock, timer), Math.min(remaining, 100),
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // Closing: see above.
        }
    }
}
