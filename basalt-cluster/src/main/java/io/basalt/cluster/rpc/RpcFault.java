package io.basalt.cluster.rpc;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * A fault {@link NettyRpcTransport} injects on the requests it sends to one peer, for the fault tests (STYLE.md
 * habit 12; TiKV's {@code transport_simulate.rs} filters messages the same way): the network misbehaves, the code
 * under test does not know.
 *
 * @param kind what happens to each request
 * @param delay for {@link Kind#DELAY}, how long each request waits before it is written
 */
public record RpcFault(Kind kind, Duration delay) {
    /** What happens to a request sent to the faulty peer. */
    public enum Kind {
        /** Counted as written but never sent: the caller sees its deadline pass (a lost packet or a hung peer). */
        DROP,
        /** Written after {@link #delay}: the peer is slow (and answers may overtake each other). */
        DELAY,
        /** Never written, as if the peer refused the connection: the caller sees a safe failure at once. */
        REFUSE
    }

    public RpcFault {
        requireNonNull(kind, "kind is null");
        requireNonNull(delay, "delay is null");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay is negative: " + delay);
        }
    }

    public static RpcFault drop() {
        return new RpcFault(Kind.DROP, Duration.ZERO);
    }

    public static RpcFault delay(Duration delay) {
        return new RpcFault(Kind.DELAY, delay);
    }

    public static RpcFault refuse() {
        return new RpcFault(Kind.REFUSE, Duration.ZERO);
    }
}
