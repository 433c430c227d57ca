package io.basalt.server;

import static java.util.Objects.requireNonNull;

import io.basalt.cluster.Admission;
import io.basalt.cluster.rpc.RpcCodec;
import io.basalt.model.Limits;

/**
 * Network settings.
 *
 * @param host the address to bind (127.0.0.1 by default: a local database is not exposed unless asked)
 * @param port the port to bind; 0 picks a free one
 * @param maxRequestBytes bodies larger than this are refused with 413 before they are read (the size cap stage)
 * @param maxInFlightRequests requests admitted at once; one more gets ServiceUnavailableException (503), which
 *     every SDK retries (the admission stage, {@link Admission})
 * @param maxInFlightBytes request body bytes admitted at once; at least {@code maxRequestBytes}, or the largest
 *     request could never be admitted
 * @param rpcMaxInFlightRequests a cluster node's internal RPC frames admitted at once (counted apart from the HTTP
 *     requests, so neither side starves the other of permits, docs/design/cluster.md §12.2, §17); one more is
 *     answered OVERLOADED and its sender's Router backs off ({@code --max-inflight-rpc-requests})
 * @param rpcMaxInFlightBytes a cluster node's RPC frame bytes admitted at once; at least the largest frame the
 *     transport accepts ({@link RpcCodec#MAX_FRAME_BYTES}), or such a frame could never be admitted
 *     ({@code --max-inflight-rpc-bytes})
 */
public record ServerConfig(String host, int port, int maxRequestBytes, int maxInFlightRequests,
        long maxInFlightBytes, int rpcMaxInFlightRequests, long rpcMaxInFlightBytes) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8000;
    /** Far above what one node serves at once, so only a flood meets it; the worker queue stays bounded by it. */
    public static final int DEFAULT_MAX_IN_FLIGHT_REQUESTS = Admission.DEFAULT_MAX_REQUESTS;
    /** 16 full-size (16 MiB) requests at once; a heap of 1 GiB or more holds that beside the data it serves. */
    public static final long DEFAULT_MAX_IN_FLIGHT_BYTES = Admission.DEFAULT_MAX_BYTES;

    public ServerConfig {
        requireNonNull(host, "host is null");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (maxRequestBytes < 1) {
            throw new IllegalArgumentException("maxRequestBytes must be positive: " + maxRequestBytes);
        }
        if (maxInFlightRequests < 1) {
            throw new IllegalArgumentException("maxInFlightRequests must be positive: " + maxInFlightRequests);
        }
        if (maxInFlightBytes < maxRequestBytes) {
            throw new IllegalArgumentException("maxInFlightBytes (" + maxInFlightBytes
                    + ") must be at least maxRequestBytes (" + maxRequestBytes + ")");
        }
        if (rpcMaxInFlightRequests < 1) {
            throw new IllegalArgumentException("rpcMaxInFlightRequests must be positive: " + rpcMaxInFlightRequests);
        }
        if (rpcMaxInFlightBytes < RpcCodec.MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("rpcMaxInFlightBytes (" + rpcMaxInFlightBytes
                    + ") must be at least the largest RPC frame (" + RpcCodec.MAX_FRAME_BYTES + ")");
        }
    }

    /** Settings with the RPC admission limits at their defaults (one node, which serves no RPC). */
    public ServerConfig(String host, int port, int maxRequestBytes, int maxInFlightRequests, long maxInFlightBytes) {
        this(host, port, maxRequestBytes, maxInFlightRequests, maxInFlightBytes, Admission.DEFAULT_MAX_REQUESTS,
                Admission.DEFAULT_MAX_BYTES);
    }

    public static ServerConfig of(String host, int port) {
        return new ServerConfig(host, port, Limits.MAX_REQUEST_BYTES, DEFAULT_MAX_IN_FLIGHT_REQUESTS,
                DEFAULT_MAX_IN_FLIGHT_BYTES);
    }

    /** This configuration with other admission limits. */
    public ServerConfig withAdmission(int requests, long bytes) {
        return new ServerConfig(host, port, maxRequestBytes, requests, bytes, rpcMaxInFlightRequests,
                rpcMaxInFlightBytes);
    }

    /** This configuration with other admission limits for a cluster node's internal RPC. */
    public ServerConfig withRpcAdmission(int requests, long bytes) {
        return new ServerConfig(host, port, maxRequestBytes, maxInFlightRequests, maxInFlightBytes, requests, bytes);
    }

    /** This configuration listening on another address (a cluster node's persisted API port). */
    public ServerConfig withAddress(String address, int listenPort) {
        return new ServerConfig(address, listenPort, maxRequestBytes, maxInFlightRequests, maxInFlightBytes,
                rpcMaxInFlightRequests, rpcMaxInFlightBytes);
    }

    /** The admission stage of a cluster node's RPC server, with these limits. */
    public Admission rpcAdmission() {
        return new Admission(rpcMaxInFlightRequests, rpcMaxInFlightBytes);
    }
}
