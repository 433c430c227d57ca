package io.basalt.cluster.rpc;

import static java.util.Objects.requireNonNull;

/**
 * A request frame that got no answer, saying whether it may have reached the peer (docs/design/cluster.md §12.3):
 * a request that was never written is safe to send elsewhere; one that was written and then lost its connection or
 * its deadline may have been served, so a write in that state is ambiguous.
 */
public final class RpcTransportException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What became of the request. */
    public enum Failure {
        /** Never handed to the network (connection refused or lost before the write, a refusing fault). */
        NOT_WRITTEN,
        /** Written, then the connection closed before its answer came. */
        CONNECTION_LOST,
        /** Written, and its deadline passed before its answer came. */
        TIMED_OUT,
        /**
         * Written, and before its answer came the sender learned that another, newer leader leads the group of the
         * write's partition: the Router stopped waiting for it (docs/design/cluster.md §12.3, {@code SentWrites}).
         */
        LEADER_CHANGED
    }

    private final Failure failure;

    public RpcTransportException(Failure failure, String message, Throwable cause) {
        super(message, cause);
        this.failure = requireNonNull(failure, "failure is null");
    }

    public Failure failure() {
        return failure;
    }

    /** Whether the request may have reached the peer (and, for a write, may have been applied). */
    public boolean written() {
        return failure != Failure.NOT_WRITTEN;
    }
}
