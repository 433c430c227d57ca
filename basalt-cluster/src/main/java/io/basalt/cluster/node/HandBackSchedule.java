package io.basalt.cluster.node;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * When {@link PreferredLeaders} may next try to hand a group to its preferred leader: a pure schedule over the
 * instants it is given (no clock, no sleeping), so that the waits can be tested as values. A group handed back is
 * not handed again for {@link #MIN_INTERVAL} (a leadership that moved back and forth would hold the group's writes
 * each time); a failed attempt waits {@link #FIRST_BACKOFF}, doubling with each failure in a row up to {@link
 * #MAX_BACKOFF} (a preferred member that keeps refusing is not asked every round); a success clears the backoff.
 *
 * <p>Not thread-safe: owned by the one thread that runs {@link PreferredLeaders#run}.
 */
final class HandBackSchedule {
    static final Duration MIN_INTERVAL = Duration.ofSeconds(5);
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(5);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

    private final Map<Long, Instant> notBefore = new HashMap<>();
    /** The wait after each group's latest failure in a row; absent after a success or before any failure. */
    private final Map<Long, Duration> backoff = new HashMap<>();

    /** Whether {@code groupId} may be tried at {@code now}. */
    boolean isDue(long groupId, Instant now) {
        requireNonNull(now, "now is null");
        Instant wait = notBefore.get(groupId);
        return wait == null || !now.isBefore(wait);
    }

    /** {@code groupId} was handed back (or its priorities reset) at {@code now}: not again for the minimum interval. */
    void handedBack(long groupId, Instant now) {
        notBefore.put(groupId, now.plus(MIN_INTERVAL));
        backoff.remove(groupId);
    }

    /** An attempt on {@code groupId} failed at {@code now}; returns how long the group now waits. */
    Duration failed(long groupId, Instant now) {
        Duration previous = backoff.get(groupId);
        Duration next = previous == null ? FIRST_BACKOFF : previous.multipliedBy(2);
        if (next.compareTo(MAX_BACKOFF) > 0) {
            next = MAX_BACKOFF;
        }
        backoff.put(groupId, next);
        notBefore.put(groupId, now.plus(next));
        return next;
    }
}
