package io.basalt.server;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The admission stage: bounds the requests in flight and the request bytes they hold, so that overload is refused
 * cheaply at the door instead of queueing without limit in front of the workers and partitions. A refused request
 * gets DynamoDB's {@code ServiceUnavailableException} (503), which every AWS SDK retries with backoff (the SDKs'
 * standard retry mode treats 503 and this error code as retryable).
 *
 * <p>A request holds one permit and its body's byte count from admission until its response is ready; the caller
 * must {@link #release} exactly what {@link #tryAcquire} granted, on every path. Thread-safe: two counters, no lock
 * and no allocation per request. A request that briefly overshoots a counter is rolled back, so two racing
 * requests at the limit may both be refused; neither is ever admitted over it.
 */
final class Admission {
    private final int maxRequests;
    private final long maxBytes;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();

    Admission(int maxRequests, long maxBytes) {
        if (maxRequests < 1) {
            throw new IllegalArgumentException("maxRequests must be positive: " + maxRequests);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        this.maxRequests = maxRequests;
        this.maxBytes = maxBytes;
    }

    /** Takes a permit for a request of {@code size} bytes; false, taking nothing, when either limit is reached. */
    boolean tryAcquire(int size) {
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
    void release(int size) {
        bytes.addAndGet(-size);
        requests.decrementAndGet();
    }

    /** The requests holding a permit now (for tests and monitoring). */
    int inFlightRequests() {
        return requests.get();
    }

    /** The bytes held by requests in flight now (for tests and monitoring). */
    long inFlightBytes() {
        return bytes.get();
    }
}
