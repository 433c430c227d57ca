package io.basalt.cluster.routing;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How long and how patiently the Router retries inside the cluster before a client sees anything
 * (docs/design/cluster.md §12.3).
 *
 * @param routingDeadline how long a call may keep meeting safe failures (not the leader, not ready, moved,
 *     unreachable before the write) before it fails with ServiceUnavailableException ({@code --routing-deadline},
 *     default 5 s)
 * @param firstBackoff the wait after the first NOT_READY or OVERLOADED answer (10 ms), doubled after each
 * @param maxBackoff the longest wait between two attempts (200 ms)
 * @param eventualReadsFromReplicas whether an eventually consistent read (GetItem, BatchGetItem, Query, Scan without
 *     {@code ConsistentRead}) is served by this node's own member of the partition's group when it has one, leader or
 *     not (docs/design/cluster.md §10: such reads can really be stale, by the member's apply lag, as DynamoDB's can),
 *     rather than by the leader ({@code --eventual-reads=replica|leader}, default replica)
 */
public record RoutingConfig(Duration routingDeadline, Duration firstBackoff, Duration maxBackoff,
        boolean eventualReadsFromReplicas) {
    public static final Duration DEFAULT_ROUTING_DEADLINE = Duration.ofSeconds(5);

    public RoutingConfig {
        requireNonNull(routingDeadline, "routingDeadline is null");
        requireNonNull(firstBackoff, "firstBackoff is null");
        requireNonNull(maxBackoff, "maxBackoff is null");
        if (routingDeadline.isNegative() || routingDeadline.isZero()) {
            throw new IllegalArgumentException("routingDeadline must be positive: " + routingDeadline);
        }
        if (firstBackoff.isNegative() || firstBackoff.isZero() || maxBackoff.compareTo(firstBackoff) < 0) {
            throw new IllegalArgumentException("backoff must be positive and at most " + maxBackoff + ": "
                    + firstBackoff);
        }
    }

    /** Eventual reads from replicas. */
    public RoutingConfig(Duration routingDeadline, Duration firstBackoff, Duration maxBackoff) {
        this(routingDeadline, firstBackoff, maxBackoff, true);
    }

    public static RoutingConfig defaults() {
        return new RoutingConfig(DEFAULT_ROUTING_DEADLINE, Duration.ofMillis(10), Duration.ofMillis(200));
    }

    public RoutingConfig withRoutingDeadline(Duration deadline) {
        return new RoutingConfig(deadline, firstBackoff, maxBackoff, eventualReadsFromReplicas);
    }

    /** This configuration with eventual reads served by replicas ({@code true}) or by leaders only. */
    public RoutingConfig withEventualReadsFromReplicas(boolean fromReplicas) {
        return new RoutingConfig(routingDeadline, firstBackoff, maxBackoff, fromReplicas);
    }
}
