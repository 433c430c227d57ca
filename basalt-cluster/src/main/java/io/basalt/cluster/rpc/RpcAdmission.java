package io.basalt.cluster.rpc;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The admission limits of a node's RPC server (docs/design/cluster.md §17: the node's limits bound the RPC server
 * too): requests in flight and the request bytes they hold. A request over either limit is answered OVERLOADED
 * without being decoded further or served; the sender's Router backs off and retries until its routing deadline.
 * The same shape as the HTTP server's admission stage (two counters, no lock, no allocation), with counters of its
 * own, so that a flood of internal calls cannot starve the node's clients of permits or the reverse.
 */
public final class RpcAdmission {
    /** The HTTP server's defaults (--max-inflight-requests, --max-inflight-bytes). */
    public static final int DEFAULT_MAX_REQUESTS = 4_096;
    public static final long DEFAULT_MAX_BYTES = 256L * 1024 * 1024;

    private final int maxRequests;
    private final long maxBytes;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();

    public RpcAdmission(int maxRequests, long maxBytes) {
        if (maxRequests < 1) {
            throw new IllegalArgumentException("maxRequests must be positive: " + maxRequests);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        this.maxRequests = maxRequests;
        this.maxBytes = maxBytes;
    }

    public static RpcAdmission defaults() {
        return new RpcAdmission(DEFAULT_MAX_REQUESTS, DEFAULT_MAX_BYTES);
    }

    /** Takes a permit for a frame of {@code size} bytes; false, taking nothing, when either limit is reached. */
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

    void release(int size) {
        bytes.addAndGet(-size);
        requests.decrementAndGet();
    }

    /** The requests being served now (tests check that every permit comes back). */
    public int inFlightRequests() {
        return requests.get();
    }

    public long inFlightBytes() {
        return bytes.get();
    }
}
