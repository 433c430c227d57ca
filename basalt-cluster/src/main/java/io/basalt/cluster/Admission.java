package io.basalt.cluster;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An admission stage: bounds the requests in flight and the request bytes they hold, so that overload is refused
 * cheaply at the door instead of queueing without limit (docs/design/cluster.md §17). The HTTP server holds one —
 * a refused request gets DynamoDB's {@code ServiceUnavailableException} (503), which every AWS SDK retries with
 * backoff — and a node's RPC server another, with counters of its own so that a flood of internal calls cannot
 * starve the node's clients of permits or the reverse (a refused frame is answered OVERLOADED and the sender's
 * Router backs off).
 *
 * <p>A request holds one permit and its byte count from admission until its answer is ready; the caller must
 * {@link #release} exactly what {@link #tryAcquire} granted, on every path. Thread-safe: two counters, no lock and
 * no allocation per request. A request that briefly overshoots a counter is rolled back, so two racing requests at
 * the limit may both be refused; neither is ever admitted over it.
 */
public final class Admission {
    /** The defaults of {@code --max-inflight-requests} and {@code --max-inflight-bytes}. */
    public static final int DEFAULT_MAX_REQUESTS = 4_096;
    public static final long DEFAULT_MAX_BYTES = 256L * 1024 * 1024;

    private final int maxRequests;
    private final long maxBytes;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();

    public Admission(int maxRequests, long maxBytes) {
        if (maxRequests < 1) {
            throw new IllegalArgumentException("maxRequests must be positive: " + maxRequests);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        this.maxRequests = maxRequests;
        this.maxBytes = maxBytes;
    }

    /** Limits at the defaults. */
    public static Admission defaults() {
        return new Admission(DEFAULT_MAX_REQUESTS, DEFAULT_MAX_BYTES);
    }

    /** Takes a permit for a request of {@code size} bytes; false, taking nothing, when either limit is reached. */
    public boolean tryAcquire(int size) {
        if (requests.incrementAndGet() > maxRequests) {
            requests.decrementAndGet();
            return false;
        }
        if (bytes.addAndGet(size) > maxBytes) {
            bytes.addAndGet(-size);
            requests.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Gives back a permit that {@link #tryAcquire} granted for {@code size} bytes. */
    public void release(int size) {
        bytes.addAndGet(-size);
        requests.decrementAndGet();
    }

    /** The requests holding a permit now (for tests and monitoring). */
    public int inFlightRequests() {
        return requests.get();
    }

    /** The bytes held by requests in flight now (for tests and monitoring). */
    public long inFlightBytes() {
        return bytes.get();
    }
}
