package io.basalt.replication.raft;

import io.basalt.model.BasaltException;
import io.basalt.model.ErrorCode;

/**
 * Why a write on a Raft group did not succeed (docs/design/cluster.md §7.3), as the one exception type that crosses
 * layers. The router of step 12 retries the retryable reasons on the group's (new) leader; a client sees them only
 * when its deadline runs out.
 */
public final class ProposalOutcome extends BasaltException {
    private static final long serialVersionUID = 1L;

    /** The reasons; {@link #AMBIGUOUS} is the only one after which the write may have happened. */
    public enum Reason {
        /** Definitely not applied: refused before it was logged, rejected, or another entry took its sequence. */
        NOT_APPLIED,
        /** This member does not lead the group (any more); nothing was evaluated. */
        NOT_LEADER,
        /** This member leads but has not applied everything committed before its term yet. */
        NOT_READY,
        /** Nothing was applied at the write's sequence within the ambiguous-write timeout. */
        AMBIGUOUS
    }

    private final Reason reason;

    public ProposalOutcome(Reason reason, String detail) {
        // AMBIGUOUS is DynamoDB's 500 ("The server encountered an internal error trying to fulfill the request",
        // botocore's description of InternalServerError): the write may or may not have happened, as after any 500
        // of the real service. The others are retryable by the router, and a 503 if it gives up.
        super(reason == Reason.AMBIGUOUS ? ErrorCode.INTERNAL_SERVER_ERROR : ErrorCode.SERVICE_UNAVAILABLE,
                reason == Reason.AMBIGUOUS ? "Internal server error" : "Service unavailable", new IllegalStateException(
                        reason + ": " + detail));
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
