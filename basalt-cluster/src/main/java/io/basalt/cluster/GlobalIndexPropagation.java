package io.basalt.cluster;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

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
}
