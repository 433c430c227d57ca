package io.basalt.testing.linearizability;

import static java.util.Objects.requireNonNull;

/**
 * What a client learned about an operation.
 *
 * @param status how the operation ended
 * @param observed for {@link Status#READ}, the register as the strong read returned it; otherwise null
 * @param detail for {@link Status#FAILED} and {@link Status#UNKNOWN}, the error (type or exception) that ended
 *     it; otherwise null
 */
public record Outcome(Status status, RegisterState observed, String detail) {
    private static final Outcome OK = new Outcome(Status.OK, null, null);
    private static final Outcome CONDITION_FAILED = new Outcome(Status.CONDITION_FAILED, null, null);

    /** How an operation ended, and so what the checker may assume about its effect. */
    public enum Status {
        /** A write succeeded: it took effect exactly once, between its call and its return. */
        OK,
        /** A read returned {@link Outcome#observed()}, the register's state at some point between call and return. */
        READ,
        /** A conditional update failed its condition: it had no effect, and the condition was false when it ran. */
        CONDITION_FAILED,
        /**
         * DynamoDB rejected the request (a 4xx other than ConditionalCheckFailedException: validation, missing
         * table, throttling): it had no effect and observed nothing, so the checker ignores it.
         */
        FAILED,
        /**
         * The client cannot know (a timeout, a 5xx, a reset or refused connection): the operation may have taken
         * effect at any time after its call, or never. An unknown read constrains nothing and is ignored.
         */
        UNKNOWN
    }

    public Outcome {
        requireNonNull(status, "status is null");
        if ((status == Status.READ) != (observed != null)) {
            throw new IllegalArgumentException("observed must be given exactly for READ: " + status);
        }
        if (observed instanceof RegisterState.OneOf) {
            throw new IllegalArgumentException("a read observes one state, not " + observed);
        }
        if ((status == Status.FAILED || status == Status.UNKNOWN) != (detail != null)) {
            throw new IllegalArgumentException("detail must be given exactly for FAILED and UNKNOWN: " + status);
        }
    }

    public static Outcome ok() {
        return OK;
    }

    public static Outcome read(RegisterState observed) {
        return new Outcome(Status.READ, requireNonNull(observed, "observed is null"), null);
    }

    public static Outcome conditionFailed() {
        return CONDITION_FAILED;
    }

    public static Outcome failed(String error) {
        return new Outcome(Status.FAILED, null, requireNonNull(error, "error is null"));
    }

    public static Outcome unknown(String reason) {
        return new Outcome(Status.UNKNOWN, null, requireNonNull(reason, "reason is null"));
    }

    /** True for a definite outcome the checker must explain: OK, READ or CONDITION_FAILED. */
    public boolean isKnown() {
        return status == Status.OK || status == Status.READ || status == Status.CONDITION_FAILED;
    }

    @Override
    public String toString() {
        return switch (status) {
            case OK -> "ok";
            case READ -> "read " + observed;
            case CONDITION_FAILED -> "ConditionalCheckFailed";
            case FAILED -> "failed (" + detail + ")";
            case UNKNOWN -> "unknown (" + detail + ")";
        };
    }
}
